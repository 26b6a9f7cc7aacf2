/**
 * Shared by the timeout rules (require-lock-timeout, require-statement-timeout): one finding
 * per scope that needs the setting, not one per statement. The scope is the explicit
 * transaction block (`SET LOCAL` covers it), otherwise the file's section (one `SET` at its
 * top covers every statement after it); the finding sits on the first statement that needs it.
 */
import type { Node } from '@pgsql/types';
import { nodeType } from '../../core/ast.js';
import type { SectionRole, Statement } from '../../core/parse.js';
import type { AnalyzedFile, StatementContext } from '../../core/rule.js';

/** Whether a statement needs the setting (ignoring whether it is set). */
export type NeedsSetting = (statement: Statement, context: Pick<StatementContext<string>, 'isNewTable' | 'changeSet' | 'file'>) => boolean;

/**
 * For one rule: whether an earlier statement of the current statement's scope already needed
 * the setting (so it carries the scope's finding).
 * NOTE: the statements that need it are listed once per file and change set
 * (ChangeSet.derived); asking each statement to scan the ones before it would be quadratic
 * in long files and transactions.
 */
export function scopeTracker(needs: NeedsSetting): (context: Pick<StatementContext<string>, 'state' | 'file' | 'statement' | 'isNewTable' | 'changeSet'>) => boolean {
  const needingByFile = () => new Map<AnalyzedFile, Map<SectionRole, number[]>>();
  return (context) => {
    const { state, file, statement, changeSet } = context;
    const known = changeSet.derived(needingByFile);
    let bySection = known.get(file);
    if (!bySection) {
      bySection = new Map();
      for (const s of file.statements) {
        if (!needs(s, context)) continue;
        const list = bySection.get(s.section);
        if (list) list.push(s.index);
        else bySection.set(s.section, [s.index]);
      }
      known.set(file, bySection);
    }
    const scopeStart = state.transaction === 'explicit' ? (state.firstTransactionStatement?.index ?? statement.index) : 0;
    const first = firstAtOrAfter(bySection.get(statement.section) ?? [], scopeStart);
    return first !== undefined && first < statement.index;
  };
}

/** The first number in an ascending list that is at least `from` (binary search). */
function firstAtOrAfter(sorted: readonly number[], from: number): number | undefined {
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < from) low = middle + 1;
    else high = middle;
  }
  return sorted[low];
}

/** Whether the statement's relations are indexes (DROP INDEX, ALTER INDEX, REINDEX INDEX), not tables. */
export function targetsIndex(node: Node): boolean {
  const kind = nodeType(node);
  const payload = (node as unknown as Record<string, { removeType?: string; objtype?: string; renameType?: string; kind?: string }>)[kind ?? '']!;
  return payload.removeType === 'OBJECT_INDEX' || payload.objtype === 'OBJECT_INDEX' || payload.renameType === 'OBJECT_INDEX' || payload.kind === 'REINDEX_OBJECT_INDEX';
}

/** `table users` or `index users_email_idx (and its table)`: what a lock is taken on, for messages. */
export function describeLocked(node: Node, relations: readonly string[]): string {
  const names = relations.join(', ');
  return targetsIndex(node) ? `index ${names} (and its table)` : names;
}
