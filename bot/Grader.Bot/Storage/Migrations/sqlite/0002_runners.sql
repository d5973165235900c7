-- The runner fleet: which runner holds a job, and each runner's registration (capabilities, heartbeat, state).
ALTER TABLE jobs ADD COLUMN runner_id TEXT NULL;
CREATE TABLE runners (
  runner_id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  queues TEXT NOT NULL,
  concurrency INTEGER NOT NULL,
  capabilities TEXT NOT NULL,
  state TEXT NOT NULL,
  started_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL);
