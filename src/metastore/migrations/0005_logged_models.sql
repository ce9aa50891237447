-- MLflow 3 logged models: a model is its own entity in an experiment (not a run artifact), with
-- params, tags and runs that output it. Deleting a model only marks it (as MLflow does), so
-- its artifacts stay until the experiment is purged.
CREATE TABLE logged_models (
  model_id                  TEXT PRIMARY KEY,   -- "m-" + 32 hex, as MLflow makes them
  experiment_id             BIGINT NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  name                      TEXT NOT NULL,
  model_type                TEXT,
  source_run_id             TEXT,
  status                    TEXT NOT NULL,      -- LOGGED_MODEL_PENDING | _READY | _UPLOAD_FAILED
  status_message            TEXT,
  artifact_uri              TEXT NOT NULL,
  creator                   TEXT NOT NULL,      -- the principal's name
  creation_timestamp_ms     BIGINT NOT NULL,
  last_updated_timestamp_ms BIGINT NOT NULL,
  lifecycle_stage           TEXT NOT NULL DEFAULT 'active'
);
CREATE INDEX logged_models_by_experiment
  ON logged_models (experiment_id, lifecycle_stage, creation_timestamp_ms);

CREATE TABLE logged_model_params (
  model_id  TEXT NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
  key       TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
);

CREATE TABLE logged_model_tags (
  model_id  TEXT NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
  key       TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
);

-- runs/outputs: the models a run produced, at a step.
CREATE TABLE logged_model_outputs (
  run_id    TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  model_id  TEXT NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
  step      BIGINT NOT NULL,
  PRIMARY KEY (run_id, model_id)
);

-- Metrics logged with a model_id (MLflow 3): every point, with the run that logged it and the
-- dataset it was measured on ('' when none).
CREATE TABLE logged_model_metrics (
  model_id        TEXT NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
  run_id          TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  key             TEXT NOT NULL,
  value           DOUBLE PRECISION,   -- NULL when is_nan
  is_nan          INTEGER NOT NULL DEFAULT 0,
  timestamp       BIGINT NOT NULL,
  step            BIGINT NOT NULL,
  dataset_name    TEXT NOT NULL DEFAULT '',
  dataset_digest  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX logged_model_metrics_by_model ON logged_model_metrics (model_id, key, step);
