/**
 * ban-alter-column-type beyond its examples: the boundary of a bit varying's length, and the
 * forms of SET TIME ZONE that name no zone in a string (an hour offset, an interval) and so
 * never count as UTC.
 */
import { describe, expect, it } from 'vitest';
import { discoverMigrations } from '../../src/conventions/index.js';
import { analyze } from '../../src/core/analyze.js';
import { validateConfig } from '../../src/core/config.js';
import { allRules, findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-alter-column-type')!;

it('keeping the length limit of a bit varying is no change: nothing to report', async () => {
  const findings = await runExample(rule, {
    files: [
      { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE flags (bits varbit(8));', change: 'unchanged' },
      { path: 'migrations/002_bits.up.sql', text: 'ALTER TABLE flags ALTER COLUMN bits TYPE varbit(8);' },
    ],
  });
  expect(findings).toEqual([]);
});

// NOTE: the SET documentation's examples of TIME ZONE values: -7 is an offset in hours, the interval an offset too.
it.each(['SET TIME ZONE -7;', "SET TIME ZONE INTERVAL '-08:00' HOUR TO MINUTE;"])('after %s, timestamp to timestamptz rewrites', async (set) => {
  const findings = await runExample(rule, {
    files: [
      { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE events (at timestamp);', change: 'unchanged' },
      { path: 'migrations/002_tz.up.sql', text: `${set}\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;` },
    ],
  });
  expect(findings.map((f) => f.messageId)).toEqual(['alterType']);
});

// NOTE: each type written again as it is: Postgres finds nothing to convert (varchar, numeric and
// the temporal types through their length-coercion support functions).
it.each(['varchar(100)', 'numeric(10,2)', 'timestamp(3)', 'interval hour to second(3)', 'bigint'])('writing %s again as the type it already is reports nothing', async (type) => {
  const findings = await runExample(rule, {
    files: [
      { path: 'migrations/001_init.up.sql', text: `CREATE TABLE accounts (value ${type});`, change: 'unchanged' },
      { path: 'migrations/002_same.up.sql', text: `ALTER TABLE accounts ALTER COLUMN value TYPE ${type};` },
    ],
  });
  expect(findings).toEqual([]);
});

it('names the table on every finding, and claims a rewrite only when the rows are rewritten', async () => {
  const firstOf = (messageId: string) => rule.examples.invalid.find((example) => example.messageIds?.[0] === messageId);
  const seen: unknown[] = [];
  for (const messageId of ['alterTypeUsing', 'rebuildsIndexes']) {
    const [finding] = await runExample(rule, firstOf(messageId)!);
    seen.push([finding!.messageId, finding!.tables, finding!.rewrite]);
  }
  expect(seen).toEqual([
    ['alterTypeUsing', ['events'], true],
    ['rebuildsIndexes', ['users'], false],
  ]);
});

describe('a validated CHECK on the column', () => {
  const history = { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE users (name varchar, CONSTRAINT name CHECK (name <> \'\'));\nALTER TABLE users ADD CONSTRAINT users_name_lower CHECK (name = lower(name));', change: 'unchanged' as const };

  it('is checked again, and the fix drops it, changes the type, adds it back NOT VALID and validates it later', async () => {
    const findings = await runExample(rule, { files: [history, { path: 'migrations/002_text.up.sql', text: 'ALTER TABLE users ALTER COLUMN name TYPE text;' }] });
    expect(findings.map((f) => [f.messageId, f.tables, f.rewrite, f.details.checks])).toEqual([['rechecksConstraints', ['users'], false, 'name, users_name_lower']]);
    expect(findings[0]!.fix).toBe(
      [
        'Drop the CHECK constraints, change the type and add them back NOT VALID in one statement (no scan), then validate them in a later migration:',
        "   SET lock_timeout = '2s';",
        "   SET statement_timeout = '1min';  -- no scan, no rewrite: it should take a moment",
        '   ALTER TABLE users DROP CONSTRAINT name, DROP CONSTRAINT users_name_lower, ALTER COLUMN name TYPE text, ADD CONSTRAINT name CHECK (<the expression of name>) NOT VALID, ADD CONSTRAINT users_name_lower CHECK (<the expression of users_name_lower>) NOT VALID;',
        'In the next migration:',
        "   SET statement_timeout = '15min';",
        '   ALTER TABLE users VALIDATE CONSTRAINT name;',
        '   ALTER TABLE users VALIDATE CONSTRAINT users_name_lower;',
      ].join('\n'),
    );
  });

  // NOTE: a constraint may share its name with the column (they live in different namespaces);
  // only DROP CONSTRAINT in the same statement spares it the check.
  it('is checked again even when it shares its name with the altered column, unless dropped in the same statement', async () => {
    const run = (text: string) => runExample(rule, { files: [history, { path: 'migrations/002_text.up.sql', text }] });
    expect((await run('ALTER TABLE users ALTER COLUMN name TYPE text;')).map((f) => f.details.checks)).toEqual(['name, users_name_lower']);
    expect((await run('ALTER TABLE users DROP CONSTRAINT users_name_lower, ALTER COLUMN name TYPE text;')).map((f) => f.details.checks)).toEqual(['name']);
  });
});

// NOTE: dbmate runs a file's up and down blocks in separate sessions: a SET in one does not reach
// the other. dbmate refuses a down block written first, but its blocks are still linted; the whole
// registry runs here, as in a real check.
it('a SET timezone in a down block written before the up block does not make the up ALTER run under UTC', async () => {
  const config = validateConfig({ 'postgres-version': 15 }, allRules);
  const report = await analyze({
    files: [
      { path: 'db/migrations/20250101000000_init.sql', text: '-- migrate:up\nCREATE TABLE events (at timestamp);\n-- migrate:down\nDROP TABLE events;', change: 'unchanged' },
      {
        path: 'db/migrations/20260101000000_events_at_tz.sql',
        text: "-- migrate:down\nSET timezone = 'UTC';\nALTER TABLE events ALTER COLUMN at TYPE timestamp;\n-- migrate:up\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;",
        change: 'added',
      },
    ],
    config,
    rules: allRules,
    discover: discoverMigrations,
  });
  const findings = report.findings.filter((f) => f.ruleId === rule.id);
  expect(findings.map((f) => [f.messageId, f.statement])).toEqual([['alterType', 'ALTER TABLE events ALTER COLUMN at TYPE timestamptz']]);
});
