-- The learner's deadline extension as intake resolved it (course configuration, else the roster), e.g. '2d' or
-- '2026-12-20T23:59:00+01:00': a runner on another machine grades with it and needs no roster.
ALTER TABLE jobs ADD COLUMN extension TEXT NULL;
