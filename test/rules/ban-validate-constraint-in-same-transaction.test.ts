/**
 * ban-validate-constraint-in-same-transaction: only a VALIDATE of the very constraint the
 * transaction added NOT VALID to the same table is flagged, and the finding names the table.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-validate-constraint-in-same-transaction')!;

async function findingsOf(sql: string) {
  return (await runExample(rule, { sql })).map((f) => ({ message: f.message, tables: f.tables }));
}

const ADD_NOT_VALID = 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;';

describe('which VALIDATE is flagged', () => {
  it('the one of the constraint added NOT VALID, after other commands on the table; the finding names the table', async () => {
    expect(await findingsOf(`BEGIN;\nALTER TABLE orders ADD COLUMN note text;\n${ADD_NOT_VALID}\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\nCOMMIT;`)).toEqual([
      { message: 'VALIDATE CONSTRAINT orders_total_positive runs in the transaction that added it NOT VALID: orders stays locked ACCESS EXCLUSIVE for the whole scan.', tables: ['orders'] },
    ]);
  });

  it('not a VALIDATE of another constraint (added in an earlier migration)', async () => {
    expect(await findingsOf(`BEGIN;\n${ADD_NOT_VALID}\nALTER TABLE orders VALIDATE CONSTRAINT orders_ref_present;\nCOMMIT;`)).toEqual([]);
  });

  it('not when the constraint of that name was added NOT VALID to another table', async () => {
    expect(await findingsOf('BEGIN;\nALTER TABLE carts ADD CONSTRAINT total_positive CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT total_positive;\nCOMMIT;')).toEqual([]);
  });

  it('not another command naming the constraint (DROP CONSTRAINT scans nothing)', async () => {
    expect(await findingsOf(`BEGIN;\n${ADD_NOT_VALID}\nALTER TABLE orders DROP CONSTRAINT orders_total_positive;\nCOMMIT;`)).toEqual([]);
  });
});
