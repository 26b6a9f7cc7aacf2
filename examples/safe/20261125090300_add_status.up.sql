-- A constant default is a metadata-only change since Postgres 11: no rewrite, no long lock.
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'pending';
