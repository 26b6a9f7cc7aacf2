import type { ColumnDef, Constraint, CreateStmt, IndexElem, IndexStmt } from '@pgsql/types';
import { nodeAs, relationKey, relationName, stringList } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { type ChangeSet, defineRule } from '../core/rule.js';
import { ADDED_CONSTRAINT_KINDS, addedConstraints } from './support/locking-ast.js';
import { derivedName, quoteIdentList } from '../core/sql-names.js';

/**
 * The column lists of every index created in the change set, by table key: by the changed
 * migrations and by the earlier ones (history files, also when only the changed files are
 * judged, as with --base); CREATE INDEX, and PRIMARY KEY / UNIQUE constraints (each
 * builds an index). Built once per change set (ChangeSet.derived).
 * NOTE: scanning every statement for each foreign key would make this rule quadratic in
 * the number of statements.
 */
function indexesByTable(changeSet: ChangeSet): Map<string, Array<Array<string | undefined>>> {
  const byTable = new Map<string, Array<Array<string | undefined>>>();
  const add = (table: string, columns: Array<string | undefined>) => {
    const key = relationKey(table);
    const known = byTable.get(key);
    if (known) known.push(columns);
    else byTable.set(key, [columns]);
  };
  for (const file of changeSet.files) {
    for (const statement of changeSet.statementsOf(file)) {
      if (statement.section !== 'up') continue;
      const index = nodeAs<IndexStmt>(statement.node, 'IndexStmt');
      // NOTE: a partial index serves only the rows its WHERE selects, not every key lookup.
      if (index && !index.whereClause) add(relationName(index.relation), (index.indexParams ?? []).map((p) => nodeAs<IndexElem>(p, 'IndexElem')?.name?.toLowerCase()));
      for (const { table, constraint } of [...addedConstraints(statement), ...tableConstraints(statement)]) {
        if (constraint.contype === 'CONSTR_PRIMARY' || constraint.contype === 'CONSTR_UNIQUE') add(table, stringList(constraint.keys).map((c) => c.toLowerCase()));
      }
    }
  }
  return byTable;
}

export default defineRule({
  id: 'require-index-for-foreign-key',
  severity: 'warning',
  category: 'locking',
  summary: 'Foreign key columns without an index make deletes on the parent scan the child',
  lock: null,
  rewrites: false,
  statementKinds: ADDED_CONSTRAINT_KINDS,
  messages: { unindexed: 'No index on {{table}} ({{columns}}) is created in this change; deletes and key updates on {{referenced}} will scan {{table}}.' },
  why: 'Postgres does not index the referencing side of a foreign key. Each DELETE or key UPDATE on the referenced table looks up matching rows in the referencing table, which without an index is a sequential scan.',
  fix: 'Index the referencing columns (unless an existing index already starts with them), dropping a leftover of a failed build in the migration before:\n   DROP INDEX CONCURRENTLY IF EXISTS {{index|ident}};\nthen:\n   CREATE INDEX CONCURRENTLY {{index|ident}} ON {{table|relation}} ({{columnList}});',
  references: ['https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;', messageIds: ['unindexed'] },
      {
        sql: 'CREATE INDEX CONCURRENTLY orders_open_user_id_idx ON orders (user_id) WHERE closed_at IS NULL;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
        why: 'a partial index does not serve lookups of every key',
        messageIds: ['unindexed'],
      },
      {
        sql: 'CREATE INDEX CONCURRENTLY orders_created_at_user_id_idx ON orders (created_at, user_id);\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
        why: 'an index that starts with another column does not serve lookups by user_id',
        messageIds: ['unindexed'],
      },
      {
        sql: 'CREATE INDEX CONCURRENTLY orders_tenant_id_idx ON orders (tenant_id);\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;',
        why: 'an index must start with every column of the key, not only the first',
        messages: ['No index on orders (tenant_id, user_id) is created in this change; deletes and key updates on users will scan orders.'],
      },
      {
        sql: 'CREATE TABLE order_notes (id bigint PRIMARY KEY, order_id bigint NOT NULL);\nALTER TABLE order_notes ADD CONSTRAINT order_notes_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);',
        why: 'of the constraints a CREATE TABLE declares, only PRIMARY KEY and UNIQUE build an index',
        messageIds: ['unindexed'],
      },
      {
        files: [
          {
            path: 'db/migrations/20260101000000_orders_user_fk.sql',
            text: '-- migrate:up\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n\n-- migrate:down\nALTER TABLE orders DROP CONSTRAINT orders_user_fk;\nCREATE INDEX orders_user_id_idx ON orders (user_id);',
          },
        ],
        why: 'an index created in a down section exists only after a rollback',
        messageIds: ['unindexed'],
      },
    ],
    valid: [
      {
        sql: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
        why: 'an index starting with the column exists',
      },
      {
        files: [
          { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE orders (id bigint, user_id bigint);\nCREATE INDEX orders_user_id_idx ON orders (user_id);', change: 'unchanged' },
          { path: 'migrations/002_fk.up.sql', text: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;' },
        ],
        why: 'an earlier migration (on the base branch) created the index',
      },
      {
        sql: 'CREATE TABLE memberships (user_id bigint, team_id bigint, PRIMARY KEY (user_id, team_id));\nALTER TABLE memberships ADD CONSTRAINT memberships_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
        why: 'the primary key index starts with the column',
      },
      {
        sql: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\nCREATE INDEX CONCURRENTLY orders_created_at_idx ON orders (created_at);\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
        why: 'any of the indexes of the table may serve the key',
      },
      {
        sql: 'CREATE TABLE profiles (user_id bigint PRIMARY KEY, bio text);\nALTER TABLE profiles ADD CONSTRAINT profiles_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
        why: 'a column declared PRIMARY KEY (or UNIQUE) is indexed',
      },
      {
        sql: 'CREATE TABLE team_members (team_id bigint, user_id bigint, UNIQUE (user_id, team_id));\nALTER TABLE team_members ADD CONSTRAINT team_members_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
        why: 'the index of a UNIQUE constraint starts with the column',
      },
    ],
  },
  statement({ statement, changeSet, report }) {
    for (const { table, constraint } of addedConstraints(statement)) {
      if (constraint.contype !== 'CONSTR_FOREIGN') continue;
      const columns = stringList(constraint.fk_attrs);
      if (columns.length === 0) continue;
      const keys = columns.map((c) => c.toLowerCase());
      const indexed = (changeSet.derived(indexesByTable).get(relationKey(table)) ?? []).some((leading) => keys.every((c) => leading.slice(0, keys.length).includes(c)));
      if (!indexed) report({ messageId: 'unindexed', data: { table, columns: columns.join(', '), columnList: quoteIdentList(columns), index: derivedName(table, ...columns, 'idx'), referenced: relationName(constraint.pktable) }, tables: [table] });
    }
  },
});

/** The PRIMARY KEY and UNIQUE constraints a CREATE TABLE declares, table-level and on columns. */
function tableConstraints(statement: Statement): Array<{ table: string; constraint: Constraint }> {
  const create = nodeAs<CreateStmt>(statement.node, 'CreateStmt');
  if (!create) return [];
  const table = relationName(create.relation);
  return (create.tableElts ?? []).flatMap((element) => {
    const constraint = nodeAs<Constraint>(element, 'Constraint');
    if (constraint) return [{ table, constraint }];
    const column = nodeAs<ColumnDef>(element, 'ColumnDef');
    // NOTE: a column constraint names no keys: the key is the column itself.
    return (column?.constraints ?? []).flatMap((c) => {
      const columnConstraint = nodeAs<Constraint>(c, 'Constraint');
      return columnConstraint && column?.colname ? [{ table, constraint: { ...columnConstraint, keys: [{ String: { sval: column.colname } }] } }] : [];
    });
  });
}
