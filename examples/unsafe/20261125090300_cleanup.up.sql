ALTER TABLE users DROP COLUMN legacy_flags;
ALTER TABLE orders ALTER COLUMN total TYPE bigint;
DROP TABLE audit_log;
