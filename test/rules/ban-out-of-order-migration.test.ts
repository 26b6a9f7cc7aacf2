/**
 * What ban-out-of-order-migration's findings carry besides their message: the migrations
 * directory in their details (`.` at the repository root), and no table.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-out-of-order-migration')!;

describe('ban-out-of-order-migration findings', () => {
  it('name the migrations directory in their details and no table', async () => {
    const findings = await runExample(rule, {
      files: [
        { path: 'db/migrations/20240301000000_orders.up.sql', text: 'CREATE TABLE orders (id bigint);', change: 'unchanged' },
        { path: 'db/migrations/20240215000000_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;', change: 'added' },
        { path: '20240301000000_orders.up.sql', text: 'CREATE TABLE orders (id bigint);', change: 'unchanged' },
        { path: '20240215000000_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;', change: 'added' },
      ],
    });
    expect(findings.map((f) => [f.file, f.details.directory, f.tables])).toEqual([
      ['20240215000000_phone.up.sql', '.', []],
      ['db/migrations/20240215000000_phone.up.sql', 'db/migrations', []],
    ]);
  });

  it('name the first base-branch migration of the newest version when two share it', async () => {
    const findings = await runExample(rule, {
      files: [
        { path: 'migrations/20240301000000_orders.up.sql', text: 'CREATE TABLE orders (id bigint);', change: 'unchanged' },
        { path: 'migrations/20240301000000_payments.up.sql', text: 'CREATE TABLE payments (id bigint);', change: 'unchanged' },
        { path: 'migrations/20240215000000_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;', change: 'added' },
      ],
    });
    expect(findings.map((f) => f.details.newest)).toEqual(['migrations/20240301000000_orders.up.sql']);
  });
});
