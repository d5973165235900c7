-- A learner-chosen alias for leaderboards that show aliases (rubric 'leaderboard: { show: alias }'); null: none.
ALTER TABLE roster ADD COLUMN alias TEXT;
