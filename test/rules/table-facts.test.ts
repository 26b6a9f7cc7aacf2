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
const SCANS_DEFAULT = 'ATTACH PARTITION readings_2021 scans every row of the default partition readings_default under an ACCESS EXCLUSIVE lock to check the bound: no validated CHECK proves it.';

describe('partitions', () => {
  it('knows a default partition attached with ATTACH PARTITION ... DEFAULT, and only that one', async () => {
    const partition = `CREATE TABLE readings_2021 (at date NOT NULL ${BOUND});`;
    expect(await attachAfter(`CREATE TABLE readings_default (at date);\nALTER TABLE readings ATTACH PARTITION readings_default DEFAULT;\n${partition}`)).toEqual([SCANS_DEFAULT]);
    expect(await attachAfter(`CREATE TABLE readings_2020 (at date);\nALTER TABLE readings ATTACH PARTITION readings_2020 FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');\n${partition}`)).toEqual([]);
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
});

describe('the primary key', () => {
  const DROP_KEY = "Dropping users_id_pk, the primary key of users, removes its replica identity: UPDATE and DELETE on a published table fail, and lookups by key scan.";

  it('survives dropping another constraint', async () => {
    const history = 'CREATE TABLE users (id bigint, email text, CONSTRAINT users_id_pk PRIMARY KEY (id), CONSTRAINT users_email_key UNIQUE (email));\nALTER TABLE users DROP CONSTRAINT users_email_key;';
    expect(await messagesAfter('ban-drop-primary-key', history, 'ALTER TABLE users DROP CONSTRAINT users_id_pk;')).toEqual([DROP_KEY]);
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

  it('does not take an index of the same name in another schema for it', async () => {
    expect(await messagesAfter('require-concurrent-index-deletion', history('app'), dropIn('api'))).toEqual(['DROP INDEX api.measurements_at_idx without CONCURRENTLY locks its table against reads and writes.']);
  });
});
