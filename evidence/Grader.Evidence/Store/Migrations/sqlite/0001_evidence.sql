-- Evidence records: append-only. Scalar columns serve filtering and the tabular exports; record_json is the
-- canonical JSON the signature covers (the record of truth for the JSON export and verification).
CREATE TABLE evidence_records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL UNIQUE,
    learner_login TEXT NOT NULL,
    learner_key TEXT NOT NULL,
    learner_github_id BIGINT,
    repository TEXT NOT NULL,
    pr_number INTEGER,
    pr_url TEXT,
    head_sha TEXT NOT NULL,
    module_id TEXT NOT NULL,
    module_title TEXT NOT NULL,
    rubric_id TEXT NOT NULL,
    rubric_hash TEXT NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    percentage REAL NOT NULL,
    passed INTEGER NOT NULL,
    complete INTEGER NOT NULL,
    competencies TEXT NOT NULL,
    image_digest TEXT,
    runner_id TEXT NOT NULL,
    gpu_model TEXT,
    gpu_driver TEXT,
    started_at_ms BIGINT NOT NULL,
    graded_at_ms BIGINT NOT NULL,
    review_url TEXT,
    check_run_url TEXT,
    record_json TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id TEXT NOT NULL
);
CREATE INDEX evidence_learner_module ON evidence_records (learner_key, module_id, graded_at_ms);
CREATE INDEX evidence_commit ON evidence_records (repository, head_sha, module_id);
CREATE INDEX evidence_graded_at ON evidence_records (graded_at_ms);
CREATE TRIGGER evidence_records_no_update BEFORE UPDATE ON evidence_records
BEGIN SELECT RAISE(ABORT, 'evidence records are append-only'); END;
CREATE TRIGGER evidence_records_no_delete BEFORE DELETE ON evidence_records
BEGIN SELECT RAISE(ABORT, 'evidence records are append-only'); END;

-- Public keys that signed records, so an export carries every key its records need.
CREATE TABLE signing_keys (
    key_id TEXT PRIMARY KEY,
    algorithm TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    first_used_ms BIGINT NOT NULL
);

-- The roster: how program leads know learners. Not append-only: a new import updates it.
CREATE TABLE roster (
    learner_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    github_login TEXT,
    github_login_key TEXT UNIQUE,
    github_id BIGINT,
    cohort TEXT,
    imported_at_ms BIGINT NOT NULL
);
