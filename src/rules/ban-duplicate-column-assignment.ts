import type { ColumnDef, CreateStmt, CreateTableAsStmt, InsertStmt, MergeStmt, MergeWhenClause, Node, ResTarget, SelectStmt, UpdateStmt, ViewStmt } from '@pgsql/types';
import { nodeAs, nodeType, stringList } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { figureColumnName } from './support/column-names.js';

export default defineRule({
  id: 'ban-duplicate-column-assignment',
  severity: 'error',
  category: 'locking',
  summary: 'Assigning the same column twice in one statement fails at deploy',
  lock: null,
  rewrites: false,
  statementKinds: ['UpdateStmt', 'InsertStmt', 'MergeStmt', 'CreateStmt', 'CreateForeignTableStmt', 'ViewStmt', 'CreateTableAsStmt', 'SelectStmt'],
  messages: {
    duplicate: 'Column {{column}} is assigned more than once; Postgres rejects this statement.',
    duplicateName: 'Column {{column}} is named more than once; Postgres rejects this statement.',
  },
  why: 'Postgres raises "multiple assignments to same column" (or "column specified more than once") and the migration fails.',
  fix: 'Assign {{column}} once, combining the expressions.',
  references: ['https://www.postgresql.org/docs/current/sql-update.html', 'https://www.postgresql.org/docs/current/sql-createview.html', 'https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT', 'https://www.postgresql.org/docs/current/sql-merge.html'],
  examples: {
    invalid: [
      { sql: "UPDATE users SET status = 'a', status = 'b' WHERE id = 1;", messageIds: ['duplicate'] },
      { sql: "INSERT INTO users (id, status) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET status = 'b', status = 'c';", messageIds: ['duplicate'] },
      { sql: 'MERGE INTO users u USING staged s ON u.id = s.id WHEN MATCHED THEN UPDATE SET name = s.name, name = s.email;', messageIds: ['duplicate'] },
      { sql: 'UPDATE accounts SET address = ROW(1, 2), address.zip = 3;', why: 'the whole column and a field of it', messageIds: ['duplicate'] },
      { sql: "UPDATE accounts SET tags[1] = 'vip', tags = '{}' WHERE id = 1;", why: 'an element, then the whole column', messages: ['Column tags is assigned more than once; Postgres rejects this statement.'] },
      { sql: "INSERT INTO users (id, email, email) VALUES (1, 'a@example.com', 'b@example.com');", why: 'the column list of an INSERT', messages: ['Column email is assigned more than once; Postgres rejects this statement.'] },
      { sql: 'CREATE TABLE events (id bigint, id text);', messageIds: ['duplicateName'] },
      { sql: 'CREATE FOREIGN TABLE remote_events (id bigint, id text) SERVER archive;', messageIds: ['duplicateName'] },
      { sql: 'CREATE VIEW totals (n, n) AS SELECT 1, 2;', messageIds: ['duplicateName'] },
      { sql: 'CREATE VIEW totals AS SELECT 1 AS n, 2 AS n;', why: 'the query names the view columns', messageIds: ['duplicateName'] },
      { sql: 'CREATE VIEW order_users AS SELECT o.id, u.id FROM orders o JOIN users u ON u.id = o.user_id;', why: 'both columns are named id', messageIds: ['duplicateName'] },
      {
        sql: 'CREATE VIEW order_details AS SELECT o.*, u.id, c.id FROM orders o JOIN users u ON u.id = o.user_id JOIN coupons c ON c.id = o.coupon_id;',
        why: 'whatever the star expands to, the two id after it clash',
        messages: ['Column id is named more than once; Postgres rejects this statement.'],
      },
      { sql: 'CREATE MATERIALIZED VIEW totals AS SELECT 1, 2;', why: 'both columns are named ?column?', messageIds: ['duplicateName'] },
      { sql: 'SELECT id, id INTO users_copy FROM users;', why: 'SELECT INTO creates a table', messageIds: ['duplicateName'] },
      { sql: 'CREATE TABLE pairs AS SELECT 1::int, 2::integer;', why: 'a cast of a constant is named after its type: both are int4', messageIds: ['duplicateName'] },
      { sql: 'CREATE VIEW pairs (column2) AS VALUES (1, 2);', why: 'VALUES names its columns column1, column2, …', messageIds: ['duplicateName'] },
      { sql: 'CREATE VIEW ids AS SELECT 1 AS id, 2 AS id UNION SELECT 3 AS a, 4 AS b;', why: 'a UNION takes its names from its first branch', messageIds: ['duplicateName'] },
      { sql: 'CREATE VIEW lowered AS SELECT lower(name), lower(email) FROM users;', why: 'a function call is named after the function', messageIds: ['duplicateName'] },
      { sql: 'CREATE VIEW sums AS SELECT a + 1, b + 1 FROM t;', why: 'an operator expression is named ?column?', messages: ['Column ?column? is named more than once; Postgres rejects this statement.'] },
      { sql: 'CREATE VIEW checks AS SELECT a IS NULL, b IS TRUE, a AND b FROM t;', why: 'tests and boolean expressions are named ?column? too', messageIds: ['duplicateName', 'duplicateName'] },
      { sql: 'CREATE VIEW flags AS SELECT CASE WHEN a THEN 1 END, CASE WHEN b THEN 2 ELSE 0 END FROM t;', why: 'a CASE without a named result is named case', messages: ['Column case is named more than once; Postgres rejects this statement.'] },
      { sql: 'CREATE VIEW picks AS SELECT CASE WHEN x THEN 1 ELSE a END, a FROM t;', why: 'a CASE whose ELSE is a column is named after it', messageIds: ['duplicateName'] },
      { sql: 'CREATE VIEW parts AS SELECT (address).zip, zip, (tags)[1], tags, name COLLATE "C", name FROM t;', why: 'a field is named after the field, an element and a collation after the column', messageIds: ['duplicateName', 'duplicateName', 'duplicateName'] },
      { sql: 'CREATE VIEW shapes AS SELECT nullif(a, 0), b AS nullif, coalesce(a, 0), d AS coalesce FROM t;', why: 'NULLIF and COALESCE are named after the keyword', messageIds: ['duplicateName', 'duplicateName'] },
      {
        sql: 'CREATE VIEW lists AS SELECT ARRAY[a], ARRAY(SELECT 1), greatest(a, b), c AS greatest, least(a, b), d AS least, EXISTS (SELECT 1), e AS exists, ROW(a, b), f AS row FROM t;',
        why: 'so are ARRAY, GREATEST, LEAST, EXISTS and ROW',
        messages: ['Column array is named more than once; Postgres rejects this statement.', 'Column greatest is named more than once; Postgres rejects this statement.', 'Column least is named more than once; Postgres rejects this statement.', 'Column exists is named more than once; Postgres rejects this statement.', 'Column row is named more than once; Postgres rejects this statement.'],
      },
    ],
    valid: [
      { sql: "UPDATE users SET status = 'a', name = 'b' WHERE id = 1;" },
      { sql: 'UPDATE accounts SET address.zip = 3, address.city = 4, tags[1] = 5, tags[2] = 6;', why: 'different fields or elements of one column' },
      { sql: 'UPDATE accounts SET "Status" = 1, status = 2;', why: 'a quoted upper-case name is another column' },
      { sql: 'CREATE VIEW totals (a, b) AS SELECT 1 AS n, 2 AS n;', why: 'the column list renames both' },
      { sql: 'CREATE VIEW order_users (order_id) AS SELECT o.id, u.id FROM orders o JOIN users u ON u.id = o.user_id;', why: 'the column list renames the first id' },
      { sql: 'CREATE TABLE memberships (user_id bigint, team_id bigint, PRIMARY KEY (user_id, team_id), UNIQUE (team_id, user_id));', why: 'table constraints are not columns' },
      { sql: 'SELECT o.id, u.id FROM orders o JOIN users u ON u.id = o.user_id;', why: 'a query result may repeat a name; only a table or view it creates may not' },
      { sql: 'CREATE VIEW order_users AS SELECT o.*, u.id AS user_id FROM orders o JOIN users u ON u.id = o.user_id;', why: 'what a star expands to is not known here' },
      { sql: 'CREATE VIEW pairs AS VALUES (1, 2);', why: 'named column1 and column2' },
      { sql: 'CREATE VIEW ids AS SELECT 1 AS a, 2 AS b UNION SELECT 3 AS x, 4 AS x;', why: 'only the first branch of a UNION names the columns' },
      { sql: 'CREATE VIEW bounds AS SELECT greatest(a, b), least(a, b), a::text, b::text FROM t;', why: 'greatest and least; a cast of a column keeps the column name' },
      { sql: "CREATE VIEW account_defaults AS SELECT 0::bigint, ''::text, 0::integer::numeric, 0::integer FROM accounts;", why: 'a cast of a constant is named after its type (int8, text), the outermost cast naming it (numeric, int4)' },
      { sql: 'CREATE VIEW account_flags AS SELECT id, CASE WHEN active THEN 1 END, 0 FROM accounts;', why: 'a CASE without ELSE is named case, a constant ?column?' },
      { sql: 'CREATE VIEW account_levels AS SELECT id, CASE WHEN vip THEN 2 ELSE 0::smallint END, 0::smallint FROM accounts;', why: 'a CASE whose ELSE is only named after a type is named case; the cast alone is int2' },
      { sql: 'CREATE VIEW user_stats AS SELECT u.id, (SELECT count(*) FROM orders o WHERE o.user_id = u.id), ARRAY[u.email] FROM users u;', why: 'a scalar subquery is not named array (Postgres names it after its own column: count)' },
      { sql: 'CREATE VIEW table_sizes AS SELECT (SELECT count(*) FROM users), (SELECT max(id) FROM orders);', why: 'named count and max, after their own columns' },
    ],
  },
  statement({ statement, report }) {
    const insert = nodeAs<InsertStmt>(statement.node, 'InsertStmt');
    const merge = nodeAs<MergeStmt>(statement.node, 'MergeStmt');
    const assignmentLists: Node[][] = [
      nodeAs<UpdateStmt>(statement.node, 'UpdateStmt')?.targetList ?? [],
      insert?.cols ?? [],
      insert?.onConflictClause?.targetList ?? [],
      ...(merge?.mergeWhenClauses ?? []).map((c) => nodeAs<MergeWhenClause>(c, 'MergeWhenClause')?.targetList ?? []),
    ];
    for (const column of assignmentLists.flatMap(duplicateAssignments)) report({ messageId: 'duplicate', data: { column } });
    for (const column of duplicates(definedNames(statement.node))) report({ messageId: 'duplicateName', data: { column }, fix: `Name each column once: rename or remove the second ${column}.` });
  },
});

/**
 * The columns a SET (or insert column) list assigns twice. NOTE: names come case-folded from
 * the parser (a quoted "A" is another column than a); `SET a[1] = x, a[2] = y` and distinct
 * fields of a composite are legal, but the whole column together with a part of it is not.
 */
function duplicateAssignments(targets: Node[]): string[] {
  const whole = new Set<string>();
  const partly = new Set<string>();
  const found: string[] = [];
  for (const target of targets) {
    const res = nodeAs<ResTarget>(target, 'ResTarget');
    if (!res?.name) continue;
    const isPart = !!res.indirection?.length;
    if (whole.has(res.name) || (!isPart && partly.has(res.name))) found.push(res.name);
    (isPart ? partly : whole).add(res.name);
  }
  return found;
}

/**
 * The column names a statement gives the relation it creates: CREATE TABLE and CREATE FOREIGN
 * TABLE their column definitions; CREATE VIEW, CREATE TABLE AS, CREATE MATERIALIZED VIEW and
 * SELECT INTO their column list, then the query's output names for the columns it leaves out.
 * Names that cannot be known here (a star, a subquery) are left out.
 */
function definedNames(node: Node): string[] {
  const create = nodeAs<CreateStmt>(node, 'CreateStmt') ?? nodeAs<{ base?: CreateStmt }>(node, 'CreateForeignTableStmt')?.base;
  if (create) return (create.tableElts ?? []).map((e) => nodeAs<ColumnDef>(e, 'ColumnDef')?.colname).filter((n): n is string => !!n);
  const view = nodeAs<ViewStmt>(node, 'ViewStmt');
  const createAs = nodeAs<CreateTableAsStmt>(node, 'CreateTableAsStmt');
  const selectInto = nodeAs<SelectStmt>(node, 'SelectStmt');
  const [listed, query] = view
    ? [view.aliases, nodeAs<SelectStmt>(view.query, 'SelectStmt')]
    : createAs
      ? [createAs.into?.colNames, nodeAs<SelectStmt>(createAs.query, 'SelectStmt')]
      : [selectInto?.intoClause?.colNames, selectInto?.intoClause ? selectInto : undefined];
  const names: (string | undefined)[] = query ? outputNames(query) : [];
  stringList(listed).forEach((name, i) => (names[i] = name));
  return names.filter((n): n is string => n !== undefined);
}

/** A query's output column names, as Postgres names them (undefined where a star or an unknown expression leaves it open). */
function outputNames(select: SelectStmt): (string | undefined)[] {
  // NOTE: a UNION, INTERSECT or EXCEPT takes its names from its first branch.
  if (select.op && select.op !== 'SETOP_NONE') return select.larg ? outputNames(select.larg) : [];
  const firstRow = nodeAs<{ items?: Node[] }>(select.valuesLists?.[0], 'List')?.items;
  if (firstRow) return firstRow.map((_, i) => `column${i + 1}`);
  const names: (string | undefined)[] = [];
  for (const target of select.targetList ?? []) {
    const res = nodeAs<ResTarget>(target, 'ResTarget');
    // NOTE: a star expands to columns this statement does not show, maybe none (a table without
    // columns): it is left out, so each name after it sits at its index here or further right,
    // and a column list renames at most the ones it seems to reach. The names after it still clash.
    if (res && !isStar(res.val)) names.push(res.name ?? figureColumnName(res.val)?.name);
  }
  return names;
}

function isStar(node: Node | undefined): boolean {
  return nodeAs<{ fields?: Node[] }>(node, 'ColumnRef')?.fields?.some((f) => nodeType(f) === 'A_Star') ?? false;
}

function duplicates(names: readonly string[]): string[] {
  return names.filter((name, i) => names.indexOf(name) !== i);
}
