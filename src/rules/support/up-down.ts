/**
 * A migration's up statements with its down statements, wherever the down lives: the down
 * section of the same file (dbmate, goose) or the partner down file (golang-migrate, Flyway
 * undo, sqitch revert). Shared by the rollback rules.
 */
import type { CreateStmt, CreateTableAsStmt, SelectStmt } from '@pgsql/types';
import { nodeAs, relationName } from '../../core/ast.js';
import type { Statement } from '../../core/parse.js';
import type { AnalyzedFile, ChangeSet } from '../../core/rule.js';

/** The two halves of a migration, and where its down is (a path, or the file's down section). */
export interface UpAndDown {
  up: readonly Statement[];
  down: readonly Statement[];
  /** The file that holds the down statements. */
  downPath: string;
  /** How messages name the down: its path, or "(the down section of <path>)". */
  downName: string;
}

/** The up and down of an up file (or an up-down file), or undefined when it has no down to read. */
export function upAndDown(file: AnalyzedFile, changeSet: ChangeSet): UpAndDown | undefined {
  const { migration } = file;
  if (migration.role === 'up-down') {
    if (!migration.sections.some((s) => s.role === 'down')) return undefined;
    return {
      up: file.statements.filter((s) => s.section === 'up'),
      down: file.statements.filter((s) => s.section === 'down'),
      downPath: migration.path,
      downName: `(the down section of ${migration.path})`,
    };
  }
  if (migration.role !== 'up' || !migration.partner) return undefined;
  const partner = changeSet.byPath(migration.partner);
  // NOTE: no down at all is require-down-migration's finding, not the rollback rules'.
  if (!partner || partner.input.change === 'deleted') return undefined;
  return { up: file.statements, down: partner.statements, downPath: partner.migration.path, downName: partner.migration.path };
}

/** Tables a statement creates: CREATE TABLE, CREATE TABLE AS, SELECT ... INTO. */
export function tablesCreatedBy(statement: Statement): string[] {
  const create = nodeAs<CreateStmt>(statement.node, 'CreateStmt');
  if (create) return [relationName(create.relation)];
  const into = nodeAs<CreateTableAsStmt>(statement.node, 'CreateTableAsStmt')?.into?.rel ?? nodeAs<SelectStmt>(statement.node, 'SelectStmt')?.intoClause?.rel;
  return into ? [relationName(into)] : [];
}
