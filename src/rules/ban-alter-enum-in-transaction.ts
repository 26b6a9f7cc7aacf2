import type { AlterEnumStmt } from '@pgsql/types';
import { nodeAs, qualifiedName, walk } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'ban-alter-enum-in-transaction',
  severity: 'error',
  category: 'locking',
  summary: 'ALTER TYPE ... ADD VALUE fails in a transaction before 12; the value is unusable until commit',
  lock: null,
  rewrites: false,
  messages: {
    addValueInTransaction: 'On Postgres {{version}}, ALTER TYPE {{type|relation}} ADD VALUE cannot run inside a transaction block.',
    newValueUsed: "The enum value '{{value}}' added to {{type}} earlier in this transaction cannot be used before the transaction commits.",
  },
  why: 'Before Postgres 12, ALTER TYPE ... ADD VALUE raises "cannot run inside a transaction block". From 12 it may, but the new value cannot be used in the same transaction ("unsafe use of new value").',
  fix: "Add the value in its own migration that runs without a transaction:\n   ALTER TYPE {{type|relation}} ADD VALUE IF NOT EXISTS '{{value}}' AFTER '<existing value>';\nand use it only in a later migration.",
  versions: 'Postgres 12 allows ADD VALUE in a transaction block, but not using the value before commit.',
  references: ['https://www.postgresql.org/docs/current/sql-altertype.html#SQL-ALTERTYPE-NOTES'],
  examples: {
    invalid: [
      { sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'curious';\nCOMMIT;", postgresVersion: 11, messageIds: ['addValueInTransaction'] },
      { sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'curious';\nUPDATE people SET mood = 'curious' WHERE id = 1;\nCOMMIT;", messageIds: ['newValueUsed'] },
      {
        sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'curious';\nUPDATE people SET mood = 'curious' WHERE id = 1;\nCOMMIT;",
        postgresVersion: 12,
        why: 'Postgres 12 is the first to allow the ADD VALUE in the block: only the use of the value fails',
        messageIds: ['newValueUsed'],
      },
      {
        sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'curious';\nUPDATE people SET mood = 'curious' WHERE id = 1;\nCOMMIT;",
        postgresVersion: 11,
        why: 'before 12 the ADD VALUE itself fails, so the use is not reported as well',
        messageIds: ['addValueInTransaction'],
      },
    ],
    valid: [
      { sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'curious';\nCOMMIT;", why: 'allowed in a transaction on 12+ when the value is not used' },
      { sql: "ALTER TYPE mood ADD VALUE 'curious';", postgresVersion: 11, why: 'no transaction block' },
    ],
  },
  statement({ statement, state, postgresVersion, report }) {
    const alter = nodeAs<AlterEnumStmt>(statement.node, 'AlterEnumStmt');
    if (alter?.newVal && state.inTransaction && postgresVersion < 12) {
      report({ messageId: 'addValueInTransaction', data: { version: postgresVersion, type: qualifiedName(alter.typeName), value: alter.newVal } });
      return;
    }
    if (alter || postgresVersion < 12) return;
    const added = state.addedEnumValues;
    if (added.size === 0) return;
    const literals = new Set<string>();
    walk(statement.node, (type, payload) => {
      const sval = type === 'A_Const' ? (payload.sval as { sval?: string } | undefined)?.sval : undefined;
      if (sval !== undefined) literals.add(sval);
    });
    for (const used of added) {
      if (!literals.has(used.newVal!)) continue;
      report({ messageId: 'newValueUsed', data: { type: qualifiedName(used.typeName), value: used.newVal! } });
      return;
    }
  },
});
