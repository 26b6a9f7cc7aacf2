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

/** The up and down of an up file (or an up-down file), or undefined when it has no down to read (ChangeSet.downOf). */
export function upAndDown(file: AnalyzedFile, changeSet: ChangeSet): UpAndDown | undefined {
  // NOTE: no down at all is require-down-migration's finding, not the rollback rules'.
  const downFile = changeSet.downOf(file);
  if (!downFile) return undefined;
  if (downFile === file) {
    return {
      up: file.statements.filter((s) => s.section === 'up'),
      down: file.statements.filter((s) => s.section === 'down'),
      downPath: file.migration.path,
      downName: `(the down section of ${file.migration.path})`,
    };
  }
  return { up: file.statements, down: downFile.statements, downPath: downFile.migration.path, downName: downFile.migration.path };
}

/** Tables a statement creates: CREATE TABLE, CREATE TABLE AS, SELECT ... INTO. */
export function tablesCreatedBy(statement: Statement): string[] {
  const create = nodeAs<CreateStmt>(statement.node, 'CreateStmt');
  if (create) return [relationName(create.relation)];
  const into = nodeAs<CreateTableAsStmt>(statement.node, 'CreateTableAsStmt')?.into?.rel ?? nodeAs<SelectStmt>(statement.node, 'SelectStmt')?.intoClause?.rel;
  return into ? [relationName(into)] : [];
}
