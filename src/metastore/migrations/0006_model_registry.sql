-- Model registry (issue 6). A registered model is a REGISTERED_MODEL securable: its name,
-- owner, comment, tags and grants live in the catalog tables. These tables hold what only a
-- model has: versions (files copied into the model's managed storage), their tags, aliases, and
-- the events later layers (jobs, webhooks) subscribe to.

CREATE TABLE registered_models (
  securable_id  TEXT PRIMARY KEY REFERENCES securables(id) ON DELETE CASCADE,
  last_version  BIGINT NOT NULL DEFAULT 0   -- version numbers are never reused
);

CREATE TABLE model_versions (
  securable_id            TEXT NOT NULL REFERENCES registered_models(securable_id)
                                        ON DELETE CASCADE,
  version                 BIGINT NOT NULL,
  source                  TEXT NOT NULL,    -- as the caller gave it
  run_id                  TEXT,
  run_link                TEXT,
  description             TEXT,
  status                  TEXT NOT NULL,    -- PENDING_REGISTRATION | READY | FAILED_REGISTRATION
  status_message          TEXT,
  storage_location        TEXT NOT NULL,    -- derived from the model's storage, never from input
  lineage                 TEXT NOT NULL DEFAULT '{}',  -- JSON: run, input tables, code commit
  created_by              TEXT NOT NULL,
  creation_timestamp      BIGINT NOT NULL,
  last_updated_timestamp  BIGINT NOT NULL,
  PRIMARY KEY (securable_id, version)
);
CREATE INDEX model_versions_by_run ON model_versions (run_id);

CREATE TABLE model_version_tags (
  securable_id  TEXT NOT NULL,
  version       BIGINT NOT NULL,
  key           TEXT NOT NULL,
  value         TEXT NOT NULL,
  PRIMARY KEY (securable_id, version, key),
  FOREIGN KEY (securable_id, version) REFERENCES model_versions (securable_id, version)
    ON DELETE CASCADE
);

-- An alias names exactly one version of its model (the primary key); moving it is one UPDATE.
CREATE TABLE model_aliases (
  securable_id  TEXT NOT NULL,
  alias         TEXT NOT NULL,
  version       BIGINT NOT NULL,
  PRIMARY KEY (securable_id, alias),
  FOREIGN KEY (securable_id, version) REFERENCES model_versions (securable_id, version)
    ON DELETE CASCADE
);

-- Registry events, in commit order (event_id increases). The model is named as it was when
-- the event happened.
CREATE TABLE registry_events (
  event_id      BIGINT PRIMARY KEY,
  event_type    TEXT NOT NULL,   -- MODEL_VERSION_CREATED | ALIAS_SET | ALIAS_DELETED | ...
  securable_id  TEXT NOT NULL,
  model_name    TEXT NOT NULL,
  version       BIGINT,
  alias         TEXT,
  principal     TEXT NOT NULL,
  timestamp     BIGINT NOT NULL,
  details       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX registry_events_by_model ON registry_events (securable_id, event_id);
