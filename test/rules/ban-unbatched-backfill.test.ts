/** The batch ban-unbatched-backfill suggests: the statement's own kind on the statement's own table. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-unbatched-backfill')!;

async function batchOf(sql: string): Promise<string | undefined> {
  const findings = await runExample(rule, { sql });
  expect(findings).toHaveLength(1);
  return findings[0]!.fix?.split('\n')[1];
}

describe('ban-unbatched-backfill batches', () => {
  it('an UPDATE is batched as an UPDATE of a key range', async () => {
    expect(await batchOf("UPDATE billing.invoices SET currency = 'EUR';")).toBe('   UPDATE billing.invoices SET <column> = <value> WHERE <condition> AND id >= <from> AND id < <to>;  -- e.g. 10,000 rows per batch');
  });

  it('a DELETE is batched as a DELETE of a key range, with the table name quoted where Postgres needs it', async () => {
    expect(await batchOf('DELETE FROM "Sessions" WHERE expires_at IS NOT NULL;')).toBe('   DELETE FROM "Sessions" WHERE <condition> AND id >= <from> AND id < <to>;  -- e.g. 10,000 rows per batch');
  });
});

describe('ban-unbatched-backfill bounds', () => {
  it.each(['id = 42', 'id < 10000', 'id <= 10000', 'id > 10000', 'id >= 10000', 'id BETWEEN 1 AND 10000', 'id IN (1, 2, 3)'])('WHERE %s bounds the batch', async (condition) => {
    expect(await runExample(rule, { sql: `UPDATE users SET status = 'active' WHERE ${condition};` })).toEqual([]);
  });

  it('a condition with a named function argument is read like any other (and bounds nothing)', async () => {
    const findings = await runExample(rule, { sql: "UPDATE events SET payload = NULL WHERE jsonb_path_exists(payload::jsonb, '$.debug', silent => true);" });
    expect(findings.map((f) => f.message)).toEqual(['UPDATE on events without a bounded WHERE touches every row in one transaction.']);
  });
});

