-- The production schema the examples start from (what `pg_dump --schema-only` would give):
-- replay (see .github/migration-guard.yml) builds it first, then traces each example
-- migration on it, so the locks and rewrites shown are the ones Postgres takes.
CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  legacy_flags integer
);

CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES users (id),
  total integer NOT NULL
);

CREATE TABLE audit_log (
  id bigint PRIMARY KEY,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
