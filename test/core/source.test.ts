/** Lines of a source text (src/core/source.ts): the text of each line, without its terminator. */
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/core/source.js';

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
