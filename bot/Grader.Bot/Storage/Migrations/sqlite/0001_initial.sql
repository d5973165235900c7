-- The bot's store as of the first versioned release. IF NOT EXISTS: a database from before versioning already has
-- some of these tables (its missing columns are added before this step runs).
CREATE TABLE IF NOT EXISTS deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id TEXT NOT NULL UNIQUE,
  event TEXT NOT NULL,
  action TEXT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  note TEXT NULL,
  received_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS deliveries_state ON deliveries(state, seq);
CREATE TABLE IF NOT EXISTS jobs (
  job_key TEXT PRIMARY KEY,
  installation_id INTEGER NOT NULL,
  repository TEXT NOT NULL,
  pr_number INTEGER NOT NULL,
  head_sha TEXT NOT NULL,
  rubric_name TEXT NOT NULL,
  rubric_path TEXT NOT NULL,
  hidden_tests_path TEXT NULL,
  queue TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  hangfire_id TEXT NULL,
  check_run_id INTEGER NULL,
  error TEXT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  worker_deaths INTEGER NOT NULL DEFAULT 0,
  post_review INTEGER NOT NULL DEFAULT 1,
  runs INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS jobs_pr ON jobs(repository, pr_number, state);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_key TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  published_at TEXT NULL,
  last_error TEXT NULL,
  dedup_key TEXT NULL,
  enqueued_at TEXT NULL,
  gave_up_at TEXT NULL);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(published_at, next_attempt_at);
CREATE UNIQUE INDEX IF NOT EXISTS outbox_key ON outbox(dedup_key);
CREATE TABLE IF NOT EXISTS reviews (
  repository TEXT NOT NULL,
  head_sha TEXT NOT NULL,
  pr_number INTEGER NOT NULL,
  review_id INTEGER NOT NULL,
  PRIMARY KEY (repository, head_sha));
CREATE TABLE IF NOT EXISTS installation_repositories (
  installation_id INTEGER NOT NULL,
  repository TEXT NOT NULL,
  PRIMARY KEY (installation_id, repository));
