/**
 * How ban-duplicate-column-assignment names output columns that its examples do not show:
 * expressions Postgres names `?column?` (FigureColnameInternal in
 * src/backend/parser/parse_target.c names only the node kinds it knows).
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-duplicate-column-assignment')!;

describe('ban-duplicate-column-assignment output names', () => {
  it('a parameter is named ?column?, as a constant is', async () => {
    const findings = await runExample(rule, { sql: 'CREATE TABLE pairs AS SELECT $1, 2;' });
    expect(findings.map((f) => f.message)).toEqual(['Column ?column? is named more than once; Postgres rejects this statement.']);
  });

  it('a column list that may reach past a star leaves the names after it unreported: the star may expand to no column', async () => {
    const findings = await runExample(rule, { sql: 'CREATE VIEW order_users (user_id) AS SELECT o.*, u.id AS user_id FROM orders o JOIN users u ON u.id = o.user_id;' });
    expect(findings).toEqual([]);
  });

  it('a column list that stops before a star leaves the names after it in place', async () => {
    const findings = await runExample(rule, { sql: 'CREATE VIEW order_users (order_id) AS SELECT o.id, o.*, u.id AS user_id, u.email AS user_id FROM orders o JOIN users u ON u.id = o.user_id;' });
    expect(findings.map((f) => f.message)).toEqual(['Column user_id is named more than once; Postgres rejects this statement.']);
  });

  it('the fix names the repeated column', async () => {
    const findings = await runExample(rule, { sql: 'CREATE VIEW order_users AS SELECT o.id, u.id FROM orders o JOIN users u ON u.id = o.user_id;' });
    expect(findings.map((f) => f.fix)).toEqual(['Name each column once: rename or remove the second id.']);
  });
});
