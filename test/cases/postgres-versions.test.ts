/**
 * Verdicts that depend on `postgres-version` (10..18), where Postgres changed behaviour:
 * ADD COLUMN DEFAULT (11), enum ADD VALUE in a transaction (12), SET NOT NULL via a
 * validated CHECK (12), DETACH PARTITION CONCURRENTLY (14).
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config.js';
import { checkMigrations } from '../../src/engine.js';
import { allRules } from '../../src/rules/index.js';

const VERSIONS = [10, 11, 12, 13, 14, 15, 16, 17, 18];

async function flagged(sql: string, ruleId: string, version: number): Promise<boolean> {
  const config = validateConfig({ 'postgres-version': version }, allRules);
  const report = await checkMigrations([{ path: 'migrations/20261125000000_change.up.sql', text: sql, change: 'added' }], config);
  return report.findings.some((f) => f.ruleId === ruleId && !f.suppression);
}

const cases: { name: string; sql: string; rule: string; flaggedWhen: (version: number) => boolean }[] = [
  { name: 'constant DEFAULT on ADD COLUMN rewrites before 11', sql: 'ALTER TABLE users ADD COLUMN active boolean DEFAULT true;', rule: 'ban-volatile-default', flaggedWhen: (v) => v < 11 },
  { name: 'volatile DEFAULT rewrites on every version', sql: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();', rule: 'ban-volatile-default', flaggedWhen: () => true },
  { name: 'now() DEFAULT is fine from 11', sql: 'ALTER TABLE users ADD COLUMN at timestamptz DEFAULT now();', rule: 'ban-volatile-default', flaggedWhen: (v) => v < 11 },
  { name: 'enum ADD VALUE in a transaction fails before 12', sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'curious';\nCOMMIT;", rule: 'ban-alter-enum-in-transaction', flaggedWhen: (v) => v < 12 },
  { name: 'using a new enum value in the same transaction fails from 12', sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'curious';\nUPDATE people SET mood = 'curious' WHERE id = 1;\nCOMMIT;", rule: 'ban-alter-enum-in-transaction', flaggedWhen: () => true },
  {
    name: 'SET NOT NULL after a validated CHECK is safe from 12',
    sql: 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    rule: 'ban-set-not-null',
    flaggedWhen: (v) => v < 12,
  },
  { name: 'plain SET NOT NULL is flagged on every version', sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;', rule: 'ban-set-not-null', flaggedWhen: () => true },
  { name: 'DETACH PARTITION without CONCURRENTLY is flagged from 14', sql: 'ALTER TABLE m DETACH PARTITION m_2020;', rule: 'require-concurrent-partition-detach', flaggedWhen: (v) => v >= 14 },
  { name: 'REINDEX without CONCURRENTLY is flagged', sql: 'REINDEX TABLE users;', rule: 'require-concurrent-reindex', flaggedWhen: () => true },
];

describe.each(cases)('$name', ({ sql, rule, flaggedWhen }) => {
  it.each(VERSIONS)('postgres %i', async (version) => {
    expect(await flagged(sql, rule, version)).toBe(flaggedWhen(version));
  });
});
