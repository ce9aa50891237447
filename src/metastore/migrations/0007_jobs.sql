-- Jobs (issue 8): Databricks-Jobs-like job definitions, their runs, task runs, task values,
-- scheduler state and webhook deliveries. Job ids and run ids are integers, as in Jobs 2.1.

CREATE TABLE jobs (
  job_id          BIGINT PRIMARY KEY,
  name            TEXT NOT NULL,
  settings        TEXT NOT NULL,          -- JobSettings JSON (jobs/job_spec.h ToJson)
  creator_id      TEXT NOT NULL,
  owner_id        TEXT NOT NULL,
  run_as          TEXT NOT NULL,          -- principal name the tasks run as
  created_time    BIGINT NOT NULL,
  updated_time    BIGINT NOT NULL,
  bundle_key      TEXT UNIQUE             -- "<bundle>/<target>/<resource key>" for bundle jobs
);
CREATE INDEX jobs_by_name ON jobs (name);

-- CAN_VIEW < CAN_MANAGE_RUN < CAN_MANAGE (the owner is IS_OWNER, kept in jobs.owner_id).
CREATE TABLE job_permissions (
  job_id           BIGINT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
  principal_id     TEXT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
  permission_level TEXT NOT NULL,
  PRIMARY KEY (job_id, principal_id)
);

-- One run of a job. life_cycle_state/result_state as Jobs 2.1. The settings are copied at run
-- creation, so editing the job never changes a run in flight.
CREATE TABLE job_runs (
  run_id            BIGINT PRIMARY KEY,
  job_id            BIGINT NOT NULL,
  settings          TEXT NOT NULL,
  parameters        TEXT NOT NULL DEFAULT '{}',   -- effective job parameters (JSON object)
  trigger_type      TEXT NOT NULL,                -- ONE_TIME | PERIODIC | TABLE | RETRY | RUN_JOB_TASK
  trigger_time      BIGINT,                       -- the scheduled instant, for SCHEDULE/TABLE/PERIODIC
  trigger_info      TEXT NOT NULL DEFAULT '{}',
  parent_run_id     BIGINT,                       -- for runs started by a run_job task
  life_cycle_state  TEXT NOT NULL,
  result_state      TEXT,
  state_message     TEXT NOT NULL DEFAULT '',
  cancel_requested  INTEGER NOT NULL DEFAULT 0,
  run_as            TEXT NOT NULL,
  creator           TEXT NOT NULL,
  runner_id         TEXT,                         -- "<pid>:<start ticks>" of the executing process
  repair_count      INTEGER NOT NULL DEFAULT 0,
  queued_time       BIGINT NOT NULL,
  start_time        BIGINT,
  end_time          BIGINT
);
CREATE INDEX job_runs_by_job ON job_runs (job_id, run_id);
CREATE INDEX job_runs_by_state ON job_runs (life_cycle_state);
-- A scheduled or triggered instant fires one run, even across server restarts or replicas.
CREATE UNIQUE INDEX job_runs_once_per_trigger ON job_runs (job_id, trigger_type, trigger_time);

-- One attempt of one task in a run. Retries and repairs add attempts; the latest is current.
CREATE TABLE job_task_runs (
  task_run_id       BIGINT PRIMARY KEY,
  run_id            BIGINT NOT NULL REFERENCES job_runs(run_id) ON DELETE CASCADE,
  task_key          TEXT NOT NULL,
  attempt_number    INTEGER NOT NULL,
  repair_number     INTEGER NOT NULL DEFAULT 0,
  life_cycle_state  TEXT NOT NULL,
  result_state      TEXT,
  state_message     TEXT NOT NULL DEFAULT '',
  condition_outcome TEXT,               -- "true"/"false" for condition tasks
  child_run_id      BIGINT,             -- for run_job tasks
  pid               BIGINT,             -- process group of a running command
  exit_code         INTEGER,
  log_dir           TEXT,
  start_time        BIGINT,
  end_time          BIGINT,
  UNIQUE (run_id, task_key, attempt_number)
);

CREATE TABLE job_task_values (
  run_id     BIGINT NOT NULL REFERENCES job_runs(run_id) ON DELETE CASCADE,
  task_key   TEXT NOT NULL,
  key        TEXT NOT NULL,
  value      TEXT NOT NULL,             -- JSON
  set_time   BIGINT NOT NULL,
  PRIMARY KEY (run_id, task_key, key)
);

-- What the scheduler has fired: the last cron/periodic instant, and for table-update triggers
-- the last table version seen. Updated in the same transaction that inserts the run.
CREATE TABLE job_trigger_state (
  job_id      BIGINT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
  source      TEXT NOT NULL,            -- "schedule", "periodic" or "table:<full name>"
  last_value  BIGINT NOT NULL,          -- millis for schedules, version for tables
  updated_time BIGINT NOT NULL,
  PRIMARY KEY (job_id, source)
);

CREATE TABLE job_webhook_deliveries (
  delivery_id   BIGINT PRIMARY KEY,
  run_id        BIGINT NOT NULL,
  event         TEXT NOT NULL,          -- on_start | on_success | on_failure
  url           TEXT NOT NULL,
  attempts      INTEGER NOT NULL,
  status_code   INTEGER,
  outcome       TEXT NOT NULL,          -- DELIVERED | FAILED
  error         TEXT NOT NULL DEFAULT '',
  time          BIGINT NOT NULL
);
CREATE INDEX job_webhook_deliveries_by_run ON job_webhook_deliveries (run_id);
