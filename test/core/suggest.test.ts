/**
 * "Did you mean" (src/core/suggest.ts): the closest candidate by edit distance, offered only
 * within two edits or a third of what was typed.
 */
import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../src/core/suggest.js';

describe('didYouMean', () => {
  it('offers the closest candidate, the first of equally close ones', () => {
    expect(didYouMean('ban-drop-colum', ['ban-drop-table', 'ban-drop-column'])).toBe(' (did you mean "ban-drop-column"?)');
    expect(didYouMean('ab', ['ax', 'ay'])).toBe(' (did you mean "ax"?)');
    expect(didYouMean('x', ['xyz', 'xy'])).toBe(' (did you mean "xy"?)');
  });

  it('counts insertions, deletions and substitutions', () => {
    expect(didYouMean('abcdef', ['abdef'])).toBe(' (did you mean "abdef"?)');
    expect(didYouMean('abcdef', ['abcxdef'])).toBe(' (did you mean "abcxdef"?)');
    expect(didYouMean('abcdef', ['abxdef'])).toBe(' (did you mean "abxdef"?)');
    expect(didYouMean('', ['ab'])).toBe(' (did you mean "ab"?)');
    expect(didYouMean('abc', [''])).toBe('');
  });

  it('offers nothing beyond two edits, or a third of a long name', () => {
    expect(didYouMean('abcd', ['abxy'])).toBe(' (did you mean "abxy"?)');
    expect(didYouMean('abcd', ['axyz'])).toBe('');
    expect(didYouMean('abcdefghi', ['abcxyzghi'])).toBe(' (did you mean "abcxyzghi"?)');
    expect(didYouMean('abcdefghi', ['abwxyzghi'])).toBe('');
    expect(didYouMean('abc', [])).toBe('');
  });
});
