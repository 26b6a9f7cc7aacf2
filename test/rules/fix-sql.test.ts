/**
 * The SQL that the issue-17 rules print (fix texts and pre-check queries) parses with the
 * real parser, names the objects of the flagged statement, quoted as Postgres quotes them,
 * and runs on Postgres (PGlite) over a schema with those objects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseSql } from '../../src/core/parse.js';
import type { ReplayDatabase } from '../../src/replay/interface.js';
import { openPglite } from '../../src/replay/pglite.js';
import { findRule } from '../../src/rules/index.js';
import { quoteIdent } from '../../src/core/sql-names.js';
import { runExample } from '../rule-tester.js';
import { fillPlaceholders } from '../support/suggested-sql.js';

beforeAll(async () => {
  await loadParser();
});

/** The SQL statements of a fix text: indented lines that start with a SQL keyword, comments removed, `<placeholders>` filled. */
function sqlLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /^\s+(ALTER|CREATE|SELECT|DROP|SET)\b/.test(line))
    .map((line) => fillPlaceholders(line.replace(/\s+--.*$/, '').trim()));
}

/** Keys under which the parse tree holds relation, column and other identifier names. */
const NAME_KEYS = new Set(['schemaname', 'relname', 'colname', 'sval', 'name', 'idxname', 'conname']);

/** Every relation and column name a parsed statement mentions (and its string constants). */
function namesIn(sql: string): string[] {
  const parsed = parseSql(sql);
  if (!parsed.ok) throw new Error(`does not parse: ${sql}: ${parsed.error.message}`);
  const names: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (NAME_KEYS.has(key) && typeof inner === 'string') names.push(inner);
        else visit(inner);
      }
    }
  };
  visit(parsed.stmts);
  return names;
}

async function fixesOf(ruleId: string, sql: string): Promise<{ fix: string; message: string }[]> {
  const rule = findRule(ruleId)!;
  const findings = await runExample(rule, { sql });
  expect(findings.length, `${ruleId} flags ${sql}`).toBeGreaterThan(0);
  return findings.map((f) => ({ fix: f.fix ?? '', message: f.message }));
}

describe('quoteIdent', () => {
  it.each([
    ['users', 'users'],
    ['Users', '"Users"'],
    ['order', '"order"'],
    ['user', '"user"'],
    ['int', '"int"'],
    ['left', '"left"'],
    ['name', 'name'],
    ['status', 'status'],
    ['a"b', '"a""b"'],
    ['with space', '"with space"'],
    ['9lives', '"9lives"'],
  ])('%s -> %s', (name, quoted) => {
    expect(quoteIdent(name)).toBe(quoted);
    const parsed = parseSql(`SELECT ${quoted} FROM ${quoted}`);
    expect(parsed.ok, `${quoted} reads back`).toBe(true);
    expect(namesIn(`SELECT ${quoted} FROM ${quoted}`)).toEqual([name, name]);
  });
});

describe('fix SQL of the new rules parses and names the flagged objects', () => {
  it.each([
    ['ban-add-column-with-constraint', 'ALTER TABLE "Orders" ADD COLUMN "Region" bigint REFERENCES "Regions" ("ID") ON DELETE SET NULL;', ['Orders', 'Region', 'Regions', 'ID']],
    ['ban-add-column-with-constraint', 'ALTER TABLE "order" ADD COLUMN "user" text UNIQUE;', ['order', 'user']],
    ['ban-add-column-with-constraint', "ALTER TABLE orders ADD COLUMN discount numeric CONSTRAINT \"x(\" CHECK (discount >= 0 AND note <> ')');", ['orders', 'discount', 'note']],
    ['ban-attach-partition-without-check', "ALTER TABLE measurements ATTACH PARTITION \"Measurements 2021\" FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');", ['measurements', 'Measurements 2021']],
    ['ban-validate-constraint-in-same-transaction', 'BEGIN;\nALTER TABLE "Orders" ADD CONSTRAINT "Total" CHECK (total > 0) NOT VALID;\nALTER TABLE "Orders" VALIDATE CONSTRAINT "Total";\nCOMMIT;', ['Orders']],
  ])('%s: %s', async (ruleId, sql, names) => {
    for (const { fix } of await fixesOf(ruleId, sql)) {
      const lines = sqlLines(fix.replaceAll('`', '\n   '));
      expect(lines.length, fix).toBeGreaterThan(0);
      const mentioned = lines.flatMap(namesIn);
      for (const name of names) expect(mentioned, fix).toContain(name);
    }
  });

  it('the partitioned-table recipe parses, indexes ON ONLY the parent and each known partition CONCURRENTLY', async () => {
    const rule = findRule('ban-concurrent-index-on-partitioned-table')!;
    const findings = await runExample(rule, {
      files: [
        { path: 'migrations/20260101000000_m.up.sql', text: "CREATE TABLE \"Metrics\" (at date) PARTITION BY RANGE (at);\nCREATE TABLE metrics_2020 PARTITION OF \"Metrics\" FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');", change: 'unchanged' },
        { path: 'migrations/20260101000001_i.up.sql', text: 'CREATE UNIQUE INDEX CONCURRENTLY "Metrics_at_idx" ON "Metrics" USING btree (at) WHERE at IS NOT NULL;' },
      ],
    });
    expect(findings).toHaveLength(1);
    const lines = sqlLines(findings[0]!.fix!);
    expect(lines).toEqual([
      "SET lock_timeout = '2s';",
      'CREATE UNIQUE INDEX "Metrics_at_idx" ON ONLY "Metrics" USING btree (at) WHERE at IS NOT NULL;',
      'DROP INDEX CONCURRENTLY IF EXISTS metrics_2020_at_idx;',
      'CREATE UNIQUE INDEX CONCURRENTLY metrics_2020_at_idx ON metrics_2020 USING btree (at) WHERE at IS NOT NULL;',
      'ALTER INDEX "Metrics_at_idx" ATTACH PARTITION metrics_2020_at_idx;',
    ]);
    for (const line of lines) expect(parseSql(line).ok, line).toBe(true);
  });

  it('on Postgres 10 (no partitioned indexes) the recipe indexes the partitions only', async () => {
    const rule = findRule('ban-concurrent-index-on-partitioned-table')!;
    const findings = await runExample(rule, {
      postgresVersion: 10,
      files: [
        { path: 'migrations/20260101000000_m.up.sql', text: "CREATE TABLE metrics (at date) PARTITION BY RANGE (at);\nCREATE TABLE metrics_2020 PARTITION OF metrics FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');", change: 'unchanged' },
        { path: 'migrations/20260101000001_i.up.sql', text: 'CREATE INDEX CONCURRENTLY metrics_at_idx ON metrics (at);' },
      ],
    });
    expect(sqlLines(findings[0]!.fix!)).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS metrics_2020_at_idx;', 'CREATE INDEX CONCURRENTLY metrics_2020_at_idx ON metrics_2020 (at);']);
  });

  it('require-concurrent-index-creation never suggests CONCURRENTLY on a partitioned parent', async () => {
    const rule = findRule('require-concurrent-index-creation')!;
    const findings = await runExample(rule, {
      files: [
        { path: 'migrations/20260101000000_m.up.sql', text: 'CREATE TABLE metrics (at date) PARTITION BY RANGE (at);', change: 'unchanged' },
        { path: 'migrations/20260101000001_i.up.sql', text: 'CREATE INDEX metrics_at_idx ON metrics (at);' },
      ],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.fix).toContain('CREATE INDEX metrics_at_idx ON ONLY metrics (at);');
    expect(findings[0]!.fix).not.toMatch(/CONCURRENTLY metrics_at_idx ON metrics/);
  });
});

describe('require-concurrent-index-deletion on a partitioned table', () => {
  it('never suggests DROP INDEX CONCURRENTLY, which Postgres rejects there', async () => {
    const rule = findRule('require-concurrent-index-deletion')!;
    const findings = await runExample(rule, {
      files: [
        { path: 'migrations/20260101000000_m.up.sql', text: 'CREATE TABLE metrics (at date) PARTITION BY RANGE (at);\nCREATE INDEX "Metrics_at" ON metrics (at);', change: 'unchanged' },
        { path: 'migrations/20260101000001_d.up.sql', text: 'DROP INDEX "Metrics_at";' },
      ],
    });
    expect(findings).toHaveLength(1);
    expect(sqlLines(findings[0]!.fix!)).toEqual(["SET lock_timeout = '2s';", 'DROP INDEX "Metrics_at";']);
  });
});

describe('pre-check queries parse and name the flagged objects', () => {
  it('NULLS NOT DISTINCT counts NULL keys: the duplicate query keeps them', async () => {
    const [distinct] = await fixesOf('require-constraint-pre-check', 'CREATE UNIQUE INDEX CONCURRENTLY k ON users (email);');
    const [notDistinct] = await fixesOf('require-constraint-pre-check', 'CREATE UNIQUE INDEX CONCURRENTLY k ON users (email) NULLS NOT DISTINCT;');
    expect(distinct!.message).toContain('WHERE email IS NOT NULL');
    expect(notDistinct!.message).not.toContain('IS NOT NULL');
  });

  it.each([
    ['CREATE UNIQUE INDEX CONCURRENTLY k ON "Users" ("Email", "order");', ['Users', 'Email', 'order']],
    ['ALTER TABLE "Users" ALTER COLUMN "Name" SET NOT NULL;', ['Users', 'Name']],
    ["ALTER TABLE orders ADD CONSTRAINT \"c(\" CHECK (total >= 0 AND note <> ')');", ['orders', 'total', 'note']],
    ['ALTER TABLE "Orders" ADD CONSTRAINT fk FOREIGN KEY ("User") REFERENCES "user" ("ID");', ['Orders', 'User', 'user', 'ID']],
    ['ALTER TABLE t ADD PRIMARY KEY ("select", id);', ['t', 'select', 'id']],
    ['CREATE UNIQUE INDEX CONCURRENTLY k ON app."Users" (email) NULLS NOT DISTINCT;', ['app', 'Users', 'email']],
  ])('%s', async (sql, names) => {
    for (const { message } of await fixesOf('require-constraint-pre-check', sql)) {
      const query = message.slice(message.indexOf('check first: ') + 'check first: '.length);
      const mentioned = namesIn(query);
      for (const name of names) expect(mentioned, query).toContain(name);
    }
  });
});

describe('the printed SQL runs on Postgres (PGlite)', () => {
  let db: ReplayDatabase;
  beforeAll(async () => {
    db = await openPglite();
  });
  afterAll(async () => {
    await db?.close();
  });

  /** Runs `setup`, then every SQL line of `text` in order; a rejected statement fails the test with its text. */
  async function runs(setup: string, text: string): Promise<void> {
    await db.exec('DROP SCHEMA IF EXISTS fixcheck CASCADE; CREATE SCHEMA fixcheck; SET search_path = fixcheck;');
    await db.exec(setup);
    for (const line of sqlLines(text)) await expect(db.exec(line).then(() => line), line).resolves.toBe(line);
  }

  it('ban-add-column-with-constraint: the foreign key, unique and check recipes', async () => {
    const setup = 'CREATE TABLE "Regions" ("ID" bigint PRIMARY KEY); CREATE TABLE "Orders" (id bigint, note text);';
    const sql = 'ALTER TABLE "Orders" ADD COLUMN "Region" bigint REFERENCES "Regions" ("ID") ON DELETE SET NULL, ADD COLUMN "user" text UNIQUE, ADD COLUMN d numeric CHECK (d >= 0 AND note <> \')\');';
    const fixes = await fixesOf('ban-add-column-with-constraint', sql);
    expect(fixes).toHaveLength(3);
    for (const { fix } of fixes) await runs(setup, fix);
  });

  it('ban-attach-partition-without-check: CHECK, VALIDATE, ATTACH, DROP', async () => {
    const history = "CREATE TABLE metrics (at date) PARTITION BY RANGE (at);\nCREATE TABLE \"Metrics 2021\" (at date);";
    const rule = findRule('ban-attach-partition-without-check')!;
    const findings = await runExample(rule, {
      files: [
        { path: 'migrations/20260101000000_m.up.sql', text: history, change: 'unchanged' },
        { path: 'migrations/20260101000001_a.up.sql', text: "ALTER TABLE metrics ATTACH PARTITION \"Metrics 2021\" FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');" },
      ],
    });
    expect(findings).toHaveLength(1);
    expect(sqlLines(findings[0]!.fix!)).toHaveLength(7);
    await runs(history, findings[0]!.fix!);
  });

  it('the partitioned-index recipe', async () => {
    const history = "CREATE TABLE metrics (at date) PARTITION BY RANGE (at);\nCREATE TABLE metrics_2020 PARTITION OF metrics FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');";
    const rule = findRule('ban-concurrent-index-on-partitioned-table')!;
    const findings = await runExample(rule, {
      files: [
        { path: 'migrations/20260101000000_m.up.sql', text: history, change: 'unchanged' },
        { path: 'migrations/20260101000001_i.up.sql', text: 'CREATE INDEX CONCURRENTLY metrics_at_idx ON metrics (at);' },
      ],
    });
    await runs(history, findings[0]!.fix!);
    const [valid] = await db.query<{ indisvalid: boolean }>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'fixcheck.metrics_at_idx'::regclass");
    expect(valid?.indisvalid, 'the parent index is valid once every partition is attached').toBe(true);
  });

  it('require-constraint-pre-check: the orphans query counts exactly the rows the foreign key rejects, MATCH FULL included', async () => {
    const setup = 'CREATE TABLE parent (a int, b int, UNIQUE (a, b)); INSERT INTO parent VALUES (1, 1); CREATE TABLE child (a int, b int); INSERT INTO child VALUES (1, 1), (1, NULL), (NULL, NULL), (2, 2);';
    for (const [match, rejected] of [['', 1], [' MATCH FULL', 2]] as const) {
      const [finding] = await fixesOf('require-constraint-pre-check', `ALTER TABLE child ADD CONSTRAINT child_fk FOREIGN KEY (a, b) REFERENCES parent (a, b)${match};`);
      const message = finding!.message;
      await db.exec('DROP SCHEMA IF EXISTS fixcheck CASCADE; CREATE SCHEMA fixcheck; SET search_path = fixcheck;');
      await db.exec(setup);
      // NOTE: replay's own queries resolve names in pg_catalog only; the query runs as a migration would.
      await db.exec(`CREATE TABLE fixcheck.counted AS ${message.slice(message.indexOf('check first: ') + 'check first: '.length).replace(/;\s*$/, '')}`);
      const [row] = await db.query<{ count: number | bigint }>('SELECT count FROM fixcheck.counted');
      expect(Number(row!.count), match || 'MATCH SIMPLE').toBe(rejected);
    }
  });

  it('require-constraint-pre-check: the queries run', async () => {
    const setup = 'CREATE TABLE "Users" ("ID" bigint, "Email" text, "order" int); CREATE TABLE "user" ("ID" bigint PRIMARY KEY); CREATE TABLE "Orders" ("User" bigint, total int);';
    for (const sql of [
      'CREATE UNIQUE INDEX CONCURRENTLY k ON "Users" ("Email", "order");',
      'ALTER TABLE "Users" ALTER COLUMN "Email" SET NOT NULL;',
      'ALTER TABLE "Orders" ADD CONSTRAINT c CHECK (total >= 0);',
      'ALTER TABLE "Orders" ADD CONSTRAINT fk FOREIGN KEY ("User") REFERENCES "user" ("ID");',
    ]) {
      for (const { message } of await fixesOf('require-constraint-pre-check', sql)) {
        await runs(setup, `   ${message.slice(message.indexOf('check first: ') + 'check first: '.length)}`);
      }
    }
  });
});
