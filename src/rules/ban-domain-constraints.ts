import type { AlterDomainStmt, Constraint, CreateDomainStmt } from '@pgsql/types';
import { nodeAs, qualifiedName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { derivedName } from '../core/sql-names.js';

export default defineRule({
  id: 'ban-domain-constraints',
  severity: 'warning',
  category: 'locking',
  summary: 'Domain CHECK constraints validate every table using the domain and are hard to change',
  lock: 'SHARE',
  rewrites: false,
  statementKinds: ['AlterDomainStmt', 'CreateDomainStmt'],
  messages: {
    alterDomain: 'Adding a constraint to domain {{domain}} scans every table column that uses it.',
    createDomain: 'Domain {{domain}} has a CHECK constraint; changing it later validates every table that uses the domain.',
  },
  why: 'ALTER DOMAIN ADD CONSTRAINT checks all stored values of every column of the domain while locking those tables; constraints on domains are hard to evolve safely.',
  fix: 'Put the CHECK on the table columns (ADD CONSTRAINT ... NOT VALID, then VALIDATE), or add the domain constraint NOT VALID and VALIDATE it later:\n   ALTER DOMAIN {{domain|relation}} ADD CONSTRAINT {{constraint|ident}} CHECK (<condition>) NOT VALID;\n   ALTER DOMAIN {{domain|relation}} VALIDATE CONSTRAINT {{constraint|ident}};',
  references: ['https://www.postgresql.org/docs/current/sql-alterdomain.html', 'https://squawkhq.com/docs/ban-alter-domain-with-add-constraint'],
  examples: {
    invalid: [
      { sql: "ALTER DOMAIN email ADD CONSTRAINT email_at CHECK (VALUE LIKE '%@%');", messageIds: ['alterDomain'] },
      { sql: "CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');", messageIds: ['createDomain'] },
      { sql: "CREATE DOMAIN email AS text NOT NULL CHECK (VALUE LIKE '%@%');", messageIds: ['createDomain'], why: 'a CHECK among other constraints' },
    ],
    valid: [
      { sql: "ALTER DOMAIN email ADD CONSTRAINT email_at CHECK (VALUE LIKE '%@%') NOT VALID;", why: 'no scan' },
      { sql: 'CREATE DOMAIN email AS text;' },
      { sql: "CREATE DOMAIN email AS text NOT NULL DEFAULT '';", why: 'no CHECK constraint' },
    ],
  },
  statement({ statement, report }) {
    const alter = nodeAs<AlterDomainStmt>(statement.node, 'AlterDomainStmt');
    if (alter?.subtype === 'C' && !nodeAs<Constraint>(alter.def, 'Constraint')?.skip_validation) {
      const domain = qualifiedName(alter.typeName);
      report({ messageId: 'alterDomain', data: { domain, constraint: nodeAs<Constraint>(alter.def, 'Constraint')?.conname ?? derivedName(domain, 'check') } });
    }
    const create = nodeAs<CreateDomainStmt>(statement.node, 'CreateDomainStmt');
    if (create?.constraints?.some((c) => nodeAs<Constraint>(c, 'Constraint')?.contype === 'CONSTR_CHECK')) {
      // NOTE: CREATE DOMAIN locks no table (replay shows none); the SHARE lock is ALTER DOMAIN's.
      const domain = qualifiedName(create.domainname);
      report({ messageId: 'createDomain', data: { domain, constraint: derivedName(domain, 'check') }, lock: null });
    }
  },
});
