import type { ColumnDef, CreateStmt, InsertStmt, MergeStmt, MergeWhenClause, Node, ResTarget, UpdateStmt, ViewStmt } from '@pgsql/types';
import { nodeAs, stringList } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'ban-duplicate-column-assignment',
  severity: 'error',
  category: 'locking',
  summary: 'Assigning the same column twice in one statement fails at deploy',
  lock: null,
  rewrites: false,
  statementKinds: ['UpdateStmt', 'InsertStmt', 'MergeStmt', 'CreateStmt', 'CreateForeignTableStmt', 'ViewStmt'],
  messages: {
    duplicate: 'Column {{column}} is assigned more than once; Postgres rejects this statement.',
    duplicateName: 'Column {{column}} is named more than once; Postgres rejects this statement.',
  },
  why: 'Postgres raises "multiple assignments to same column" (or "column specified more than once") and the migration fails.',
  fix: 'Assign {{column}} once, combining the expressions.',
  references: ['https://www.postgresql.org/docs/current/sql-update.html', 'https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT', 'https://www.postgresql.org/docs/current/sql-merge.html'],
  examples: {
    invalid: [
      { sql: "UPDATE users SET status = 'a', status = 'b' WHERE id = 1;", messageIds: ['duplicate'] },
      { sql: "INSERT INTO users (id, status) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET status = 'b', status = 'c';", messageIds: ['duplicate'] },
      { sql: 'MERGE INTO users u USING staged s ON u.id = s.id WHEN MATCHED THEN UPDATE SET name = s.name, name = s.email;', messageIds: ['duplicate'] },
      { sql: 'UPDATE accounts SET address = ROW(1, 2), address.zip = 3;', why: 'the whole column and a field of it', messageIds: ['duplicate'] },
      { sql: 'CREATE TABLE events (id bigint, id text);', messageIds: ['duplicateName'] },
      { sql: 'CREATE VIEW totals (n, n) AS SELECT 1, 2;', messageIds: ['duplicateName'] },
    ],
    valid: [
      { sql: "UPDATE users SET status = 'a', name = 'b' WHERE id = 1;" },
      { sql: 'UPDATE accounts SET address.zip = 3, address.city = 4, tags[1] = 5, tags[2] = 6;', why: 'different fields or elements of one column' },
      { sql: 'UPDATE accounts SET "Status" = 1, status = 2;', why: 'a quoted upper-case name is another column' },
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

/** The column names a CREATE TABLE, CREATE FOREIGN TABLE or CREATE VIEW (column list) defines. */
function definedNames(node: Node): string[] {
  const create = nodeAs<CreateStmt>(node, 'CreateStmt') ?? nodeAs<{ base?: CreateStmt }>(node, 'CreateForeignTableStmt')?.base;
  if (create) return (create.tableElts ?? []).map((e) => nodeAs<ColumnDef>(e, 'ColumnDef')?.colname).filter((n): n is string => !!n);
  return stringList(nodeAs<ViewStmt>(node, 'ViewStmt')?.aliases);
}

function duplicates(names: readonly string[]): string[] {
  return names.filter((name, i) => names.indexOf(name) !== i);
}
