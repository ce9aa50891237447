-- Experiment tracking (issue 5): MLflow's entities with workspace permissions.

CREATE TABLE experiments (
  experiment_id     BIGINT PRIMARY KEY,
  name              TEXT NOT NULL UNIQUE,      -- MLflow experiment names are case-sensitive
  artifact_location TEXT NOT NULL,
  lifecycle_stage   TEXT NOT NULL DEFAULT 'active',
  creation_time     BIGINT NOT NULL,
  last_update_time  BIGINT NOT NULL,
  owner_id          TEXT REFERENCES principals(id) ON DELETE SET NULL
);

-- MLflow's default experiment: clients log to id 0 when no experiment is set.
INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time,
                         last_update_time, owner_id)
VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', 0, 0, NULL);

CREATE TABLE experiment_tags (
  experiment_id  BIGINT NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  key            TEXT NOT NULL,
  value          TEXT NOT NULL,
  PRIMARY KEY (experiment_id, key)
);

-- CAN_READ < CAN_EDIT < CAN_MANAGE, granted to users, groups and service principals.
CREATE TABLE experiment_permissions (
  experiment_id    BIGINT NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  principal_id     TEXT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
  permission_level TEXT NOT NULL,
  PRIMARY KEY (experiment_id, principal_id)
);

CREATE TABLE runs (
  run_id          TEXT PRIMARY KEY,
  experiment_id   BIGINT NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  status          TEXT NOT NULL,
  start_time      BIGINT NOT NULL,
  end_time        BIGINT,
  lifecycle_stage TEXT NOT NULL DEFAULT 'active',
  artifact_uri    TEXT NOT NULL,
  deleted_time    BIGINT
);
CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time);

CREATE TABLE params (
  run_id  TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  key     TEXT NOT NULL,
  value   TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);

CREATE TABLE tags (
  run_id  TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  key     TEXT NOT NULL,
  value   TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);

-- Every logged point. No uniqueness: a point logged twice is kept twice (append speed).
CREATE TABLE metrics (
  run_id     TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  key        TEXT NOT NULL,
  value      DOUBLE PRECISION,   -- NULL when is_nan
  timestamp  BIGINT NOT NULL,
  step       BIGINT NOT NULL,
  is_nan     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX metrics_by_run_key ON metrics (run_id, key, step, timestamp);

-- The latest point per (run, key) by (step, timestamp, value), as MLflow reports it; search
-- filters and sorts on this table.
CREATE TABLE latest_metrics (
  run_id     TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  key        TEXT NOT NULL,
  value      DOUBLE PRECISION,
  timestamp  BIGINT NOT NULL,
  step       BIGINT NOT NULL,
  is_nan     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, key)
);
CREATE INDEX latest_metrics_by_key_value ON latest_metrics (key, value);

CREATE TABLE datasets (
  dataset_id     TEXT PRIMARY KEY,
  experiment_id  BIGINT NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  digest         TEXT NOT NULL,
  source_type    TEXT NOT NULL,
  source         TEXT NOT NULL,
  schema         TEXT,
  profile        TEXT,
  UNIQUE (experiment_id, name, digest)
);

CREATE TABLE run_inputs (
  run_id      TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  dataset_id  TEXT NOT NULL REFERENCES datasets(dataset_id) ON DELETE CASCADE,
  tags        TEXT NOT NULL DEFAULT '[]',   -- JSON array of {key, value} (e.g. mlflow.data.context)
  PRIMARY KEY (run_id, dataset_id)
);
