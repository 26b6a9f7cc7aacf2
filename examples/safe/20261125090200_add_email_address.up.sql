-- Phase 1 of renaming users.email to email_address: add the new column; the application
-- writes both, a batched backfill copies old rows, and only later is email dropped.
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN email_address text;
