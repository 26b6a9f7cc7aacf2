/** Lines of a source text and UTF-8 byte offsets (src/core/source.ts). */
import { describe, expect, it } from 'vitest';
import { LineIndex, Utf8OffsetMap } from '../../src/core/source.js';

describe('LineIndex.lineText', () => {
  it('gives each line without \\n or \\r\\n, the last line included', () => {
    const lines = new LineIndex('first\r\nsecond\nthird\r');
    expect([1, 2, 3].map((line) => lines.lineText(line))).toEqual(['first', 'second', 'third']);
    expect(new LineIndex('a\nb').lineText(2)).toBe('b');
  });

  it('gives an empty text for a line the text does not have', () => {
    const lines = new LineIndex('a\nb');
    expect(lines.lineText(3)).toBe('');
    expect(lines.lineText(0)).toBe('');
  });
});

describe('Utf8OffsetMap.charOffset', () => {
  it('maps the UTF-8 byte offset of each character back to its offset, lone surrogates taken as U+FFFD (as TextEncoder writes them)', () => {
    const text = 'aé€😀\uD800b\uDC00c\uD800';
    const map = new Utf8OffsetMap(text);
    const encoder = new TextEncoder();
    // Character starts: a surrogate pair is one character (its low half has no start of its own).
    const starts = [0, 1, 2, 3, 5, 6, 7, 8, 9];
    expect(starts.map((i) => map.charOffset(encoder.encode(text.slice(0, i)).length))).toEqual(starts);
    expect(map.charOffset(encoder.encode(text).length)).toBe(text.length);
  });
});
