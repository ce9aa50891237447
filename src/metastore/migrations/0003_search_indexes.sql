-- Search over runs (issue 5): equality and LIKE-prefix filters on params and tags can start
-- from these indexes instead of probing every run of an experiment.
CREATE INDEX params_by_key_value ON params (key, value);
CREATE INDEX tags_by_key_value ON tags (key, value);
