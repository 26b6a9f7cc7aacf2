/**
 * Ignore comments:
 *   -- migration-guard:ignore ban-drop-column reason: phase 3 of the email rename (#123)
 *   -- migration-guard:ignore-file require-lock-timeout reason: runs in a maintenance window
 * `ignore` covers the next statement after the comment line; `ignore-file` the whole file.
 * A reason is mandatory: without one the comment suppresses nothing and is reported.
 */
import type { Finding } from './finding.js';
import type { Statement } from './parse.js';
import type { LineIndex } from './source.js';

export const IGNORE_ALL = 'all';

/** One ignore comment found in a file. */
export interface IgnoreComment {
  scope: 'statement' | 'file';
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

export function findIgnoreComments(lines: LineIndex): IgnoreComment[] {
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

/**
 * Marks findings covered by a valid ignore comment (one with a reason) as suppressed and
 * counts the use on the comment. Findings of rules in `unsuppressible` are left alone.
 */
export function applySuppressions(
  findings: Finding[],
  ignores: IgnoreComment[],
  statements: readonly Statement[],
  unsuppressible: ReadonlySet<string>,
): void {
  const valid = ignores.filter((ignore) => ignore.reason !== '');
  if (valid.length === 0) return;
  const targets = new Map<IgnoreComment, Statement | undefined>();
  for (const ignore of valid) {
    if (ignore.scope === 'statement') targets.set(ignore, statementAfter(statements, ignore));
  }
  for (const finding of findings) {
    if (finding.suppression || unsuppressible.has(finding.ruleId)) continue;
    for (const ignore of valid) {
      if (!ignore.rules.includes(finding.ruleId) && !ignore.rules.includes(IGNORE_ALL)) continue;
      if (ignore.scope === 'statement') {
        const target = targets.get(ignore);
        if (!target || finding.span.startOffset < target.span.startOffset || finding.span.startOffset >= target.span.endOffset + 1) continue;
      }
      finding.suppression = { kind: ignore.scope === 'file' ? 'file' : 'inline', reason: ignore.reason, line: ignore.line };
      ignore.used++;
      break;
    }
  }
}

/** The statement an inline ignore covers: the first one that starts after the comment. */
function statementAfter(statements: readonly Statement[], ignore: IgnoreComment): Statement | undefined {
  // NOTE: a trailing comment on the statement's own first line also covers it.
  return statements.find((s) => s.span.startOffset >= ignore.endOffset || (s.span.start.line === ignore.line && s.span.startOffset < ignore.startOffset));
}
