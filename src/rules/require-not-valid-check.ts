import { defineRule } from '../core/rule.js';
import { ADDED_CONSTRAINT_KINDS, addedConstraints } from './support/locking-ast.js';
import { checkConstraintName } from './support/table-facts.js';

export default defineRule({
  id: 'require-not-valid-check',
  severity: 'error',
  category: 'locking',
  summary: 'ADD CHECK without NOT VALID blocks reads and writes while every row is checked',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  work: 'scan',
  statementKinds: ADDED_CONSTRAINT_KINDS,
  messages: { validatingCheck: 'Adding check {{constraint}} on {{table}} scans every row under an ACCESS EXCLUSIVE lock.' },
  why: 'ADD CONSTRAINT ... CHECK takes ACCESS EXCLUSIVE and validates all existing rows before committing; every query on the table waits.',
  fix: [
    'Add it NOT VALID, then validate in a separate migration (VALIDATE takes only SHARE UPDATE EXCLUSIVE):',
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ADD CONSTRAINT {{constraint|ident}} CHECK ({{expression}}) NOT VALID;',
    'In the next migration:',
    "   SET statement_timeout = '15min';",
    '   ALTER TABLE {{table|relation}} VALIDATE CONSTRAINT {{constraint|ident}};',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES', 'https://github.com/ankane/strong_migrations#adding-a-check-constraint'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);', messageIds: ['validatingCheck'] },
      {
        sql: 'ALTER TABLE orders ADD CHECK (total = 0 OR ref IS NOT NULL);',
        why: 'unnamed, on two columns: Postgres names it <table>_check',
        messages: ['Adding check orders_check on orders scans every row under an ACCESS EXCLUSIVE lock.'],
      },
      {
        sql: 'ALTER TABLE orders ADD CHECK (total >= 0);',
        why: 'unnamed, reading one column: Postgres names it <table>_<column>_check',
        messages: ['Adding check orders_total_check on orders scans every row under an ACCESS EXCLUSIVE lock.'],
      },
    ],
    valid: [
      { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;', why: 'NOT VALID, then VALIDATE' },
      { sql: 'CREATE TABLE carts (total int);\nALTER TABLE carts ADD CONSTRAINT carts_total CHECK (total >= 0);', why: 'the table is new and empty' },
    ],
  },
  statement({ statement, isNewTable, report }) {
    for (const { table, constraint } of addedConstraints(statement)) {
      if (constraint.contype !== 'CONSTR_CHECK' || constraint.skip_validation || isNewTable(table)) continue;
      report({ messageId: 'validatingCheck', data: { table, constraint: constraint.conname ?? checkConstraintName(table, constraint.raw_expr), expression: '<condition>' }, tables: [table] });
    }
  },
});
