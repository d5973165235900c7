-- Placeholder on branch h-limits only: 0004 is reserved for another change; drop this file when that one is merged.
SELECT 1;
