/**
 * The input and report limits' messages (src/core/limits.ts): how a long statement is cut in
 * a finding and how a file over the size limit is described. test/fuzz/large-input.test.ts
 * checks the same limits end to end on generated files.
 */
import { describe, expect, it } from 'vitest';
import { fileTooLargeMessage, findingStatementText, formatBytes, LIMITS } from '../../src/core/limits.js';

describe('findingStatementText', () => {
  const cap = LIMITS.findingStatementChars;

  it('keeps a statement up to the limit whole', () => {
    const text = 'x'.repeat(cap);
    expect(findingStatementText(text)).toBe(text);
  });

  it('cuts a longer one at the limit and says how long it was', () => {
    const text = 'y'.repeat(cap + 1_000);
    expect(findingStatementText(text)).toBe(`${'y'.repeat(cap)}\n-- [cut by migration-guard: the statement has ${(cap + 1_000).toLocaleString('en-US')} characters]`);
  });

  it('never cuts between the two halves of a surrogate pair', () => {
    const text = `${'z'.repeat(cap - 1)}😀${'z'.repeat(10)}`;
    expect(findingStatementText(text).startsWith(`${'z'.repeat(cap - 1)}\n-- [cut`)).toBe(true);
    const after = `${'z'.repeat(cap - 2)}😀${'z'.repeat(10)}`;
    expect(findingStatementText(after).startsWith(`${'z'.repeat(cap - 2)}😀\n-- [cut`)).toBe(true);
  });
});

describe('file size messages', () => {
  it('formats sizes in MB with one decimal', () => {
    expect(formatBytes(LIMITS.fileBytes)).toBe('16.0 MB');
    expect(formatBytes(50 * 1024 * 1024 + 200 * 1024)).toBe('50.2 MB');
  });

  it('names the size, the limit and what to do', () => {
    expect(fileTooLargeMessage(50 * 1024 * 1024)).toBe(
      'the file is 50.0 MB, over the limit of 16.0 MB per file, and was not read; split it into smaller migrations, or exclude it in the config if it is not a migration',
    );
  });

  it('gives the size in bytes when it would print as the limit', () => {
    expect(fileTooLargeMessage(LIMITS.fileBytes + 1)).toMatch(/^the file is 16,777,217 bytes, over the limit of 16\.0 MB per file/);
  });
});
