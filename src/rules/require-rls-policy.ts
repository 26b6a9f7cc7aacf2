/**
 * ## What it does
 * Flags `ALTER TABLE ... ENABLE ROW LEVEL SECURITY` on a table that no `CREATE POLICY` in
 * the migrations (this change or its history) names.
 *
 * ## Why is this bad?
 * With RLS on and no policy, Postgres denies every row to every role that is not the owner
 * or BYPASSRLS: the application's role suddenly reads nothing and cannot write.
 */
import type { CreatePolicyStmt } from '@pgsql/types';
import { ALTER_TABLE_KINDS, alterTableCommands, nodeAs, relationKey, relationName } from '../core/ast.js';
import { type ChangeSet, defineRule } from '../core/rule.js';
import { tableBefore } from './support/table-facts.js';

export default defineRule({
  id: 'require-rls-policy',
  severity: 'warning',
  category: 'advice',
  summary: 'ENABLE ROW LEVEL SECURITY without a policy denies every row to non-owner roles',
  lock: null,
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: { noPolicy: 'Row level security is enabled on {{table}} but no CREATE POLICY names it: every role except the owner and BYPASSRLS roles sees no rows and cannot write.' },
  why: 'When row security is enabled and no policy exists for the table, a default-deny policy applies. Application roles that are not the table owner lose all access the moment the migration commits.',
  fix: 'Create the policies in the same migration, before enabling: CREATE POLICY <name> ON {{table}} FOR ALL TO <role> USING (...) WITH CHECK (...);',
  versions: 'Row level security exists from Postgres 9.5.',
  references: ['https://www.postgresql.org/docs/current/ddl-rowsecurity.html', 'https://www.postgresql.org/docs/current/sql-createpolicy.html'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE orders ENABLE ROW LEVEL SECURITY;', messageIds: ['noPolicy'] },
      { sql: 'ALTER TABLE orders ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;', why: 'forced for the owner too: the owner sees no row either', messageIds: ['noPolicy'] },
    ],
    valid: [
      { sql: 'CREATE POLICY orders_owner ON orders USING (user_id = current_setting(\'app.user_id\')::bigint);\nALTER TABLE orders ENABLE ROW LEVEL SECURITY;', why: 'a policy comes with it' },
      { sql: 'ALTER TABLE orders ENABLE ROW LEVEL SECURITY;\nCREATE POLICY orders_owner ON orders USING (true);', why: 'the policy follows in the same migration' },
    ],
  },
  statement({ statement, file, changeSet, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter?.commands.some((c) => c.subtype === 'AT_EnableRowSecurity')) return;
    if (tableBefore(changeSet, file, statement, alter.table).hasPolicy || changeSet.derived(policyTablesInChange).has(relationKey(alter.table))) return;
    report({ messageId: 'noPolicy', data: { table: alter.table }, tables: [alter.table] });
  },
});

/** The tables (by relationKey) a CREATE POLICY anywhere in the change's files names: the policy may follow the ENABLE. */
function policyTablesInChange(changeSet: ChangeSet): Set<string> {
  const tables = new Set<string>();
  for (const file of changeSet.changed) {
    for (const statement of file.statements) {
      const policy = nodeAs<CreatePolicyStmt>(statement.node, 'CreatePolicyStmt');
      if (policy) tables.add(relationKey(relationName(policy.table)));
    }
  }
  return tables;
}
