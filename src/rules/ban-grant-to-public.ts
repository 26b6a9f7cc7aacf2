/**
 * ## What it does
 * Flags `GRANT ... TO PUBLIC`.
 *
 * ## Why is this bad?
 * PUBLIC is every role, including ones created later for other applications, read-only
 * reporting users and extensions' roles: the privilege reaches far more than intended.
 */
import type { AccessPriv, GrantStmt, Node } from '@pgsql/types';
import { nodeAs, stringList } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

/** A privilege as written: `SELECT`, `SELECT (email)`, `ALL (email)` (ALL with columns has no name in the AST). */
function privilegeText(privilege: AccessPriv | undefined): string {
  const name = privilege?.priv_name?.toUpperCase() ?? 'ALL';
  const columns = stringList(privilege?.cols);
  return columns.length ? `${name} (${columns.join(', ')})` : name;
}

export default defineRule({
  id: 'ban-grant-to-public',
  severity: 'warning',
  category: 'advice',
  summary: 'GRANT ... TO PUBLIC gives the privilege to every role, present and future',
  lock: null,
  rewrites: false,
  statementKinds: ['GrantStmt'],
  messages: { toPublic: '{{privileges}} granted TO PUBLIC: every role in the cluster, including roles created later, gets it.' },
  why: 'PUBLIC is an implicit group that every role belongs to. Privileges granted to it cannot be withheld from any one role, so a grant meant for the application also reaches reporting users, other services and anyone who gets a login later.',
  fix: 'Grant to the roles that need it (GRANT ... TO app_rw;), or to a group role those roles are members of.',
  versions: 'All versions.',
  references: ['https://www.postgresql.org/docs/current/sql-grant.html', 'https://www.postgresql.org/docs/current/ddl-priv.html'],
  examples: {
    invalid: [
      { sql: 'GRANT SELECT, INSERT ON orders TO PUBLIC;', messages: ['SELECT, INSERT granted TO PUBLIC: every role in the cluster, including roles created later, gets it.'] },
      { sql: 'GRANT ALL ON orders TO reporting, PUBLIC;', why: 'PUBLIC among other grantees', messages: ['ALL PRIVILEGES granted TO PUBLIC: every role in the cluster, including roles created later, gets it.'] },
      {
        sql: 'GRANT SELECT (id, email) ON users TO PUBLIC;\nGRANT ALL (nickname) ON users TO PUBLIC;',
        why: 'column privileges',
        messages: [
          'SELECT (id, email) granted TO PUBLIC: every role in the cluster, including roles created later, gets it.',
          'ALL (nickname) granted TO PUBLIC: every role in the cluster, including roles created later, gets it.',
        ],
      },
    ],
    valid: [
      { sql: 'GRANT SELECT ON orders TO reporting;', why: 'a named role' },
      { sql: 'REVOKE ALL ON orders FROM PUBLIC;', why: 'revoking from PUBLIC is the safe direction' },
    ],
  },
  statement({ statement, report }) {
    const grant = nodeAs<GrantStmt>(statement.node, 'GrantStmt');
    if (!grant?.is_grant || !(grant.grantees ?? []).some((g: Node) => nodeAs<{ roletype?: string }>(g, 'RoleSpec')?.roletype === 'ROLESPEC_PUBLIC')) return;
    const privileges = (grant.privileges ?? []).map((p) => privilegeText(nodeAs<AccessPriv>(p, 'AccessPriv')));
    report({ messageId: 'toPublic', data: { privileges: privileges.length ? privileges.join(', ') : 'ALL PRIVILEGES' } });
  },
});
