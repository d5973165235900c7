-- Submission limits: a token per grading that started (one per job run), given back when the grading ended in a
-- grader error; a job deferred by the limit until a time; a job an instructor asked for, which the limit never refuses.
ALTER TABLE jobs ADD COLUMN deferred_until TEXT NULL;
ALTER TABLE jobs ADD COLUMN limit_exempt INTEGER NOT NULL DEFAULT 0;
CREATE TABLE gradings (
  job_key TEXT NOT NULL,
  run INTEGER NOT NULL,
  learner TEXT NOT NULL,
  rubric_name TEXT NOT NULL,
  started_at TEXT NOT NULL,
  refunded INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (job_key, run));
CREATE INDEX gradings_learner ON gradings (learner, rubric_name);
