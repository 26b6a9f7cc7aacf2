/**
 * ## What it does
 * Flags `VALIDATE CONSTRAINT` in the same transaction as the `ADD CONSTRAINT ... NOT VALID`
 * that created the constraint.
 *
 * ## Why is this bad?
 * NOT VALID exists so that the scan runs later under a weak lock. In the same transaction
 * the ADD's lock (ACCESS EXCLUSIVE for a CHECK, SHARE ROW EXCLUSIVE on both tables for a
 * foreign key) is still held while VALIDATE scans every row.
 */
import type { Constraint } from '@pgsql/types';
import { ALTER_TABLE_KINDS, alterTableCommands, nodeAs, relationKey } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import type { Statement } from '../core/parse.js';

export default defineRule({
  id: 'ban-validate-constraint-in-same-transaction',
  severity: 'error',
  category: 'locking',
  summary: 'VALIDATE CONSTRAINT in the transaction that added it NOT VALID scans under the ADD\'s strong lock',
  // NOTE: the lock that matters is the ADD's, taken by an earlier statement; replay runs each
  // statement in a transaction of its own and sees VALIDATE's SHARE UPDATE EXCLUSIVE only.
  lock: null,
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: { sameTransaction: 'VALIDATE CONSTRAINT {{constraint}} runs in the transaction that added it NOT VALID: {{table}} stays locked {{lock}} for the whole scan.' },
  why: 'Locks are held until commit. ADD CONSTRAINT ... NOT VALID takes ACCESS EXCLUSIVE (CHECK) or SHARE ROW EXCLUSIVE on both tables (FOREIGN KEY) only briefly, because it skips the scan; VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes through. Run both in one transaction and the scan happens under the first lock, which is what NOT VALID was meant to avoid.',
  fix: [
    'Commit between them: move the VALIDATE to the next migration (in a tool that wraps each file in a transaction, a file of its own), where it scans under SHARE UPDATE EXCLUSIVE only:',
    "   SET statement_timeout = '15min';",
    '   ALTER TABLE {{table|relation}} VALIDATE CONSTRAINT {{constraint|ident}};',
  ].join('\n'),
  versions: 'All versions with NOT VALID (CHECK from 9.2, FOREIGN KEY from 9.1).',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-VALIDATE-CONSTRAINT', 'https://github.com/ankane/strong_migrations#adding-a-check-constraint', 'https://squawkhq.com/docs/constraint-missing-not-valid'],
  examples: {
    invalid: [
      { sql: '-- +goose Up\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;', why: 'goose wraps the file in one transaction', messages: ['VALIDATE CONSTRAINT orders_total_positive runs in the transaction that added it NOT VALID: orders stays locked ACCESS EXCLUSIVE for the whole scan.'] },
      { sql: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\nCOMMIT;', why: 'a foreign key: both tables stay locked SHARE ROW EXCLUSIVE', messages: ['VALIDATE CONSTRAINT orders_user_fk runs in the transaction that added it NOT VALID: orders stays locked SHARE ROW EXCLUSIVE for the whole scan.'] },
    ],
    valid: [
      { sql: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\nCOMMIT;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;', why: 'committed in between' },
      { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;', why: 'added NOT VALID in an earlier migration' },
      { sql: 'CREATE TABLE carts (total int);\nALTER TABLE carts ADD CONSTRAINT carts_total CHECK (total >= 0) NOT VALID;\nALTER TABLE carts VALIDATE CONSTRAINT carts_total;', why: 'the table is new and empty' },
      { sql: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\nCOMMIT;', why: 'added without NOT VALID: the ADD already scanned, and VALIDATE has nothing left to check' },
    ],
  },
  statement({ statement, state, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || !state.inTransaction || isNewTable(alter.table)) return;
    for (const command of alter.commands) {
      if (command.subtype !== 'AT_ValidateConstraint' || !command.name) continue;
      const added = addedNotValid(state.transactionStatements, alter.table, command.name);
      if (!added) continue;
      const data = { table: alter.table, constraint: command.name, lock: added.contype === 'CONSTR_FOREIGN' ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE' };
      report({ messageId: 'sameTransaction', data, tables: [alter.table] });
    }
  },
});

/** The NOT VALID constraint named `name` that an earlier statement of the transaction added to `table`. */
function addedNotValid(statements: readonly Statement[], table: string, name: string): Constraint | undefined {
  const key = relationKey(table);
  for (const earlier of statements) {
    const alter = alterTableCommands(earlier.node);
    if (!alter || relationKey(alter.table) !== key) continue;
    for (const command of alter.commands) {
      const constraint = command.subtype === 'AT_AddConstraint' ? nodeAs<Constraint>(command.def, 'Constraint') : undefined;
      if (constraint?.skip_validation && constraint.conname === name) return constraint;
    }
  }
  return undefined;
}
