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
