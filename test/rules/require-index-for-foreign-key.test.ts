/**
 * require-index-for-foreign-key: what its finding names (the table, the index the fix
 * creates), and which statements it reads indexes from.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('require-index-for-foreign-key')!;

describe('require-index-for-foreign-key', () => {
  it('names the referencing table, and the fix creates the index Postgres would name after it and its columns', async () => {
    const [finding, ...more] = await runExample(rule, { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;' });
    expect(more).toEqual([]);
    expect(finding!.tables).toEqual(['orders']);
    expect(finding!.fix).toContain('   DROP INDEX CONCURRENTLY IF EXISTS orders_tenant_id_user_id_idx;');
    expect(finding!.fix).toContain('   CREATE INDEX CONCURRENTLY orders_tenant_id_user_id_idx ON orders (tenant_id, user_id);');
  });

  it('reads past a CREATE TABLE without a column list (a partition) to the index that serves the key', async () => {
    const sql = [
      "CREATE TABLE orders_2026 PARTITION OF orders FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
      'CREATE INDEX orders_user_id_idx ON orders (user_id);',
      'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
    ].join('\n');
    expect(await runExample(rule, { sql })).toEqual([]);
  });

  it('reads the columns of a CREATE TABLE that also copies another table with LIKE', async () => {
    const sql = 'CREATE TABLE order_archive (LIKE orders, archived_at timestamptz, user_id bigint UNIQUE);\nALTER TABLE order_archive ADD CONSTRAINT order_archive_user_fk FOREIGN KEY (user_id) REFERENCES users (id);';
    expect(await runExample(rule, { sql })).toEqual([]);
  });

  it('reports a table without any index, whatever its key columns are named', async () => {
    // NOTE: key names that are substrings of one another, so that no text search could stand in for the index lookup.
    const findings = await runExample(rule, { sql: 'ALTER TABLE grid ADD CONSTRAINT grid_cell_fk FOREIGN KEY (t, r, tr) REFERENCES cells (t, r, tr) NOT VALID;' });
    expect(findings.map((finding) => finding.messageId)).toEqual(['unindexed']);
  });
});
