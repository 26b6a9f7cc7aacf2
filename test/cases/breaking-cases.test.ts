/**
 * Dangerous operations from the Postgres lock documentation and the strong_migrations and
 * squawk lists, each with the rule that must flag it; and the documented safe
 * alternatives, which none of the breaking/index/advice rules may block.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config.js';
import type { InputFile } from '../../src/core/migration.js';
import { checkMigrations } from '../../src/engine.js';
import { allRules, ruleIds } from '../../src/rules/index.js';

const OWN_RULES = [
  'ban-alter-column-type', 'ban-char-field', 'ban-delete-data', 'ban-drop-database', 'ban-drop-default', 'ban-drop-not-null', 'ban-drop-schema', 'ban-drop-table',
  'ban-json-column', 'ban-rename-column', 'ban-rename-table', 'ban-truncate-cascade', 'prefer-bigint', 'prefer-identity', 'prefer-text-field',
  'prefer-robust-statements', 'prefer-timestamptz', 'require-concurrent-index-creation', 'require-enum-value-ordering', 'require-concurrent-index-deletion', 'require-nullable-or-default',
].filter((id) => ruleIds.includes(id));

const HISTORY: InputFile = {
  path: 'migrations/20250101000000_init.up.sql',
  change: 'unchanged',
  text: "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100), name text NOT NULL, price numeric(10,2), age integer, status text NOT NULL DEFAULT 'new', note text DEFAULT '');",
};

async function findings(sql: string) {
  const config = validateConfig({ 'postgres-version': 15 }, allRules);
  const report = await checkMigrations([HISTORY, { path: 'migrations/20261125000000_change.up.sql', text: sql, change: 'added' }], config);
  return report.findings.filter((f) => !f.suppression);
}

const dangerous: [string, string][] = [
  ['DROP TABLE users;', 'ban-drop-table'],
  ['ALTER TABLE users RENAME COLUMN email TO mail;', 'ban-rename-column'],
  ['ALTER TABLE users RENAME TO accounts;', 'ban-rename-table'],
  ['ALTER TABLE users ALTER COLUMN age TYPE bigint;', 'ban-alter-column-type'],
  ['ALTER TABLE users ALTER COLUMN email TYPE varchar(50);', 'ban-alter-column-type'],
  ['ALTER TABLE users ALTER COLUMN price TYPE numeric(10,3);', 'ban-alter-column-type'],
  ['ALTER TABLE users ALTER COLUMN name TYPE varchar(20);', 'ban-alter-column-type'],
  ['ALTER TABLE users ALTER COLUMN age TYPE text USING age::text;', 'ban-alter-column-type'],
  ['ALTER TABLE users ADD COLUMN phone text NOT NULL;', 'require-nullable-or-default'],
  ['DELETE FROM users;', 'ban-delete-data'],
  ['TRUNCATE users;', 'ban-delete-data'],
  ['TRUNCATE users CASCADE;', 'ban-truncate-cascade'],
  ['CREATE INDEX users_email_idx ON users (email);', 'require-concurrent-index-creation'],
  ['CREATE UNIQUE INDEX users_email_key ON users (email);', 'require-concurrent-index-creation'],
  ['DROP INDEX users_email_idx;', 'require-concurrent-index-deletion'],
  ['DROP SCHEMA legacy CASCADE;', 'ban-drop-schema'],
  ['DROP DATABASE legacy;', 'ban-drop-database'],
  ['ALTER TABLE users ALTER COLUMN name DROP NOT NULL;', 'ban-drop-not-null'],
  ['ALTER TABLE users ADD COLUMN prefs json;', 'ban-json-column'],
  ['ALTER TABLE users ADD COLUMN bio varchar(500);', 'prefer-text-field'],
  ['CREATE TABLE orders (id serial PRIMARY KEY);', 'prefer-bigint'],
  ['CREATE TABLE orders (id bigserial PRIMARY KEY);', 'prefer-identity'],
  ['ALTER TABLE users ADD COLUMN seen_at timestamp;', 'prefer-timestamptz'],
  ['ALTER TABLE users ADD COLUMN country char(2);', 'ban-char-field'],
  ['ALTER TABLE users ALTER COLUMN status DROP DEFAULT;', 'ban-drop-default'],
  // NOTE: the rule speaks where the migrations rely on the type's order (here a value placed BEFORE another).
  ["ALTER TYPE user_status ADD VALUE 'suspended' BEFORE 'banned';\nALTER TYPE user_status ADD VALUE 'archived';", 'require-enum-value-ordering'],
  ['CREATE INDEX CONCURRENTLY users_name_idx ON users (name);', 'prefer-robust-statements'],
  ['ALTER TABLE users ADD COLUMN code integer PRIMARY KEY;', 'require-nullable-or-default'],
];

const safe: string[] = [
  'ALTER TABLE users ADD COLUMN phone text;',
  "ALTER TABLE users ADD COLUMN phone text NOT NULL DEFAULT '';",
  'ALTER TABLE users ALTER COLUMN email TYPE varchar(200);',
  'ALTER TABLE users ALTER COLUMN email TYPE text;',
  'ALTER TABLE users ALTER COLUMN email TYPE varchar;',
  'ALTER TABLE users ALTER COLUMN name TYPE varchar;',
  'ALTER TABLE users ALTER COLUMN price TYPE numeric(12,2);',
  'ALTER TABLE users ALTER COLUMN price TYPE numeric;',
  'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
  'DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;',
  'CREATE TABLE drafts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text, created_at timestamptz);\nCREATE INDEX drafts_body_idx ON drafts (body);\nALTER TABLE drafts RENAME COLUMN body TO content;\nALTER TABLE drafts ALTER COLUMN id TYPE bigint;\nALTER TABLE drafts ADD COLUMN slug text NOT NULL;\nDELETE FROM drafts;\nDROP TABLE drafts;',
  'ALTER TABLE users ADD COLUMN mail text;',
  'BEGIN;\nALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;\nCOMMIT;',
  'CREATE INDEX users_age_idx ON ONLY users (age);',
  'ALTER TABLE users ALTER COLUMN note DROP DEFAULT;',
  "ALTER TABLE users ALTER COLUMN status SET DEFAULT 'pending';",
  "ALTER TYPE user_status ADD VALUE 'banned' AFTER 'active';",
  // NOTE: appended to a set of labels whose order no migration uses (require-enum-value-ordering's examples show when it is not).
  "ALTER TYPE user_status ADD VALUE 'banned';",
  'DROP INDEX CONCURRENTLY IF EXISTS users_name_idx;\nCREATE INDEX CONCURRENTLY users_name_idx ON users (name);',
  'ALTER TABLE users ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;',
  "INSERT INTO users (id, name) VALUES (1, 'a');",
];

describe('dangerous operations are flagged by the right rule', () => {
  it.each(dangerous)('%s -> %s', async (sql, ruleId) => {
    const ids = (await findings(sql)).map((f) => f.ruleId);
    expect(ids).toContain(ruleId);
  });
});

describe('safe alternatives get no error from the breaking rules', () => {
  it.each(safe.map((sql) => [sql]))('%s', async (sql) => {
    const errors = (await findings(sql)).filter((f) => OWN_RULES.includes(f.ruleId) && f.severity === 'error');
    expect(errors.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
  });
});
