import type { AlterEnumStmt } from '@pgsql/types';
import { nodeAs, qualifiedName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'require-enum-value-ordering',
  severity: 'warning',
  category: 'advice',
  summary: 'ADD VALUE without BEFORE/AFTER appends the value to the end of the enum order',
  lock: null,
  rewrites: false,
  statementKinds: ['AlterEnumStmt'],
  messages: { unordered: "ADD VALUE '{{value}}' to {{type}} without BEFORE or AFTER sorts it after every existing value." },
  why: 'Enum values compare and sort by their position; an appended value is greater than all existing ones, so ORDER BY and comparisons such as status < ... change meaning for code that assumed a position.',
  fix: "State the position explicitly, even when it is the end: ALTER TYPE {{type|relation}} ADD VALUE IF NOT EXISTS '{{value}}' AFTER '<existing value>';",
  references: ['https://www.postgresql.org/docs/current/sql-altertype.html', 'https://www.postgresql.org/docs/current/datatype-enum.html#DATATYPE-ENUM-ORDERING'],
  examples: {
    invalid: [
      { sql: "ALTER TYPE order_status ADD VALUE 'refunded';", messageIds: ['unordered'] },
      { sql: "ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'curious';", messageIds: ['unordered'] },
    ],
    valid: [
      { sql: "ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'shipped';" },
      { sql: "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'draft' BEFORE 'placed';" },
      { sql: "ALTER TYPE order_status RENAME VALUE 'sent' TO 'shipped';", why: 'renaming keeps the position' },
    ],
  },
  statement({ statement, report }) {
    const alter = nodeAs<AlterEnumStmt>(statement.node, 'AlterEnumStmt');
    if (!alter?.newVal || alter.oldVal || alter.newValNeighbor) return;
    report({ messageId: 'unordered', data: { type: qualifiedName(alter.typeName), value: alter.newVal } });
  },
});
