import { defineRule } from '../core/rule.js';
import { ADDED_CONSTRAINT_KINDS, addedConstraints } from './support/locking-ast.js';
import { derivedName, quoteIdentList } from '../core/sql-names.js';
import { relationName, stringList } from '../core/ast.js';

export default defineRule({
  id: 'require-not-valid-foreign-key',
  severity: 'error',
  category: 'locking',
  summary: 'ADD FOREIGN KEY without NOT VALID blocks writes on both tables while it scans',
  lock: 'SHARE ROW EXCLUSIVE',
  rewrites: false,
  work: 'validation',
  statementKinds: ADDED_CONSTRAINT_KINDS,
  messages: { validatingForeignKey: 'Adding foreign key {{constraint}} on {{table}} validates every row while blocking writes on {{table}} and {{referenced}}.' },
  why: 'ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on the table and the referenced table and checks every existing row before releasing them; writes wait for the whole scan.',
  fix: [
    'Index the referencing columns first (dropping a leftover of a failed build), add the key NOT VALID, then validate; each a migration of its own:',
    '   DROP INDEX CONCURRENTLY IF EXISTS {{index|ident}};',
    'In the next migration (outside a transaction block; a migration of its own where the tool sends a whole file as one statement, e.g. golang-migrate):',
    '   CREATE INDEX CONCURRENTLY {{index|ident}} ON {{table|relation}} ({{columns}});',
    'In the next migration:',
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ADD CONSTRAINT {{constraint|ident}} FOREIGN KEY ({{columns}}) REFERENCES {{referenced|relation}} ({{referencedColumns}}) NOT VALID;',
    'In the next migration (VALIDATE takes only SHARE UPDATE EXCLUSIVE):',
    "   SET statement_timeout = '15min';",
    '   ALTER TABLE {{table|relation}} VALIDATE CONSTRAINT {{constraint|ident}};',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT', 'https://github.com/ankane/strong_migrations#adding-a-foreign-key'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);', messageIds: ['validatingForeignKey'] },
      {
        sql: 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);',
        why: 'unnamed: Postgres names it <table>_<columns>_fkey',
        messages: ['Adding foreign key orders_user_id_fkey on orders validates every row while blocking writes on orders and users.'],
      },
    ],
    valid: [
      { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;', why: 'NOT VALID skips the scan' },
      { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;', why: 'validation takes SHARE UPDATE EXCLUSIVE and does not block writes' },
      { sql: 'CREATE TABLE carts (id bigint, user_id bigint);\nALTER TABLE carts ADD CONSTRAINT carts_user_fk FOREIGN KEY (user_id) REFERENCES users (id);', why: 'the table is new and empty' },
    ],
  },
  statement({ statement, isNewTable, report }) {
    for (const { table, constraint } of addedConstraints(statement)) {
      if (constraint.contype !== 'CONSTR_FOREIGN' || constraint.skip_validation || isNewTable(table)) continue;
      const referenced = relationName(constraint.pktable);
      report({ messageId: 'validatingForeignKey', data: { table, referenced, index: derivedName(table, ...stringList(constraint.fk_attrs), 'idx'), constraint: constraint.conname ?? derivedName(table, ...stringList(constraint.fk_attrs), 'fkey'), columns: quoteIdentList(stringList(constraint.fk_attrs)), referencedColumns: quoteIdentList(stringList(constraint.pk_attrs)) }, tables: [table, referenced] });
    }
  },
});
