-- Search index freshness (issue 5): every transaction that changes the runs of an experiment
-- (or anything logged to them) bumps the experiment's version. A process may answer searches
-- from an in-memory index only while the version it indexed is still the current one.
CREATE TABLE experiment_versions (
  experiment_id  BIGINT PRIMARY KEY REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  version        BIGINT NOT NULL
);
