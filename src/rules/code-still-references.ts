import { CONTRACT_TARGET_KINDS, contractTargets } from '../core/history-facts.js';
import { defineRule } from '../core/rule.js';
import { describeTarget, presentTense, targetDetails } from './support/contract.js';
import { contractPlan } from './support/phase-plans.js';

const NOW = '2026-11-25T12:00:00Z';

export default defineRule({
  id: 'code-still-references',
  severity: 'error',
  category: 'breaking',
  summary: 'Application code in the pull request still names a column or table that a migration drops or renames',
  lock: null,
  rewrites: false,
  statementKinds: CONTRACT_TARGET_KINDS,
  messages: {
    stillReferenced: '{{codeLocation}} still names {{what}}, which {{migration}} {{verb}}: this code fails once the migration runs.',
  },
  why: 'The old name disappears the moment the migration runs; every query, ORM mapping or struct tag that still uses it fails at run time. Removing the code uses comes first, the contract migration after.',
  fix: [
    'Remove or update the use of {{what}} at {{codeLocation}} first:',
    '1. Change the code to use the new name (or stop using the column/table) and deploy it.',
    '2. Then ship the migration that {{verb}} it, in a later pull request.',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/ddl-alter.html'],
  examples: {
    invalid: [
      {
        sql: "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;",
        why: 'a Go struct tag still maps the column',
        facts: { now: NOW, references: { 'users.email': [{ path: 'internal/user.go', line: 12, column: 2, text: 'Email string `db:"email"`' }] } },
        messages: ['internal/user.go:12 still names column users.email, which migrations/20260101000000_example.up.sql:2 drops: this code fails once the migration runs.'],
      },
      {
        sql: 'ALTER TABLE orders RENAME TO purchases;',
        why: 'a query string still names the old table',
        facts: { now: NOW, references: { orders: [{ path: 'app/models/order.rb', line: 3, column: 17, text: 'self.table_name = "orders"' }] } },
        messages: ['app/models/order.rb:3 still names table orders, which migrations/20260101000000_example.up.sql:1 renames: this code fails once the migration runs.'],
      },
    ],
    valid: [
      { sql: 'ALTER TABLE users DROP COLUMN email;', why: 'no code names the column any more', facts: { now: NOW, references: {} } },
      {
        sql: 'CREATE TABLE import_rows (id bigint, payload jsonb);\nALTER TABLE import_rows RENAME TO import_batches;',
        why: 'the table is created in this change: the code that names it ships with it',
        facts: { now: NOW, references: { import_rows: [{ path: 'app/import.go', line: 40, column: 9, text: 'INSERT INTO import_rows (id, payload)' }] } },
      },
      { sql: 'ALTER TABLE users ADD COLUMN phone text;', why: 'adding a column never breaks code', facts: { now: NOW, references: { 'users.phone': [{ path: 'a.go', line: 1, column: 1, text: 'phone' }] } } },
    ],
  },
  phasePlan: (details, writer) => contractPlan(writer, details),
  statement({ statement, facts, file, isNewTable, report }) {
    if (!facts) return;
    for (const target of contractTargets(statement.node)) {
      if (isNewTable(target.table)) continue;
      for (const reference of facts.codeReferences(target)) {
        const span = {
          startOffset: 0,
          endOffset: 0,
          start: { line: reference.line, column: reference.column },
          end: { line: reference.line, column: reference.column },
        };
        report({
          messageId: 'stillReferenced',
          file: reference.path,
          span,
          data: {
            ...targetDetails(target),
            codeLocation: `${reference.path}:${reference.line}`,
            what: describeTarget(target),
            migration: `${file.migration.path}:${statement.span.start.line}`,
            verb: presentTense(target),
          },
        });
      }
    }
  },
});
