-- Visibility that changes after grading: each grading's result per visibility state (never shown as a whole), the
-- state its published result shows, and the modules whose results the instructor has published.
ALTER TABLE jobs ADD COLUMN visible_results TEXT NULL;
ALTER TABLE jobs ADD COLUMN shown_visibility TEXT NULL;
CREATE TABLE published_modules (
  rubric_name TEXT PRIMARY KEY,
  published_at TEXT NOT NULL);
