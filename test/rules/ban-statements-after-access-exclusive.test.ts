/**
 * ban-statements-after-access-exclusive: the finding names the table whose lock is held, and a
 * statement that itself takes ACCESS EXCLUSIVE on it still counts when it works on other tables too.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-statements-after-access-exclusive')!;

async function findingsOf(sql: string) {
  return (await runExample(rule, { sql })).map((f) => ({ message: f.message, tables: f.tables }));
}

describe('work under a held ACCESS EXCLUSIVE lock', () => {
  it('names the locked table, not the one the statement reads', async () => {
    expect(await findingsOf('BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nSELECT count(*) FROM orders;\nCOMMIT;')).toEqual([
      { message: 'ACCESS EXCLUSIVE on users is already held in this transaction; this statement keeps users blocked for reads and writes until it finishes.', tables: ['users'] },
    ]);
  });

  it('a statement that locks the held table ACCESS EXCLUSIVE itself still keeps it blocked while it works on another table', async () => {
    expect(await findingsOf('BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nVACUUM (FULL) users, orders;\nCOMMIT;')).toEqual([
      { message: 'ACCESS EXCLUSIVE on users is already held in this transaction; this statement keeps users blocked for reads and writes until it finishes.', tables: ['users'] },
    ]);
  });
});
