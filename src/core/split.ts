/**
 * A small SQL lexer that finds statement boundaries (top-level semicolons) without parsing.
 * Used only to recover after a parse error, so that one bad statement does not hide the
 * findings of the others: it knows quotes, dollar quotes and comments, nothing else.
 */

/** A region of text that ends at a top-level semicolon (or the end of the text). */
export interface Chunk {
  start: number;
  end: number;
}

export function splitStatements(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '-' && text[i + 1] === '-') {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? n : eol + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      i = skipBlockComment(text, i);
    } else if (c === "'" || c === '"') {
      i = skipQuoted(text, i, c, c === "'" && isEscapeStringPrefix(text, i));
    } else if (c === '$') {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 64));
      if (tag && !/[\w$]/.test(text[i - 1] ?? '')) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? n : close + tag[0].length;
      } else i++;
    } else if (c === ';') {
      chunks.push({ start, end: i + 1 });
      start = i + 1;
      i++;
    } else i++;
  }
  if (text.slice(start).trim() !== '') chunks.push({ start, end: n });
  return chunks;
}

function skipBlockComment(text: string, from: number): number {
  // NOTE: Postgres block comments nest.
  let depth = 0;
  let i = from;
  while (i < text.length) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return text.length;
}

function isEscapeStringPrefix(text: string, quoteAt: number): boolean {
  const prev = text[quoteAt - 1];
  return (prev === 'E' || prev === 'e') && !/\w/.test(text[quoteAt - 2] ?? '');
}

function skipQuoted(text: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < text.length) {
    const c = text[i];
    if (backslashEscapes && c === '\\') i += 2;
    else if (c === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}

/** Offset of the first character at or after `from` that is not white space or a comment. */
export function skipTrivia(text: string, from: number, to = text.length): number {
  let i = from;
  while (i < to) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') i++;
    else if (c === '-' && text[i + 1] === '-') {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? to : eol + 1;
    } else if (c === '/' && text[i + 1] === '*') i = skipBlockComment(text, i);
    else break;
  }
  return Math.min(i, to);
}
