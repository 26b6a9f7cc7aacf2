/** ban-irreversible-data-migration: the finding names the changed table and suggests a <table>_backup copy. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-irreversible-data-migration')!;

describe('the finding', () => {
  it('names the updated table and a backup table beside it', async () => {
    const findings = await runExample(rule, {
      files: [
        { path: 'migrations/001_status.up.sql', text: "UPDATE billing.orders SET status = 'closed' WHERE status = 'done';" },
        { path: 'migrations/001_status.down.sql', text: 'SELECT 1;' },
      ],
    });
    expect(findings.map((f) => f.tables)).toEqual([['billing.orders']]);
    expect(findings[0]!.fix).toContain('CREATE TABLE billing.orders_backup AS SELECT * FROM billing.orders WHERE <rows changed>;');
  });
});
