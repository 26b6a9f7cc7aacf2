/**
 * Source text positions. libpg-query reports UTF-8 byte offsets; editors, GitHub and our
 * reports use 1-based lines and columns. This is the one place that converts between them.
 */

/** A 1-based line and column; the column counts UTF-16 code units, as editors and GitHub do. */
export interface Position {
  line: number;
  column: number;
}

/** A half-open range of a source file, as character offsets and as positions. */
export interface Span {
  /** Offset of the first character (0-based, UTF-16 code units). */
  startOffset: number;
  /** Offset one past the last character. */
  endOffset: number;
  start: Position;
  /** Position of the last character (inclusive), so a one-line span has start.line === end.line. */
  end: Position;
}

/** Maps character offsets of one text to lines and columns. CRLF and LF both end a line. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: clamped - this.lineStarts[low]! + 1 };
  }

  /** The text of a 1-based line without its line terminator (\n or \r\n). */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.lineStarts[line];
    const raw = this.text.slice(start, next === undefined ? undefined : next - 1);
    return raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  }

  /** The offset where a 1-based line starts. */
  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line - 1, this.lineStarts.length - 1))]!;
  }

  span(startOffset: number, endOffset: number): Span {
    const end = Math.max(startOffset, endOffset);
    return {
      startOffset,
      endOffset: end,
      start: this.positionAt(startOffset),
      end: this.positionAt(end > startOffset ? end - 1 : startOffset),
    };
  }
}

/**
 * Converts UTF-8 byte offsets of a string into character (UTF-16) offsets.
 * NOTE: only non-ASCII characters are recorded, so an ASCII text costs nothing and a
 * large mostly-ASCII file needs memory in proportion to its non-ASCII characters.
 */
export class Utf8OffsetMap {
  /** Byte offset where each non-ASCII character starts. */
  private readonly byteStarts: number[] = [];
  /** Bytes minus UTF-16 units, summed over the non-ASCII characters up to and including this one. */
  private readonly extraBytes: number[] = [];

  constructor(text: string) {
    let extra = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x80) continue;
      const byteStart = i + extra;
      let width: number;
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          width = 4 - 2; // four bytes, two UTF-16 units
          i++;
        } else width = 3 - 1; // lone surrogate: encoded as U+FFFD
      } else width = (code < 0x800 ? 2 : 3) - 1;
      extra += width;
      this.byteStarts.push(byteStart);
      this.extraBytes.push(extra);
    }
  }

  /** The character offset of a byte offset (offsets inside a character round down to it). */
  charOffset(byteOffset: number): number {
    let low = 0;
    let high = this.byteStarts.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.byteStarts[mid]! < byteOffset) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found === -1 ? byteOffset : byteOffset - this.extraBytes[found]!;
  }
}
