/**
 * Lock-taking operations from the Postgres lock documentation (explicit-locking.html, the
 * ALTER TABLE reference) and the strong_migrations / squawk lists, each with the rule that
 * must flag it; and the documented safe alternatives, which no locking rule may block.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config.js';
import type { InputFile } from '../../src/core/migration.js';
import { checkMigrations } from '../../src/engine.js';
import { allRules } from '../../src/rules/index.js';

const LOCKING_RULES = new Set(allRules.filter((r) => r.category === 'locking').map((r) => r.id));

async function findings(files: { path?: string; sql: string }[] | string, postgresVersion = 15) {
  const list = typeof files === 'string' ? [{ sql: files }] : files;
  const inputs: InputFile[] = list.map((f, i) => ({ path: f.path ?? `migrations/2026112500000${i}_change${i}.up.sql`, text: f.sql, change: 'added' }));
  const report = await checkMigrations(inputs, validateConfig({ 'postgres-version': postgresVersion }, allRules));
  return report.findings.filter((f) => !f.suppression);
}

const dangerous: [string, string][] = [
  ['ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);', 'require-not-valid-foreign-key'],
  ['ALTER TABLE orders ADD CONSTRAINT orders_total CHECK (total >= 0);', 'require-not-valid-check'],
  ['ALTER TABLE users ALTER COLUMN email SET NOT NULL;', 'ban-set-not-null'],
  ['ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);', 'ban-add-unique-constraint'],
  ['ALTER TABLE users ADD PRIMARY KEY (id);', 'ban-add-primary-key'],
  ['ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();', 'ban-volatile-default'],
  ['ALTER TABLE users ADD COLUMN r float8 DEFAULT random();', 'ban-volatile-default'],
  ['ALTER TABLE users ADD COLUMN seen timestamptz DEFAULT clock_timestamp();', 'ban-volatile-default'],
  ['ALTER TABLE users ADD COLUMN seq bigserial;', 'ban-add-serial-or-stored-generated-column'],
  ['ALTER TABLE users ADD COLUMN n int GENERATED ALWAYS AS IDENTITY;', 'ban-add-serial-or-stored-generated-column'],
  ['ALTER TABLE orders ADD COLUMN c bigint GENERATED ALWAYS AS (total * 100) STORED;', 'ban-add-serial-or-stored-generated-column'],
  ['BEGIN;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;', 'ban-concurrently-in-transaction'],
  ['BEGIN;\nDROP INDEX CONCURRENTLY users_email_idx;\nCOMMIT;', 'ban-concurrently-in-transaction'],
  ['REINDEX TABLE users;', 'require-concurrent-reindex'],
  ['REINDEX INDEX users_email_idx;', 'require-concurrent-reindex'],
  ['VACUUM FULL users;', 'ban-vacuum-full-cluster-reindex'],
  ['CLUSTER users USING users_pkey;', 'ban-vacuum-full-cluster-reindex'],
  ['REFRESH MATERIALIZED VIEW daily_totals;', 'ban-refresh-materialized-view-blocking'],
  ['ALTER TABLE measurements DETACH PARTITION measurements_2020;', 'require-concurrent-partition-detach'],
  ["BEGIN;\nALTER TYPE mood ADD VALUE 'curious';\nUPDATE people SET mood = 'curious' WHERE id = 1;\nCOMMIT;", 'ban-alter-enum-in-transaction'],
  ['BEGIN;\nBEGIN;\nSELECT 1;\nCOMMIT;\nCOMMIT;', 'ban-nested-transaction'],
  ['BEGIN;\nALTER TABLE users ADD COLUMN nickname text;', 'ban-uncommitted-transaction'],
  ['ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);', 'ban-exclusion-constraint'],
  ['ALTER TABLE users ADD COLUMN nickname text;', 'require-lock-timeout'],
  ['ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;', 'require-statement-timeout'],
  ["UPDATE users SET status = 'active';", 'ban-unbatched-backfill'],
  ["BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nUPDATE orders SET note = '' WHERE id = 1;\nCOMMIT;", 'ban-statements-after-access-exclusive'],
  ['BEGIN;\nALTER TABLE users ALTER COLUMN a SET NOT NULL;\nALTER TABLE users ALTER COLUMN b SET NOT NULL;\nCOMMIT;', 'prefer-single-alter-per-table'],
  ['ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;', 'require-index-for-foreign-key'],
  ["ALTER DOMAIN email ADD CONSTRAINT email_at CHECK (VALUE LIKE '%@%');", 'ban-domain-constraints'],
  ['CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);', 'require-invalid-index-recovery'],
  ['CREATE INDEX CONCURRENTLY users_email_and_created_at_and_status_and_region_and_tenant_id_idx ON users (email);', 'identifier-too-long'],
  ["UPDATE users SET status = 'a', status = 'b' WHERE id = 1;", 'ban-duplicate-column-assignment'],
];

describe('dangerous lock-taking operations are flagged', () => {
  it.each(dangerous)('%s -> %s', async (sql, ruleId) => {
    const ids = (await findings(sql)).map((f) => f.ruleId);
    expect(ids).toContain(ruleId);
  });
});

/** Documented safe alternatives: no error finding from a locking rule. */
const safe: [string, { path?: string; sql: string }[]][] = [
  ['NOT VALID foreign key, then VALIDATE in a later migration', [
    { sql: "SET lock_timeout = '2s';\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;" },
    { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;' },
  ]],
  ['NOT VALID check, then VALIDATE', [
    { sql: "SET lock_timeout = '2s';\nALTER TABLE orders ADD CONSTRAINT orders_total CHECK (total >= 0) NOT VALID;" },
    { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_total;' },
  ]],
  ['unique index built concurrently, then attached USING INDEX', [
    { sql: 'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);' },
    { sql: "SET lock_timeout = '2s';\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;" },
  ]],
  ['primary key attached USING INDEX, its column proved NOT NULL first (12+)', [
    { sql: 'CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);' },
    { sql: "SET lock_timeout = '2s';\nALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;" },
    { sql: 'ALTER TABLE events VALIDATE CONSTRAINT events_id_not_null;' },
    { sql: "SET lock_timeout = '2s';\nALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;" },
  ]],
  ['SET NOT NULL after a validated CHECK (Postgres 12+)', [
    { sql: "SET lock_timeout = '2s';\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;" },
    { sql: 'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;' },
    { sql: "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_nn;" },
  ]],
  ['constant and stable defaults on 11+', [{ sql: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN active boolean DEFAULT true, ADD COLUMN at timestamptz DEFAULT now();" }]],
  ['lock_timeout set earlier in the same transaction', [{ sql: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;" }]],
  ['concurrent reindex, detach, refresh', [
    { sql: 'REINDEX INDEX CONCURRENTLY users_email_idx;' },
    { sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;' },
    { sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY daily_totals;' },
  ]],
  ['everything on a table created in the same change', [
    { sql: 'CREATE TABLE carts (id bigint, user_id bigint, total int);\nALTER TABLE carts ADD PRIMARY KEY (id);\nALTER TABLE carts ADD CONSTRAINT carts_total CHECK (total >= 0);\nALTER TABLE carts ALTER COLUMN total SET NOT NULL;' },
  ]],
];

describe('documented safe alternatives pass the locking rules', () => {
  it.each(safe)('%s', async (_name, files) => {
    const errors = (await findings(files)).filter((f) => f.severity === 'error' && LOCKING_RULES.has(f.ruleId));
    expect(errors.map((f) => `${f.ruleId}: ${f.statement}`)).toEqual([]);
  });
});
