/**
 * What support/table-facts.ts reads from the migrations before a statement, seen through the
 * rules that ask it: partitions and the default partition, CHECK constraints and their
 * Postgres-derived names, the primary key, row-level security policies, and indexes by schema.
 */
import { describe, expect, it } from 'vitest';
import type { RuleExample } from '../../src/core/rule.js';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

/** The messages of `ruleId`'s findings on the new migration `sql` after the unchanged `history`. */
async function messagesAfter(ruleId: string, history: string, sql: string, extra: Partial<RuleExample> = {}): Promise<string[]> {
  const findings = await runExample(findRule(ruleId)!, {
    files: [
      { path: 'migrations/20250101000000_history.up.sql', text: history, change: 'unchanged' },
      { path: 'migrations/20260101000000_change.up.sql', text: sql },
    ],
    ...extra,
  });
  return findings.map((finding) => finding.message);
}

const ATTACH_2021 = "ALTER TABLE readings ATTACH PARTITION readings_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');";
const attachAfter = (history: string) => messagesAfter('ban-attach-partition-without-check', `CREATE TABLE readings (at date NOT NULL) PARTITION BY RANGE (at);\n${history}`, ATTACH_2021);
const BOUND = "CHECK (at >= '2021-01-01' AND at < '2022-01-01')";
const SCANS_2021 = 'ATTACH PARTITION readings_2021 scans every row of readings_2021 under an ACCESS EXCLUSIVE lock to check the bound: no validated CHECK proves it.';
const SCANS_DEFAULT = 'ATTACH PARTITION readings_2021 scans every row of the default partition readings_default under an ACCESS EXCLUSIVE lock to check the bound: no validated CHECK proves it.';

describe('partitions', () => {
  it('knows a default partition attached with ATTACH PARTITION ... DEFAULT, and only that one', async () => {
    const partition = `CREATE TABLE readings_2021 (at date NOT NULL ${BOUND});`;
    expect(await attachAfter(`CREATE TABLE readings_default (at date);\nALTER TABLE readings ATTACH PARTITION readings_default DEFAULT;\n${partition}`)).toEqual([SCANS_DEFAULT]);
    expect(await attachAfter(`CREATE TABLE readings_2020 (at date);\nALTER TABLE readings ATTACH PARTITION readings_2020 FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');\n${partition}`)).toEqual([]);
  });

  it('takes a table created with INHERITS for no partition', async () => {
    const history = `CREATE TABLE readings_legacy (at date);\nCREATE TABLE readings_legacy_2020 () INHERITS (readings_legacy);\nCREATE TABLE readings_2021 (at date NOT NULL ${BOUND});`;
    expect(await attachAfter(history)).toEqual([]);
  });

  it('reads the partition key in lower case, and an expression key as no column', async () => {
    const partition = `CREATE TABLE readings_2021 ("At" date NOT NULL, CHECK ("At" >= '2021-01-01' AND "At" < '2022-01-01'));`;
    expect(await messagesAfter('ban-attach-partition-without-check', `CREATE TABLE readings ("AT" date NOT NULL) PARTITION BY RANGE ("AT");\n${partition}`, ATTACH_2021)).toEqual([]);
    const expressionKey = `CREATE TABLE readings (at timestamptz) PARTITION BY RANGE ((at::date));\nCREATE TABLE readings_2021 (at timestamptz, CHECK (at IS NOT NULL AND at >= '2021-01-01' AND at < '2022-01-01'));`;
    expect(await messagesAfter('ban-attach-partition-without-check', expressionKey, ATTACH_2021)).toEqual([]);
  });
});

describe('CHECK constraints', () => {
  it('reads a CHECK given with ADD COLUMN', async () => {
    expect(await attachAfter(`CREATE TABLE readings_2021 (id bigint);\nALTER TABLE readings_2021 ADD COLUMN at date NOT NULL ${BOUND};`)).toEqual([]);
  });

  it('names an unnamed CHECK that reads one column <table>_<column>_check, as Postgres does, so dropping it by that name forgets it', async () => {
    const dropped = ['ATTACH PARTITION readings_2021 scans every row of readings_2021 under an ACCESS EXCLUSIVE lock to check the bound: no validated CHECK proves it.'];
    expect(await attachAfter(`CREATE TABLE readings_2021 (at date NOT NULL ${BOUND});\nALTER TABLE readings_2021 DROP CONSTRAINT readings_2021_at_check;`)).toEqual(dropped);
    expect(await attachAfter(`CREATE TABLE readings_2021 (id bigint);\nALTER TABLE readings_2021 ADD COLUMN at date NOT NULL ${BOUND};\nALTER TABLE readings_2021 DROP CONSTRAINT readings_2021_at_check;`)).toEqual(dropped);
    // Written on the table, not on a column: the name still comes from the one column it reads.
    expect(await attachAfter(`CREATE TABLE readings_2021 (at date NOT NULL);\nALTER TABLE readings_2021 ADD ${BOUND};\nALTER TABLE readings_2021 DROP CONSTRAINT readings_2021_at_check;`)).toEqual(dropped);
    expect(await attachAfter(`CREATE TABLE readings_2021 (at date NOT NULL);\nALTER TABLE readings_2021 ADD ${BOUND};\nALTER TABLE readings_2021 DROP CONSTRAINT readings_2021_check;`)).toEqual([]);
    // Two columns read: <table>_check, even when written on a column (checked on PGlite).
    const twoColumns = "CREATE TABLE readings_2021 (at date NOT NULL CHECK (at >= '2021-01-01' AND at < '2022-01-01' AND at <> until), until date);";
    expect(await attachAfter(`${twoColumns}\nALTER TABLE readings_2021 DROP CONSTRAINT readings_2021_check;`)).toEqual(dropped);
    expect(await attachAfter(`${twoColumns}\nALTER TABLE readings_2021 DROP CONSTRAINT readings_2021_at_check;`)).toEqual([]);
  });

  it('takes only a CHECK constraint for a check: a NOT NULL column proves no bound, even of an expression key', async () => {
    const history = 'CREATE TABLE readings (at timestamptz) PARTITION BY RANGE ((at::date));\nCREATE TABLE readings_2021 (at timestamptz NOT NULL DEFAULT now());';
    expect(await messagesAfter('ban-attach-partition-without-check', history, ATTACH_2021)).toEqual([SCANS_2021]);
  });

  it('knows only IS NOT NULL as a NULL test that proves a bound excluding NULL keys', async () => {
    const history = "CREATE TABLE readings (at date) PARTITION BY RANGE (at);\nCREATE TABLE readings_2021 (at date, CHECK (at IS NULL OR (at >= '2021-01-01' AND at < '2022-01-01')));";
    expect(await messagesAfter('ban-attach-partition-without-check', history, ATTACH_2021)).toEqual([SCANS_2021]);
  });

  it('validates only the CHECK that VALIDATE CONSTRAINT names', async () => {
    const history = `CREATE TABLE readings_2021 (at date NOT NULL, id bigint);\nALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_bound ${BOUND} NOT VALID;\nALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_id_positive CHECK (id > 0) NOT VALID;\nALTER TABLE readings_2021 VALIDATE CONSTRAINT readings_2021_id_positive;`;
    expect(await attachAfter(history)).toEqual([SCANS_2021]);
  });

  it('takes a command that names a column for no validation, even when a CHECK has the same name', async () => {
    const history = `CREATE TABLE readings_2021 (at date NOT NULL);\nALTER TABLE readings_2021 ADD CONSTRAINT at ${BOUND} NOT VALID;\nALTER TABLE readings_2021 ALTER COLUMN at SET STATISTICS 500;`;
    expect(await attachAfter(history)).toEqual([SCANS_2021]);
  });
});

describe('the primary key', () => {
  const DROP_KEY = "Dropping users_id_pk, the primary key of users, removes its replica identity: UPDATE and DELETE on a published table fail, and lookups by key scan.";

  it('survives dropping another constraint', async () => {
    const history = 'CREATE TABLE users (id bigint, email text, CONSTRAINT users_id_pk PRIMARY KEY (id), CONSTRAINT users_email_key UNIQUE (email));\nALTER TABLE users DROP CONSTRAINT users_email_key;';
    expect(await messagesAfter('ban-drop-primary-key', history, 'ALTER TABLE users DROP CONSTRAINT users_id_pk;')).toEqual([DROP_KEY]);
  });

  it('is not dropped by dropping another constraint in the change', async () => {
    const history = 'CREATE TABLE users (id bigint, email text, CONSTRAINT users_id_pk PRIMARY KEY (id), CONSTRAINT users_email_key UNIQUE (email));';
    expect(await messagesAfter('ban-drop-primary-key', history, 'ALTER TABLE users DROP CONSTRAINT users_email_key;')).toEqual([]);
  });

  it('is not dropped by a command that names it without dropping it', async () => {
    expect(await messagesAfter('ban-drop-primary-key', 'CREATE TABLE users (id bigint PRIMARY KEY);', 'ALTER TABLE users CLUSTER ON users_pkey;')).toEqual([]);
  });

  it('knows the columns of a key given on its column, added by ALTER TABLE or with ADD COLUMN', async () => {
    const dropsKey = (constraint: string) => [`Dropping column id of users drops its primary key ${constraint} with it, and so its replica identity: UPDATE and DELETE on a published table fail, and lookups by key scan.`];
    expect(await messagesAfter('ban-drop-primary-key', 'CREATE TABLE users (id bigint PRIMARY KEY, email text);', 'ALTER TABLE users DROP COLUMN id;')).toEqual(dropsKey('users_pkey'));
    const added = 'CREATE TABLE users (id bigint, email text);\nALTER TABLE users ADD CONSTRAINT users_id_pk PRIMARY KEY (id);';
    expect(await messagesAfter('ban-drop-primary-key', added, 'ALTER TABLE users DROP COLUMN id;')).toEqual(dropsKey('users_id_pk'));
    const addedWithColumn = 'CREATE TABLE users (email text);\nALTER TABLE users ADD COLUMN id bigint PRIMARY KEY;';
    expect(await messagesAfter('ban-drop-primary-key', addedWithColumn, 'ALTER TABLE users DROP COLUMN id;')).toEqual(dropsKey('users_pkey'));
  });

  it('is gone once dropped: dropping its column later drops no key', async () => {
    const history = 'CREATE TABLE users (id bigint, email text, CONSTRAINT users_id_pk PRIMARY KEY (id));\nALTER TABLE users DROP CONSTRAINT users_id_pk;';
    expect(await messagesAfter('ban-drop-primary-key', history, 'ALTER TABLE users DROP COLUMN id;')).toEqual([]);
  });
});

describe('row-level security policies', () => {
  it('remembers a policy an earlier migration created', async () => {
    const history = "CREATE TABLE orders (id bigint, user_id bigint);\nCREATE POLICY orders_owner ON orders USING (user_id = current_setting('app.user_id')::bigint);";
    expect(await messagesAfter('require-rls-policy', history, 'ALTER TABLE orders ENABLE ROW LEVEL SECURITY;')).toEqual([]);
  });
});

describe('indexes', () => {
  const history = (schema: string) => `CREATE TABLE ${schema}.measurements (at date) PARTITION BY RANGE (at);\nCREATE INDEX measurements_at_idx ON ${schema}.measurements (at);`;
  const dropIn = (schema: string) => `SET lock_timeout = '2s';\nDROP INDEX ${schema}.measurements_at_idx;`;

  it("finds an index in its table's schema", async () => {
    expect(await messagesAfter('require-concurrent-index-deletion', history('app'), dropIn('app'))).toEqual([]);
  });

  it('knows an expression index by name, with no plain columns', async () => {
    const history = 'CREATE TABLE users (id bigint, email text);\nCREATE INDEX users_lower_email_idx ON users (lower(email));';
    expect(await messagesAfter('require-concurrent-index-deletion', history, 'DROP INDEX users_lower_email_idx;')).toEqual(['DROP INDEX users_lower_email_idx without CONCURRENTLY locks its table against reads and writes.']);
  });

  it('knows the columns that key constraints and indexes read, INCLUDE columns too', async () => {
    const history = 'CREATE TABLE users (code text PRIMARY KEY, email text UNIQUE, tenant_id bigint, handle text, bio text);\nCREATE INDEX users_tenant_idx ON users (tenant_id) INCLUDE (handle);';
    const change = 'ALTER TABLE users ALTER COLUMN code TYPE citext, ALTER COLUMN email TYPE citext, ALTER COLUMN handle TYPE citext, ALTER COLUMN bio TYPE citext;';
    const rebuilds = (column: string) => `Changing users.${column} to citext keeps the rows, but the operator class changes: every index on ${column} is rebuilt under an ACCESS EXCLUSIVE lock on users.`;
    expect(await messagesAfter('ban-alter-column-type', history, change)).toEqual([rebuilds('code'), rebuilds('email'), rebuilds('handle')]);
  });

  it('reads no index from a down migration: it is not there when the next up migration runs', async () => {
    const files = (change: string): RuleExample['files'] => [
      { path: 'migrations/20250101000000_users.up.sql', text: 'CREATE TABLE users (id bigint, email text);', change: 'unchanged' },
      { path: 'migrations/20250101000000_users.down.sql', text: 'DROP TABLE users;', change: 'unchanged' },
      { path: 'migrations/20250201000000_drop_email_idx.up.sql', text: 'DROP INDEX CONCURRENTLY users_email_idx;', change: 'unchanged' },
      { path: 'migrations/20250201000000_drop_email_idx.down.sql', text: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', change: 'unchanged' },
      { path: 'migrations/20260101000000_change.up.sql', text: change },
      { path: 'migrations/20260101000000_change.down.sql', text: 'SELECT 1;' },
    ];
    const collation = await runExample(findRule('ban-change-indexed-column-collation')!, { files: files('ALTER TABLE users ALTER COLUMN email TYPE text COLLATE "C";') });
    expect(collation).toEqual([]);
    const primaryKey = await runExample(findRule('ban-add-primary-key-using-nullable-index')!, { files: files('ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_email_idx;') });
    expect(primaryKey.map((f) => f.messageId)).toEqual(['unknownIndex']);
  });

  it('finds an index of a public table by its unqualified name', async () => {
    expect(await messagesAfter('require-concurrent-index-deletion', history('public'), "SET lock_timeout = '2s';\nDROP INDEX measurements_at_idx;")).toEqual([]);
  });

  it('does not take an index of the same name in another schema for it', async () => {
    expect(await messagesAfter('require-concurrent-index-deletion', history('app'), dropIn('api'))).toEqual(['DROP INDEX api.measurements_at_idx without CONCURRENTLY locks its table against reads and writes.']);
  });
});
