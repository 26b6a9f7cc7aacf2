import type { DeleteStmt, Node, UpdateStmt } from '@pgsql/types';
import { nodeAs, relationName, walk } from '../core/ast.js';
import { FIX_PHASE_MARKERS } from '../core/fix-phases.js';
import { defineRule } from '../core/rule.js';
import { quoteQualified } from '../core/sql-names.js';

/** Whether a WHERE clause bounds the rows touched: a range, equality, IN list or LIMIT subquery. */
function isBounded(where: Node | undefined): boolean {
  if (!where) return false;
  let bounded = false;
  walk({ where }, (type, payload) => {
    if (type === 'A_Expr') {
      const kind = payload.kind as string;
      const op = ((payload.name as Node[] | undefined) ?? []).map((n) => nodeAs<{ sval?: string }>(n, 'String')?.sval).join('');
      // NOTE: an IN list is an A_Expr of kind AEXPR_IN named `=`, and NOT IN one named `<>`,
      // which bounds nothing (like `<>`): the operator decides, not the kind.
      if (kind === 'AEXPR_BETWEEN' || ['=', '<', '<=', '>', '>='].includes(op)) bounded = true;
    }
    if (type === 'SelectStmt' && payload.limitCount) bounded = true;
  });
  return bounded;
}

export default defineRule({
  id: 'ban-unbatched-backfill',
  severity: 'warning',
  category: 'locking',
  summary: 'UPDATE/DELETE of a whole existing table in one statement',
  lock: 'ROW EXCLUSIVE',
  rewrites: false,
  work: 'backfill',
  statementKinds: ['UpdateStmt', 'DeleteStmt'],
  messages: { unbatched: '{{operation}} on {{table}} without a bounded WHERE touches every row in one transaction.' },
  why: 'A single statement over the whole table locks every row it changes until commit (blocking concurrent writers of those rows), produces a dead tuple per row and a burst of WAL, and cannot be paused.',
  fix: [
    `${FIX_PHASE_MARKERS['background-job']} Backfill in batches, each in its own transaction:`,
    '   {{batch}}  -- e.g. 10,000 rows per batch',
    'repeat until no rows remain, pausing between batches.',
  ].join('\n'),
  references: ['https://github.com/ankane/strong_migrations#backfilling-data', 'https://www.postgresql.org/docs/current/sql-update.html'],
  examples: {
    invalid: [
      { sql: "UPDATE users SET status = 'active';", messageIds: ['unbatched'] },
      { sql: 'UPDATE users SET email = lower(email) WHERE email IS NOT NULL;', messageIds: ['unbatched'] },
      { sql: "DELETE FROM sessions WHERE expires_at IS NOT NULL;", why: 'a condition that does not bound how many rows match', messages: ['DELETE on sessions without a bounded WHERE touches every row in one transaction.'] },
      { sql: "UPDATE users SET status = 'inactive' WHERE status <> 'active';", why: 'excluding one value bounds nothing: every other row matches', messages: ['UPDATE on users without a bounded WHERE touches every row in one transaction.'] },
      { sql: 'DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at IS NOT NULL);', why: 'a subquery without LIMIT bounds nothing either', messageIds: ['unbatched'] },
      { sql: "UPDATE users SET status = 'inactive' WHERE status NOT IN ('active', 'invited');", why: 'excluding a list of values bounds nothing, as excluding one', messageIds: ['unbatched'] },
    ],
    valid: [
      { sql: "UPDATE users SET status = 'active' WHERE id BETWEEN 1 AND 10000;", why: 'one bounded batch' },
      { sql: 'CREATE TABLE drafts (id bigint, body text);\nUPDATE drafts SET body = \'\';', why: 'the table is new' },
      { sql: 'DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at IS NOT NULL LIMIT 10000);', why: 'one batch of at most 10,000 rows (LIMIT in the subquery)' },
      { sql: 'DELETE FROM sessions WHERE id IN (101, 102, 103);', why: 'a list of keys: one row each' },
    ],
  },
  statement({ statement, isNewTable, report }) {
    const update = nodeAs<UpdateStmt>(statement.node, 'UpdateStmt');
    const del = nodeAs<DeleteStmt>(statement.node, 'DeleteStmt');
    const target = update ?? del;
    if (!target || isBounded(target.whereClause)) return;
    const table = relationName(target.relation);
    if (isNewTable(table)) return;
    const batch = update ? `UPDATE ${quoteQualified(table)} SET <column> = <value> WHERE <condition> AND id >= <from> AND id < <to>;` : `DELETE FROM ${quoteQualified(table)} WHERE <condition> AND id >= <from> AND id < <to>;`;
    report({ messageId: 'unbatched', data: { operation: update ? 'UPDATE' : 'DELETE', table, batch }, tables: [table] });
  },
});
