/**
 * Source text of parts of a statement, for fix texts that repeat the user's own SQL (a
 * CHECK expression, an index's column list). The statement's text is parsed again on its
 * own, so node locations count from the statement's first character.
 */
import type { Node } from '@pgsql/types';
import { parseSql } from '../../core/parse.js';
import { Utf8OffsetMap } from '../../core/source.js';

/** A statement's text parsed alone: its node, with a way to turn node locations into text offsets. */
export interface ReparsedStatement {
  node: Node;
  text: string;
  /** The text offset of a node location (a UTF-8 byte offset). */
  offset(location: number): number;
}

/** The statement text parsed alone, or undefined when it does not parse as one statement. */
export function reparse(text: string): ReparsedStatement | undefined {
  const parsed = parseSql(text);
  if (!parsed.ok || parsed.stmts.length !== 1 || !parsed.stmts[0]!.stmt) return undefined;
  const bytes = parsed.ascii ? undefined : new Utf8OffsetMap(text);
  return { node: parsed.stmts[0]!.stmt, text, offset: (location) => (bytes ? bytes.charOffset(location) : location) };
}

/**
 * The parenthesised text that starts at the first `(` at or after `from`, parentheses
 * included, skipping quoted strings and identifiers; undefined when unbalanced.
 */
function parenthesizedFrom(text: string, from: number): string | undefined {
  const open = text.indexOf('(', from);
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const char = text[i]!;
    if (char === "'" || char === '"') {
      const close = text.indexOf(char, i + 1);
      if (close < 0) return undefined;
      i = close;
    } else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return text.slice(open, i + 1);
  }
  return undefined;
}

/** The parenthesised expression of the CHECK whose constraint starts at `from` (at CONSTRAINT <name> or at CHECK). */
export function checkExpressionAt(text: string, from: number): string | undefined {
  const check = text.slice(from).search(/\bcheck\s*\(/i);
  return check < 0 ? undefined : parenthesizedFrom(text, from + check);
}

/** The first line of a fix's SQL steps: each migration that takes ACCESS EXCLUSIVE should fail fast rather than queue (require-lock-timeout). */
export const LOCK_TIMEOUT_STEP = "   SET lock_timeout = '2s';  -- in each of these migrations: fail fast instead of queueing behind long queries";
