-- Course rules: when GitHub recorded the submission (late work is judged on it, never on the grading time), whose
-- submission it is (per-learner extensions) and the pull request's base commit (benchmark references).
ALTER TABLE jobs ADD COLUMN submitted_at TEXT NULL;
ALTER TABLE jobs ADD COLUMN learner TEXT NULL;
ALTER TABLE jobs ADD COLUMN base_sha TEXT NULL;
