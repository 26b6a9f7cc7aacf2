/**
 * The rerunnable concurrent index build both index rules ask for (prefer-robust-statements,
 * require-invalid-index-recovery): `DROP INDEX CONCURRENTLY IF EXISTS` of a leftover, then
 * the build.
 */
import { relationKey } from '../../core/ast.js';
import type { Statement } from '../../core/parse.js';
import type { AnalyzedFile, ChangeSet } from '../../core/rule.js';
import { dropTargets, unqualified } from './breaking-ast.js';

/**
 * The fix text of the rules that rebuild a concurrent index safely (`{{index}}` and
 * `{{rebuild}}` filled by the rule): drop a failed build's INVALID leftover, then build.
 */
export const REBUILD_FIX = [
  'Drop a leftover first, then build (the build in a migration of its own where the tool sends a whole file as one statement, e.g. golang-migrate):',
  '   DROP INDEX CONCURRENTLY IF EXISTS {{index|relation}};',
  'then:',
  '   {{rebuild}}',
].join('\n');

/**
 * The user's own CREATE INDEX statement, as the second line of the suggested rebuild: ended
 * with `;`, its continuation lines indented like the rest of the fix's SQL.
 */
export function rebuildStatement(statementText: string): string {
  return statementText.trim().replace(/;?$/, ';').split('\n').join('\n   ');
}

/**
 * Whether a DROP INDEX of `index` runs before `statement`: earlier in its file, or in the
 * migration just before it in the same directory (where a tool sends a whole file as one
 * statement, golang-migrate, the drop must be a migration of its own; after a failed build,
 * `migrate force` to the version before the drop and run up again).
 */
export function indexDroppedBefore(changeSet: ChangeSet, file: AnalyzedFile, statement: Statement, index: string): boolean {
  const dropsIn = changeSet.derived(firstIndexDrops);
  const first = dropsIn(file).get(relationKey(index));
  if (first !== undefined && first < statement.index) return true;
  const previous = changeSet.derived(previousMigrations).get(file);
  return previous !== undefined && dropsIn(previous).has(relationKey(index));
}

/**
 * For each file, read when first asked: for each index that a DROP INDEX names (relationKey,
 * schema dropped), the index of the first such statement. NOTE: once per file and change
 * set (ChangeSet.derived); searching the earlier statements for each CREATE INDEX was
 * quadratic (a 60,000-statement file: 0.9 s, bench/).
 */
function firstIndexDrops(): (file: AnalyzedFile) => Map<string, number> {
  const byFile = new Map<AnalyzedFile, Map<string, number>>();
  return (file) => {
    let drops = byFile.get(file);
    if (drops) return drops;
    drops = new Map();
    for (const s of file.statements) {
      for (const name of dropTargets(s.node, 'OBJECT_INDEX')?.names ?? []) {
        const key = relationKey(unqualified(name));
        if (!drops.has(key)) drops.set(key, s.index);
      }
    }
    byFile.set(file, drops);
    return drops;
  };
}

/** Each migration's predecessor in its directory (down files skipped), in migration order. */
function previousMigrations(changeSet: ChangeSet): Map<AnalyzedFile, AnalyzedFile> {
  const previous = new Map<AnalyzedFile, AnalyzedFile>();
  const lastInDirectory = new Map<string, AnalyzedFile>();
  for (const file of changeSet.files) {
    if (file.migration.role === 'down') continue;
    const directory = file.migration.path.slice(0, file.migration.path.lastIndexOf('/') + 1);
    const before = lastInDirectory.get(directory);
    if (before) previous.set(file, before);
    lastInDirectory.set(directory, file);
  }
  return previous;
}
