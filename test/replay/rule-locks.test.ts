/**
 * Every rule that claims a lock is checked against Postgres: each invalid example is
 * replayed (on PGlite and on a real server) over a setup schema that creates the tables
 * it names, and the lock Postgres granted on the finding's tables must be the claimed one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.js';
import { validateConfig } from '../../src/core/config.js';
import { staticFacts } from '../../src/core/history-facts.js';
import type { InputFile } from '../../src/core/migration.js';
import type { RuleExample } from '../../src/core/rule.js';
import { discoverMigrations } from '../../src/conventions/index.js';
import type { ReplayDatabase } from '../../src/replay/interface.js';
import { replayStage } from '../../src/replay/replay.js';
import { allRules } from '../../src/rules/index.js';
import { describeExample, exampleFiles } from '../rule-tester.js';
import { BACKENDS } from './backends.js';

/** Objects the examples name, created when an example mentions them and does not create them itself. */
const SETUP: readonly { name: string; sql: string; needs?: string[] }[] = [
  { name: 'users', sql: 'CREATE TABLE users (id bigint PRIMARY KEY, tenant_id bigint, email text, age int, status text, name text);' },
  { name: 'users_email_idx', sql: 'CREATE INDEX users_email_idx ON users (email);', needs: ['users'] },
  { name: 'events', sql: 'CREATE TABLE events (id bigint, payload text);' },
  { name: 'regions', sql: 'CREATE TABLE regions (id bigint PRIMARY KEY);' },
  { name: 'orders', sql: 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric, ref text, user_id bigint);' },
  { name: 'note', sql: 'ALTER TABLE orders ADD COLUMN note text NOT NULL;', needs: ['orders'] },
  { name: 'bookings', sql: 'CREATE EXTENSION IF NOT EXISTS btree_gist;\nCREATE TABLE bookings (room int, during tstzrange);' },
  { name: 'audit_log', sql: 'CREATE TABLE audit_log (id bigint);' },
  { name: 'sessions', sql: 'CREATE TABLE sessions (id bigint, expires_at timestamptz);' },
  { name: 'readings_2021', sql: 'CREATE TABLE readings_2021 (at date);' },
  { name: 'articles', sql: 'CREATE TABLE articles (tag_ids integer[]);' },
  { name: 'a', sql: 'CREATE TABLE a (id bigint);' },
  { name: 'b', sql: 'CREATE TABLE b (id bigint);' },
  { name: 'a_idx', sql: 'CREATE INDEX a_idx ON a (id);', needs: ['a'] },
  { name: 'b_idx', sql: 'CREATE INDEX b_idx ON b (id);', needs: ['b'] },
  { name: 'billing', sql: 'CREATE SCHEMA billing;\nCREATE TABLE billing.invoice (id bigint);' },
  { name: 'reporting', sql: 'CREATE SCHEMA reporting;\nCREATE TABLE reporting.daily (id bigint);' },
  { name: 'legacy', sql: 'CREATE SCHEMA legacy;' },
  { name: 'daily_totals', sql: 'CREATE MATERIALIZED VIEW daily_totals AS SELECT 1 AS n;' },
  { name: 'measurements', sql: "CREATE TABLE measurements (at date) PARTITION BY RANGE (at);\nCREATE TABLE measurements_2020 PARTITION OF measurements FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');" },
  { name: 'measurements_2021', sql: 'CREATE TABLE measurements_2021 (at date);', needs: ['measurements'] },
  { name: 'events_id_idx', sql: 'CREATE UNIQUE INDEX events_id_idx ON events (id);', needs: ['events'] },
  { name: 'email', sql: 'CREATE DOMAIN email AS text;\nCREATE TABLE contacts (address email);' },
  { name: 'active_users', sql: 'CREATE VIEW active_users AS SELECT 1 AS id;' },
  { name: 'normalize_email', sql: "CREATE FUNCTION normalize_email(text) RETURNS text LANGUAGE sql AS 'SELECT lower($1)';" },
  { name: 'order_status', sql: "CREATE TYPE order_status AS ENUM ('new');" },
  { name: 'invoice_status', sql: "CREATE TYPE invoice_status AS ENUM ('open');" },
  { name: 'invoice_number_seq', sql: 'CREATE SEQUENCE invoice_number_seq;' },
];

/**
 * Examples whose lock cannot be observed, each with the reason. Anything else that does
 * not replay, or replays without a visible lock, fails the test.
 */
const UNOBSERVABLE: Record<string, string> = {
  'ban-drop-database#0': 'DROP DATABASE runs outside a transaction (and there is no such database)',
  'ban-drop-database#1': 'DROP DATABASE runs outside a transaction',
  'ban-vacuum-full-cluster-reindex#0': 'VACUUM runs outside a transaction: no pg_locks to read before commit',
  'ban-vacuum-full-cluster-reindex#1': 'VACUUM runs outside a transaction: no pg_locks to read before commit',
  'require-concurrent-reindex#2': 'REINDEX DATABASE runs outside a transaction',
  'require-invalid-index-recovery#0': 'CREATE INDEX CONCURRENTLY runs outside a transaction',
  'require-invalid-index-recovery#1': 'CREATE INDEX CONCURRENTLY runs outside a transaction',
  'ban-drop-schema#1': 'an empty schema holds no relations: DROP SCHEMA locks only the schema object, no relation',
  // NOTE: moving to the tablespace a relation is already in is a no-op (no lock, no copy), and
  // another tablespace needs a directory on the server, which PGlite and the test server lack.
  'ban-set-tablespace#0': 'a tablespace other than pg_default needs a directory on the server',
  'ban-set-tablespace#1': 'a tablespace other than pg_default needs a directory on the server',
  'ban-set-tablespace#2': 'a tablespace other than pg_default needs a directory on the server',
};
/**
 * Examples whose claim depends on the production server's time zone (timestamp to timestamptz
 * rewrites unless the session's zone is UTC): replay's servers run in UTC, so Postgres does not
 * rewrite there, and the finding must say what replay saw.
 */
const REWRITES_OUTSIDE_UTC = new Set(['ban-alter-column-type#14', 'ban-alter-column-type#15']);

function setupFor(example: RuleExample): string {
  const text = example.sql ?? example.files?.map((f) => f.text).join('\n') ?? '';
  const wanted = new Set<string>();
  const creates = (name: string) =>
    new RegExp(`(?:CREATE\\s+(?:UNIQUE\\s+)?(?:TABLE|INDEX|DOMAIN|SCHEMA)|ADD\\s+COLUMN)\\s+(?:CONCURRENTLY\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?${name}\\b`, 'i').test(text);
  const add = (name: string) => {
    const entry = SETUP.find((s) => s.name === name)!;
    for (const need of entry.needs ?? []) add(need);
    wanted.add(name);
  };
  for (const { name } of SETUP) if (new RegExp(`\\b${name}\\b`, 'i').test(text) && !creates(name)) add(name);
  return SETUP.filter((s) => wanted.has(s.name))
    .map((s) => s.sql)
    .join('\n');
}

const cases = allRules.flatMap((rule) =>
  rule.lock === null ? [] : rule.examples.invalid.map((example, i) => ({ id: `${rule.id}#${i}`, rule, example, text: describeExample(example) })),
);

describe.each(BACKENDS.map((b) => [b.name, b] as const))('claimed locks on %s', (_backend, { open }) => {
  let db: ReplayDatabase;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await open());
  });
  afterAll(async () => {
    await close?.();
  });

  it('covers every rule that claims a lock', () => {
    expect(new Set(cases.map((c) => c.rule.id)).size).toBeGreaterThan(25);
  });

  it.each(cases.map((c) => [c.id, c.text, c] as const))('%s: %s', async (id, _text, { rule, example }) => {
    const files: InputFile[] = [{ path: 'migrations/000_setup.up.sql', text: setupFor(example), change: 'unchanged' }, ...exampleFiles(example)];
    const config = validateConfig({ 'postgres-version': example.postgresVersion ?? 15, rules: example.options ? { [rule.id]: { options: example.options } } : {} }, allRules);
    const facts = example.facts ? staticFacts(example.facts) : undefined;
    const replayed = await analyze({ files, config, rules: [rule], discover: discoverMigrations, facts, replay: replayStage(config, { database: db }) });
    const findings = replayed.findings.filter((f) => f.ruleId === rule.id);
    expect(findings.length, 'the example still produces its finding with the setup schema').toBeGreaterThan(0);
    const notices = replayed.findings.filter((f) => f.ruleId === 'replay-incomplete').map((f) => f.message);
    for (const finding of findings) {
      const replay = finding.replay;
      expect(replay, `finding at line ${finding.span.start.line} was replayed`).toBeDefined();
      if (UNOBSERVABLE[id]) {
        expect(replay!.observedLock, UNOBSERVABLE[id]).toBeNull();
        continue;
      }
      expect(notices.join('\n'), 'replays without errors').toBe('');
      expect(replay!.error).toBeUndefined();
      expect(replay!.locksObserved).toBe(true);
      if (!finding.lock) {
        expect(replay!.observedLock, `the finding claims no lock; pg_locks: ${JSON.stringify(replay!.locks)}`).toBeNull();
        continue;
      }
      if (REWRITES_OUTSIDE_UTC.has(id)) {
        // NOTE: lowered on a server of the target's version, annotated on PGlite's newer one.
        expect(finding.message).toMatch(/Replay on PostgreSQL \d+ observed no table rewrite(, so this is a warning, not an error\.|; the target is PostgreSQL 15, where it may differ)/);
        continue;
      }
      // NOTE: an example for an older target may be annotated (replay's newer server does less), never lowered.
      expect(finding.message, 'replay does not refute the claim').not.toMatch(/so this is a (warning|notice), not/);
      expect(replay!.observedLock, `claimed ${finding.lock!.mode} on ${finding.tables.join(', ') || 'any relation'}; pg_locks: ${JSON.stringify(replay!.locks)}`).toBe(finding.lock!.mode);
      expect(replay!.lockMismatch).toBe(false);
    }
  });
});
