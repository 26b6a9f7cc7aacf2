/** src/workspace/decode.ts: which bytes are migration text, and where the first bad byte is. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMigrationBytes, firstInvalidUtf8 } from '../../src/workspace/decode.js';

const strict = new TextDecoder('utf-8', { fatal: true });
const isValid = (bytes: Uint8Array) => {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

describe('firstInvalidUtf8', () => {
  it('agrees with a strict UTF-8 decoder, and the bytes before the offset decode', () => {
    // NOTE: bytes near the multi-byte boundaries make malformed sequences likely.
    const byte = fc.oneof(fc.integer({ min: 0x20, max: 0x7f }), fc.integer({ min: 0x80, max: 0xff }), fc.constantFrom(0xc0, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0x80, 0xbf, 0x9f, 0xa0, 0x8f, 0x90));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 24 }), (values) => {
        const bytes = Uint8Array.from(values);
        const offset = firstInvalidUtf8(bytes);
        expect(offset === -1).toBe(isValid(bytes));
        if (offset !== -1) {
          expect(isValid(bytes.subarray(0, offset))).toBe(true);
          expect(isValid(bytes.subarray(0, offset + 1))).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts every code point written as UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(firstInvalidUtf8(new TextEncoder().encode(text))).toBe(-1);
      }),
    );
  });
});

describe('decodeMigrationBytes', () => {
  it('reads UTF-8 text as it is', () => {
    expect(decodeMigrationBytes(new TextEncoder().encode('SELECT \'café\';\n'))).toEqual({ text: 'SELECT \'café\';\n' });
  });

  it('names a NUL byte, UTF-16 and invalid UTF-8, with where', () => {
    expect(decodeMigrationBytes(Uint8Array.from([0x41, 0x0a, 0x00]))).toEqual({ text: '', unread: expect.stringMatching(/^not a text file \(a NUL byte at byte offset 2\)/) });
    expect(decodeMigrationBytes(Uint8Array.from([0xff, 0xfe, 0x41, 0x00]))).toEqual({ text: '', unread: expect.stringMatching(/^UTF-16 text/) });
    expect(decodeMigrationBytes(Uint8Array.from([0x41, 0x0a, 0x0a, 0xc3, 0x28]))).toEqual({ text: '', unread: expect.stringMatching(/^not valid UTF-8 at byte offset 3 \(line 3, byte 0xC3\)/) });
  });
});
