-- A learner's deadline extensions per module as the roster writes them ('MOD-101=2d; *=1d'); null: none.
ALTER TABLE roster ADD COLUMN extensions TEXT;
