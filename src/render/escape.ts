/**
 * Escaping for text that users control (file names, SQL, table names, reasons) when it is
 * written into a PR comment or job summary: no Markdown or HTML injection, no broken
 * tables, no @-mentions of users or teams, no closing of our hidden markers.
 */

/** Inline text: Markdown and HTML special characters escaped, mentions defused, one line. */
export function escapeInline(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+!|~]/g, (c) => `\\${c}`)
    .replace(/@(?=[\w-])/g, '@\u200b');
}

/**
 * Breaks HTML comment delimiters with a zero-width space: inside code they render as typed,
 * but the raw comment body no longer holds `<!--` or `-->` from user text.
 */
function breakCommentDelimiters(text: string): string {
  return text.replace(/<!--/g, '<!\u200b--').replace(/-->/g, '--\u200b>');
}

/**
 * A code span that no backtick inside can close. In a table cell (`inTable`), `|` is written
 * `\|`: GitHub's tables take an escaped pipe as part of the cell, inside code spans too, and
 * show `|`, so the SQL stays copy-pastable (GFM spec, "Tables": escaped pipes). NOTE: a
 * backslash right before a pipe would turn that escape into an escaped backslash; such text
 * keeps the look-alike `∣` (U+2223) instead.
 */
export function codeSpan(text: string, max = 120, inTable = false): string {
  const line = text.replace(/\r?\n\s*/g, ' ');
  const pipes = !inTable ? line : line.includes('\\|') ? line.replace(/\|/g, '\u2223') : line.replace(/\|/g, '\\|');
  let value = breakCommentDelimiters(pipes);
  if (value.length > max) value = `${value.slice(0, max - 1)}…`;
  const longest = Math.max(0, ...[...value.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

/** A fenced code block that no line inside can close. */
export function codeBlock(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`{3,}|~{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${breakCommentDelimiters(text)}\n${fence}`;
}
