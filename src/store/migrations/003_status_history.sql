-- Every move of a deployment, phase and release, in order: a phase may enter Checking more than
-- once (it waited on prerequisites), and `status_times` keeps only the first time of each status.
ALTER TABLE deployments ADD COLUMN status_history jsonb NOT NULL DEFAULT '[]';
ALTER TABLE phases ADD COLUMN status_history jsonb NOT NULL DEFAULT '[]';
ALTER TABLE releases ADD COLUMN status_history jsonb NOT NULL DEFAULT '[]';

-- What is known of the moves made before this migration: one entry per status reached.
UPDATE deployments SET status_history = (
  SELECT COALESCE(jsonb_agg(jsonb_build_object('status', key, 'at', value, 'detail', NULL) ORDER BY value), '[]') FROM jsonb_each_text(status_times));
UPDATE phases SET status_history = (
  SELECT COALESCE(jsonb_agg(jsonb_build_object('status', key, 'at', value, 'detail', NULL) ORDER BY value), '[]') FROM jsonb_each_text(status_times));
UPDATE releases SET status_history = (
  SELECT COALESCE(jsonb_agg(jsonb_build_object('status', key, 'at', value, 'detail', NULL) ORDER BY value), '[]') FROM jsonb_each_text(status_times));
