/**
 * Objects other than tables, columns, schemas and indexes that running code names: views,
 * sequences, types, functions. Their names in DROP, RENAME and SET SCHEMA statements, and
 * whether the change created one earlier, in the same file or an earlier one (so no running
 * code knows it yet).
 */
import type { CompositeTypeStmt, CreateFunctionStmt, CreateSeqStmt, CreateStmt, CreateTableAsStmt, Node, RenameStmt, ViewStmt } from '@pgsql/types';
import { nodeAs, nodeType, qualifiedName, relationKey, relationName, stringList } from '../../core/ast.js';
import type { Statement } from '../../core/parse.js';
import type { StatementContext } from '../../core/rule.js';
import { newMigrationFacts } from './statement-facts.js';
import { laterInTransaction } from './transaction.js';

/** Where Postgres keeps the name: relations (pg_class), types (pg_type), routines (pg_proc) or schemas (pg_namespace). */
export type NameSpace = 'relation' | 'type' | 'routine' | 'schema';

/** An object kind of the parse tree (`OBJECT_VIEW`), with a word for messages and its name space. */
export interface CodeObjectKind {
  word: string;
  space: NameSpace;
}

/** The kinds whose drop or rename breaks code that names them, and that no other rule covers. */
export const CODE_OBJECT_KINDS: Readonly<Record<string, CodeObjectKind>> = {
  OBJECT_VIEW: { word: 'view', space: 'relation' },
  OBJECT_MATVIEW: { word: 'materialized view', space: 'relation' },
  OBJECT_SEQUENCE: { word: 'sequence', space: 'relation' },
  OBJECT_FOREIGN_TABLE: { word: 'foreign table', space: 'relation' },
  OBJECT_TYPE: { word: 'type', space: 'type' },
  OBJECT_DOMAIN: { word: 'domain', space: 'type' },
  OBJECT_FUNCTION: { word: 'function', space: 'routine' },
  OBJECT_PROCEDURE: { word: 'procedure', space: 'routine' },
  OBJECT_ROUTINE: { word: 'routine', space: 'routine' },
  OBJECT_AGGREGATE: { word: 'aggregate', space: 'routine' },
};

/** The name of a non-relation object: a qualified name list, or a function with arguments (without them). */
export function objectName(object: Node | undefined): string {
  const withArgs = nodeAs<{ objname?: Node[] }>(object, 'ObjectWithArgs');
  if (withArgs) return qualifiedName(withArgs.objname);
  const list = nodeAs<{ items?: Node[] }>(object, 'List');
  if (list) return stringList(list.items).join('.');
  const typeName = nodeAs<{ names?: Node[] }>(object, 'TypeName');
  if (typeName) return qualifiedName(typeName.names);
  return stringList(object ? [object] : []).join('.') || '?';
}

/** What a rename statement renames, when it is a code object: its kind, old name and new name. */
export function renamedCodeObject(node: Node): { kind: CodeObjectKind; name: string; newName: string } | undefined {
  const rename = nodeAs<RenameStmt>(node, 'RenameStmt');
  const kind = CODE_OBJECT_KINDS[rename?.renameType ?? ''];
  if (!rename || !kind || !rename.newname) return undefined;
  return { kind, name: rename.relation ? relationName(rename.relation) : objectName(rename.object), newName: rename.newname };
}

/** The names (in a name space) a statement brings into existence: CREATE ..., or RENAME ... TO. */
function createdNames(node: Node): Array<{ space: NameSpace; name: string }> {
  const view = nodeAs<ViewStmt>(node, 'ViewStmt')?.view;
  if (view) return [{ space: 'relation', name: relationName(view) }];
  const relation =
    nodeAs<CreateStmt>(node, 'CreateStmt')?.relation ??
    nodeAs<{ base?: CreateStmt }>(node, 'CreateForeignTableStmt')?.base?.relation ??
    nodeAs<CreateTableAsStmt>(node, 'CreateTableAsStmt')?.into?.rel ??
    nodeAs<CreateSeqStmt>(node, 'CreateSeqStmt')?.sequence;
  if (relation) return [{ space: 'relation', name: relationName(relation) }];
  const typeNames = nodeAs<{ typeName?: Node[] }>(node, 'CreateEnumStmt')?.typeName ?? nodeAs<{ typeName?: Node[] }>(node, 'CreateRangeStmt')?.typeName ?? nodeAs<{ domainname?: Node[] }>(node, 'CreateDomainStmt')?.domainname;
  if (typeNames) return [{ space: 'type', name: qualifiedName(typeNames) }];
  const composite = nodeAs<CompositeTypeStmt>(node, 'CompositeTypeStmt')?.typevar;
  if (composite) return [{ space: 'type', name: relationName(composite) }];
  const routine = nodeAs<CreateFunctionStmt>(node, 'CreateFunctionStmt')?.funcname;
  if (routine) return [{ space: 'routine', name: qualifiedName(routine) }];
  const createdSchema = nodeAs<{ schemaname?: string }>(node, 'CreateSchemaStmt')?.schemaname;
  if (createdSchema) return [{ space: 'schema', name: createdSchema }];
  const renamed = renamedCodeObject(node);
  if (!renamed) return [];
  const schema = renamed.name.includes('.') ? `${renamed.name.slice(0, renamed.name.lastIndexOf('.'))}.` : '';
  return [{ space: renamed.kind.space, name: `${schema}${renamed.newName}` }];
}

/** Whether `statement` creates (or renames something to) `name` in the name space. */
function createsName(statement: Statement, space: NameSpace, name: string): boolean {
  return createdNames(statement.node).some((created) => created.space === space && relationKey(created.name) === relationKey(name));
}

/**
 * Whether the change created `name` before `statement`: a statement before it in its file
 * (same section), or the up section of an earlier new migration of the change (see
 * newMigrationFacts). Such an object is new: no running code knows it.
 */
export function createdInChange(context: Pick<StatementContext<string>, 'statement' | 'file' | 'changeSet'>, space: NameSpace, name: string): boolean {
  const { statement, file, changeSet } = context;
  if (file.statements.some((earlier) => earlier.index < statement.index && earlier.section === statement.section && createsName(earlier, space, name))) return true;
  return createdNameFacts(changeSet, file).stateBefore(file, statement, `${space}\0${relationKey(name)}`);
}

/** The names the new migrations create, in migration order. */
const createdNameFacts = newMigrationFacts<true, boolean>(
  (statement, record) => {
    // NOTE: CREATE OR REPLACE (or IF NOT EXISTS) may meet an object running code already uses: only a plain CREATE proves it new.
    const create = nodeAs<{ replace?: boolean; if_not_exists?: boolean }>(statement.node, nodeType(statement.node) ?? '');
    if (create?.replace || create?.if_not_exists) return;
    for (const created of createdNames(statement.node)) record(`${created.space}\0${relationKey(created.name)}`, true);
  },
  { initial: false, step: () => true },
);

/**
 * Whether dropping or renaming `name` cannot hurt running code: the change created it (no
 * deployed code knows it yet), or a later statement of the same transaction re-creates it
 * (other sessions never see it missing: Postgres shows a transaction's changes at commit).
 */
export function hiddenFromRunningCode(context: Pick<StatementContext<string>, 'statement' | 'state' | 'file' | 'isNewTable' | 'changeSet'>, space: NameSpace, name: string): boolean {
  const { statement, state, file, isNewTable } = context;
  if ((space === 'relation' && isNewTable(name)) || createdInChange(context, space, name)) return true;
  // NOTE: a file sent as one simple query (golang-migrate, Prisma) runs as one implicit
  // transaction when it holds several statements: the state says so (TransactionTracker.forSection).
  return state.inTransaction && laterInTransaction(file.statements, statement.index, (later) => createsName(later, space, name));
}
