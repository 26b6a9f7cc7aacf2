/**
 * Shared by the timeout rules (require-lock-timeout, require-statement-timeout): one finding
 * per scope that needs the setting, not one per statement. The scope is the explicit
 * transaction block (`SET LOCAL` covers it), otherwise the file's section (one `SET` at its
 * top covers every statement after it); the finding sits on the first statement that needs it.
 */
import type { Node } from '@pgsql/types';
import { nodeType } from '../../core/ast.js';
import type { SectionRole } from '../../core/parse.js';
import type { AnalyzedFile, StatementContext } from '../../core/rule.js';

/** The statements of one file section that needed the setting, as far as the rule has read it. */
interface SectionNeeds {
  /** Their indexes, ascending. */
  needing: number[];
  /** The index of the last statement recorded (-1 before the first). */
  recordedUpTo: number;
}

/**
 * For one rule: whether an earlier statement of the current statement's scope already needed
 * the setting (so it carries the scope's finding). The rule must ask at every statement, in
 * order, before any early return, saying whether that statement needs the setting (ignoring
 * whether it is set): each statement is recorded when it is reached.
 * NOTE: recorded as the statements are reached, not by a scan of the file ahead: whether a
 * table is new (isNewTable) grows as the file creates tables, so a statement judged at a later
 * statement's context would see tables created after it as new (an ALTER of an existing table
 * before `CREATE TABLE drafts` in another transaction block, judged from that block, hid the
 * block's finding). The lists are kept per file and change set (ChangeSet.derived); asking
 * each statement to scan the ones before it would be quadratic in long files and transactions.
 */
export function scopeTracker(): (context: Pick<StatementContext<string>, 'state' | 'file' | 'statement' | 'changeSet'>, needsSetting: boolean) => boolean {
  const needsByFile = () => new Map<AnalyzedFile, Map<SectionRole, SectionNeeds>>();
  return ({ state, file, statement, changeSet }, needsSetting) => {
    const known = changeSet.derived(needsByFile);
    const bySection = known.get(file) ?? new Map<SectionRole, SectionNeeds>();
    known.set(file, bySection);
    const section = bySection.get(statement.section) ?? { needing: [], recordedUpTo: -1 };
    bySection.set(statement.section, section);
    const scopeStart = state.transaction === 'explicit' ? (state.firstTransactionStatement?.index ?? statement.index) : 0;
    const first = firstAtOrAfter(section.needing, scopeStart);
    if (statement.index > section.recordedUpTo) {
      section.recordedUpTo = statement.index;
      if (needsSetting) section.needing.push(statement.index);
    }
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
