import type { A_Expr, AlterEnumStmt, Node, TypeCast } from '@pgsql/types';
import { nodeAs, qualifiedName, relationKey, stringList, walk } from '../core/ast.js';
import { defineRule, type ChangeSet } from '../core/rule.js';
import { quoteLiteral } from '../core/sql-names.js';

export default defineRule({
  id: 'require-enum-value-ordering',
  severity: 'warning',
  category: 'advice',
  summary: 'ADD VALUE without BEFORE/AFTER appends the value to the end of an enum whose order the migrations rely on',
  lock: null,
  rewrites: false,
  statementKinds: ['AlterEnumStmt'],
  messages: { unordered: "ADD VALUE '{{value}}' to {{type}} without BEFORE or AFTER sorts it after every existing value, and the migrations rely on the order of {{type}} ({{evidence}})." },
  why: 'Enum values compare and sort by their position; an appended value is greater than all existing ones, so ORDER BY and comparisons such as status < ... change meaning for code that assumed a position. Most enums are sets of labels whose order nothing uses, so the rule speaks only when the migrations show that the order of the type matters: a value placed with BEFORE/AFTER, or a comparison (<, >, BETWEEN) of the type\'s values.',
  fix: 'State the position explicitly, even when it is the end: ALTER TYPE {{type|relation}} ADD VALUE IF NOT EXISTS {{literal}} AFTER \'<existing value>\';',
  references: ['https://www.postgresql.org/docs/current/sql-altertype.html', 'https://www.postgresql.org/docs/current/datatype-enum.html#DATATYPE-ENUM-ORDERING'],
  examples: {
    invalid: [
      {
        files: [
          { path: 'migrations/20250101000000_status.up.sql', text: "CREATE TYPE order_status AS ENUM ('placed', 'paid', 'shipped');\nALTER TYPE order_status ADD VALUE 'packed' BEFORE 'shipped';", change: 'unchanged' },
          { path: 'migrations/20260101000000_refunded.up.sql', text: "ALTER TYPE order_status ADD VALUE 'refunded';" },
        ],
        why: 'an earlier migration placed a value of order_status with BEFORE: its order matters',
        messages: ["ADD VALUE 'refunded' to order_status without BEFORE or AFTER sorts it after every existing value, and the migrations rely on the order of order_status (a value placed BEFORE 'shipped' in migrations/20250101000000_status.up.sql)."],
      },
      {
        files: [
          { path: 'migrations/20250101000000_mood.up.sql', text: "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\nCREATE VIEW cheerful AS SELECT * FROM people WHERE current_mood >= 'ok'::mood;", change: 'unchanged' },
          { path: 'migrations/20260101000000_curious.up.sql', text: "ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'curious';" },
        ],
        why: 'a view compares values of mood by position',
        messageIds: ['unordered'],
      },
      {
        files: [
          { path: 'migrations/20250101000000_priority.up.sql', text: "CREATE TYPE ticket_priority AS ENUM ('low', 'normal', 'high');\nALTER TYPE ticket_priority ADD VALUE 'critical' AFTER 'high';", change: 'unchanged' },
          { path: 'migrations/20260101000000_trivial.up.sql', text: "ALTER TYPE ticket_priority ADD VALUE 'trivial';" },
        ],
        why: "'trivial' is meant to sort below 'low', but lands after 'critical'",
        messages: ["ADD VALUE 'trivial' to ticket_priority without BEFORE or AFTER sorts it after every existing value, and the migrations rely on the order of ticket_priority (a value placed AFTER 'high' in migrations/20250101000000_priority.up.sql)."],
      },
      {
        files: [
          {
            path: 'migrations/20250101000000_escalations.up.sql',
            text: "CREATE TYPE ticket_priority AS ENUM ('low', 'normal', 'high');\nCREATE VIEW escalations AS SELECT * FROM tickets WHERE priority BETWEEN 'high'::ticket_priority AND 'high'::ticket_priority;",
            change: 'unchanged',
          },
          { path: 'migrations/20260101000000_critical.up.sql', text: "ALTER TYPE ticket_priority ADD VALUE 'critical';" },
        ],
        why: 'a view selects a range of ticket_priority with BETWEEN',
        messages: ["ADD VALUE 'critical' to ticket_priority without BEFORE or AFTER sorts it after every existing value, and the migrations rely on the order of ticket_priority (values compared by order in migrations/20250101000000_escalations.up.sql)."],
      },
    ],
    valid: [
      { sql: "ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'shipped';" },
      { sql: "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'draft' BEFORE 'placed';" },
      { sql: "ALTER TYPE order_status RENAME VALUE 'sent' TO 'shipped';", why: 'renaming keeps the position' },
      {
        files: [
          { path: 'migrations/20250101000000_events.up.sql', text: "CREATE TYPE audit_event AS ENUM ('sign_in', 'sign_out');", change: 'unchanged' },
          { path: 'migrations/20260101000000_passkey.up.sql', text: "ALTER TYPE audit_event ADD VALUE 'passkey_created';" },
        ],
        why: 'a set of labels: nothing in the migrations orders or compares them, so appending is what the author means',
      },
      {
        files: [
          {
            path: 'migrations/20250101000000_events.up.sql',
            text: "CREATE TYPE audit_event AS ENUM ('sign_in', 'sign_out');\nCREATE VIEW recent_sign_ins AS SELECT * FROM audit_log WHERE event = 'sign_in'::audit_event AND at > now() - '1 day'::interval;",
            change: 'unchanged',
          },
          { path: 'migrations/20260101000000_passkey.up.sql', text: "ALTER TYPE audit_event ADD VALUE 'passkey_created';" },
        ],
        why: 'the view tests a value of audit_event for equality only; the order comparison is of another type',
      },
      {
        files: [
          { path: 'migrations/20250101000000_drop_cheerful.up.sql', text: 'DROP VIEW cheerful;', change: 'unchanged' },
          { path: 'migrations/20250101000000_drop_cheerful.down.sql', text: "CREATE VIEW cheerful AS SELECT * FROM people WHERE current_mood >= 'ok'::mood;", change: 'unchanged' },
          { path: 'migrations/20260101000000_curious.up.sql', text: "ALTER TYPE mood ADD VALUE 'curious';" },
        ],
        why: 'only a down migration compares mood by order, to restore a view the up dropped: the applied schema holds no such comparison',
      },
    ],
  },
  statement({ statement, changeSet, report }) {
    const alter = nodeAs<AlterEnumStmt>(statement.node, 'AlterEnumStmt');
    if (!alter?.newVal || alter.oldVal || alter.newValNeighbor) return;
    const type = qualifiedName(alter.typeName);
    const evidence = orderedEnums(changeSet).get(relationKey(type));
    if (evidence) report({ messageId: 'unordered', data: { type, value: alter.newVal, literal: quoteLiteral(alter.newVal), evidence } });
  },
});

/**
 * The enum types whose order the migrations (history and change, up sections) rely on, by
 * relationKey, with the evidence in words: a value added with BEFORE/AFTER, or a value cast
 * to the type and compared with <, <=, >, >= or BETWEEN.
 */
function orderedEnums(changeSet: ChangeSet): Map<string, string> {
  return changeSet.derived(findOrderedEnums);
}

function findOrderedEnums(changeSet: ChangeSet): Map<string, string> {
  const ordered = new Map<string, string>();
  for (const file of changeSet.files) {
    for (const statement of changeSet.statementsOf(file)) {
      if (statement.section !== 'up') continue;
      const alter = nodeAs<AlterEnumStmt>(statement.node, 'AlterEnumStmt');
      if (alter?.newValNeighbor) ordered.set(relationKey(qualifiedName(alter.typeName)), `a value placed ${alter.newValIsAfter ? 'AFTER' : 'BEFORE'} '${alter.newValNeighbor}' in ${file.migration.path}`);
      // NOTE: only statements that can hold an ordering comparison of a cast are walked.
      else if (/::|\bcast\b/i.test(statement.text) && /[<>]|\bbetween\b/i.test(statement.text)) {
        for (const type of typesComparedByOrder(statement.node)) ordered.set(type, `values compared by order in ${file.migration.path}`);
      }
    }
  }
  return ordered;
}

const ORDER_OPERATORS = new Set(['<', '<=', '>', '>=']);
/** BETWEEN in all its forms (the parser's A_Expr kinds): each compares by order. */
const BETWEEN_KINDS = new Set<A_Expr['kind']>(['AEXPR_BETWEEN', 'AEXPR_NOT_BETWEEN', 'AEXPR_BETWEEN_SYM', 'AEXPR_NOT_BETWEEN_SYM']);

/** Types (relationKey) that a cast operand of an ordering comparison (<, <=, >, >=, [NOT] BETWEEN [SYMMETRIC]) names. */
function typesComparedByOrder(node: Node): string[] {
  const types: string[] = [];
  walk(node, (kind, payload) => {
    if (kind !== 'A_Expr') return;
    const expr = payload as A_Expr;
    const byOrder = expr.kind === 'AEXPR_OP' ? ORDER_OPERATORS.has(stringList(expr.name).at(-1) ?? '') : BETWEEN_KINDS.has(expr.kind);
    if (!byOrder) return;
    walk([expr.lexpr, expr.rexpr], (inner, cast) => {
      if (inner === 'TypeCast') types.push(relationKey(qualifiedName((cast as TypeCast).typeName?.names)));
    });
  });
  return types;
}
