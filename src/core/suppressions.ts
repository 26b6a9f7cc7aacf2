/**
 * Ignore comments:
 *   -- migration-guard:ignore ban-drop-column reason: phase 3 of the email rename (#123)
 *   -- migration-guard:ignore-file require-lock-timeout reason: runs in a maintenance window
 * `ignore` covers the next statement after the comment line; `ignore-file` the whole file.
 * A reason is mandatory: without one the comment suppresses nothing and is reported.
 * With `squawk-ignores: true` in the config, squawk's comments count too (squawk.ts):
 *   -- squawk-ignore ban-drop-column, renaming-column
 *   -- squawk-ignore-file            (every rule)
 */
import type { Finding } from './finding.js';
import type { Statement } from './parse.js';
import type { LineIndex } from './source.js';
import { fromSquawkRules } from './squawk.js';
import { didYouMean } from './suggest.js';

export const IGNORE_ALL = 'all';

/** One ignore comment found in a file. */
export interface IgnoreComment {
  scope: 'statement' | 'file';
  /** Whose comment syntax: ours, or squawk's (rules already mapped to ours). */
  syntax: 'migration-guard' | 'squawk';
  /** Rule ids as written (may include unknown ids, or `all`). */
  rules: string[];
  /** Empty when missing. */
  reason: string;
  /** 1-based line of the comment. */
  line: number;
  /** Column where the comment starts. */
  column: number;
  /** Character span of the comment. */
  startOffset: number;
  endOffset: number;
  /** How many findings it suppressed (filled in by applySuppressions). */
  used: number;
}

const IGNORE_PATTERN = /--\s*migration-guard:(ignore-file|ignore)\b([^\n]*)/g;
const SQUAWK_IGNORE_PATTERN = /--\s*squawk-(ignore-file|ignore)(?![\w-])([^\n]*)/g;

/** A squawk comment carries no reason; the suppression names where it came from instead. */
export const SQUAWK_REASON = 'squawk-ignore comment (honoured by squawk-ignores: true)';

/** Which comment syntaxes to read besides ours. */
export interface IgnoreSyntaxes {
  /** squawk's `-- squawk-ignore` / `-- squawk-ignore-file` (config key `squawk-ignores`). */
  squawk?: boolean;
}

export function findIgnoreComments(lines: LineIndex, syntaxes: IgnoreSyntaxes = {}): IgnoreComment[] {
  const comments = [...ownComments(lines), ...(syntaxes.squawk ? squawkComments(lines) : [])];
  return comments.sort((a, b) => a.startOffset - b.startOffset);
}

/** `-- squawk-ignore[-file] [RULES]`: rules separated by commas or spaces; none in a file comment means all. */
function squawkComments(lines: LineIndex): IgnoreComment[] {
  const text = lines.text;
  if (!text.includes('squawk-ignore')) return [];
  return [...text.matchAll(SQUAWK_IGNORE_PATTERN)].map((match) => {
    const scope = match[1] === 'ignore-file' ? 'file' : 'statement';
    const names = match[2]!.replace(/\r$/, '').split(/[\s,]+/).filter(Boolean);
    const position = lines.positionAt(match.index);
    return {
      scope,
      syntax: 'squawk',
      rules: names.length === 0 && scope === 'file' ? [IGNORE_ALL] : fromSquawkRules(names),
      reason: SQUAWK_REASON,
      line: position.line,
      column: position.column,
      startOffset: match.index,
      endOffset: match.index + match[0].length,
      used: 0,
    };
  });
}

function ownComments(lines: LineIndex): IgnoreComment[] {
  const text = lines.text;
  if (!text.includes('migration-guard:')) return [];
  const comments: IgnoreComment[] = [];
  for (const match of text.matchAll(IGNORE_PATTERN)) {
    const body = match[2]!.replace(/\r$/, '');
    const reasonAt = body.search(/\breason\s*:/i);
    const ruleText = reasonAt === -1 ? body : body.slice(0, reasonAt);
    const reason = reasonAt === -1 ? '' : body.slice(reasonAt).replace(/^reason\s*:/i, '').trim();
    const position = lines.positionAt(match.index);
    comments.push({
      scope: match[1] === 'ignore-file' ? 'file' : 'statement',
      syntax: 'migration-guard',
      rules: ruleText.split(/[\s,]+/).filter(Boolean),
      reason,
      line: position.line,
      column: position.column,
      startOffset: match.index,
      endOffset: match.index + match[0].length,
      used: 0,
    });
  }
  return comments;
}

/** The rule names in an ignore comment that are not rules, each with a "did you mean" ('' when nothing is close). */
export function unknownRules(ignore: IgnoreComment, knownRuleIds: readonly string[]): Array<{ name: string; suggestion: string }> {
  return ignore.rules.filter((name) => name !== IGNORE_ALL && !knownRuleIds.includes(name)).map((name) => ({ name, suggestion: didYouMean(name, knownRuleIds) }));
}

/**
 * Marks findings covered by a valid ignore comment (one with a reason) as suppressed and
 * counts the use on the comment. Findings of rules in `unsuppressible` are left alone.
 * When several comments cover a finding, the first in the file takes it.
 */
export function applySuppressions(
  findings: Finding[],
  ignores: IgnoreComment[],
  statements: readonly Statement[],
  unsuppressible: ReadonlySet<string>,
): void {
  const valid = ignores.filter((ignore) => ignore.reason !== '');
  if (valid.length === 0) return;
  const coveringIgnores = coverage(valid, statements);
  for (const finding of findings) {
    if (finding.suppression || unsuppressible.has(finding.ruleId)) continue;
    const ignore = coveringIgnores(finding.span.startOffset).find((i) => i.rules.includes(finding.ruleId) || i.rules.includes(IGNORE_ALL));
    if (!ignore) continue;
    finding.suppression = { kind: ignore.scope === 'file' ? 'file' : 'inline', reason: ignore.reason, line: ignore.line };
    ignore.used++;
  }
}

/**
 * For an offset, the ignores that cover it, in the order of `valid`: the file-wide ones, and
 * the inline ones whose statement contains it (from its start to one past its end).
 * NOTE: indexed by statement; checking every comment for every finding, and searching the
 * statements for every comment, would be quadratic in a file of many ignored statements.
 */
function coverage(valid: readonly IgnoreComment[], statements: readonly Statement[]): (offset: number) => readonly IgnoreComment[] {
  const fileWide = valid.filter((ignore) => ignore.scope === 'file');
  const byOffset = [...statements].sort((a, b) => a.span.startOffset - b.span.startOffset);
  const byTarget = new Map<Statement, IgnoreComment[]>();
  for (const ignore of valid) {
    if (ignore.scope !== 'statement') continue;
    const target = statementAfter(byOffset, ignore);
    if (!target) continue;
    const known = byTarget.get(target);
    if (known) known.push(ignore);
    else byTarget.set(target, [ignore]);
  }
  const targets = [...byTarget.keys()].sort((a, b) => a.span.startOffset - b.span.startOffset);
  const order = new Map(valid.map((ignore, i) => [ignore, i]));
  return (offset) => {
    const covering: IgnoreComment[] = [];
    // NOTE: statements do not overlap, so those containing the offset are the last ones starting at or before it.
    for (let i = firstIndex(targets, (t) => t.span.startOffset > offset) - 1; i >= 0 && offset < targets[i]!.span.endOffset + 1; i--) covering.push(...byTarget.get(targets[i]!)!);
    if (covering.length === 0) return fileWide;
    return [...fileWide, ...covering].sort((a, b) => order.get(a)! - order.get(b)!);
  };
}

/** The statement an inline ignore covers: the first one (of `byOffset`, sorted by start) that starts after the comment. */
function statementAfter(byOffset: readonly Statement[], ignore: IgnoreComment): Statement | undefined {
  let first = firstIndex(byOffset, (s) => s.span.startOffset >= ignore.endOffset);
  // NOTE: a trailing comment on the statement's own first line also covers it.
  for (let i = first - 1; i >= 0 && byOffset[i]!.span.start.line === ignore.line; i--) {
    if (byOffset[i]!.span.startOffset < ignore.startOffset) first = i;
  }
  return byOffset[first];
}

/** The index of the first item for which `after` holds (`items.length` if none); `after` must hold for a suffix of `items`. */
function firstIndex<T>(items: readonly T[], after: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (after(items[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}
