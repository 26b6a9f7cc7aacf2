import type { InsertStmt, Node, ResTarget, UpdateStmt } from '@pgsql/types';
import { nodeAs } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'ban-duplicate-column-assignment',
  severity: 'error',
  category: 'locking',
  summary: 'Assigning the same column twice in one statement fails at deploy',
  lock: null,
  rewrites: false,
  statementKinds: ['UpdateStmt', 'InsertStmt'],
  messages: { duplicate: 'Column {{column}} is assigned more than once; Postgres rejects this statement.' },
  why: 'Postgres raises "multiple assignments to same column" and the migration fails.',
  fix: 'Assign {{column}} once, combining the expressions.',
  references: ['https://www.postgresql.org/docs/current/sql-update.html'],
  examples: {
    invalid: [{ sql: "UPDATE users SET status = 'a', status = 'b' WHERE id = 1;", messageIds: ['duplicate'] }],
    valid: [{ sql: "UPDATE users SET status = 'a', name = 'b' WHERE id = 1;" }],
  },
  statement({ statement, report }) {
    const targets: Node[] = nodeAs<UpdateStmt>(statement.node, 'UpdateStmt')?.targetList ?? nodeAs<InsertStmt>(statement.node, 'InsertStmt')?.cols ?? [];
    const seen = new Set<string>();
    for (const target of targets) {
      const res = nodeAs<ResTarget>(target, 'ResTarget');
      // NOTE: `SET a[1] = x, a[2] = y` and composite-field assignments are legal.
      if (!res?.name || res.indirection?.length) continue;
      const column = res.name.toLowerCase();
      if (seen.has(column)) report({ messageId: 'duplicate', data: { column: res.name } });
      seen.add(column);
    }
  },
});
