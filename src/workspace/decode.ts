/**
 * Turns a file's bytes into migration text, or says why it is not migration text: a binary
 * file (a NUL byte: SQL text never holds one, PostgreSQL rejects it in a query string), a
 * UTF-16 file, or bytes that are not valid UTF-8 (with the offset of the first bad byte).
 * Such a file is not checked: it becomes one blocking finding (InputFile.unread), never a
 * list of parse errors that echo its bytes to the terminal.
 */
import { isUtf8 } from 'node:buffer';

/** The text, or why the bytes are not read as text (a sentence for the finding). */
export type Decoded = { text: string; unread?: undefined } | { text: ''; unread: string };

const WHAT_TO_DO = 'save the migration as UTF-8 text, or exclude the file in the config if it is not a migration';

export function decodeMigrationBytes(bytes: Uint8Array): Decoded {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { text: '', unread: `UTF-16 text (it starts with a UTF-16 byte order mark); ${WHAT_TO_DO}` };
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { text: '', unread: `not a text file (a NUL byte at byte offset ${nul}); ${WHAT_TO_DO}` };
  const bad = firstInvalidUtf8(bytes);
  if (bad !== -1) {
    const line = countNewlines(bytes, bad) + 1;
    const byte = bytes[bad]!.toString(16).toUpperCase().padStart(2, '0');
    return { text: '', unread: `not valid UTF-8 at byte offset ${bad} (line ${line}, byte 0x${byte}); ${WHAT_TO_DO}` };
  }
  return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') };
}

/**
 * The offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or -1.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  // NOTE: the whole file is usually valid; Buffer.isUtf8 answers that in native code.
  if (isUtf8(bytes)) return -1;
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    // The allowed range of the second byte depends on the lead byte (RFC 3629, section 4).
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined) return i;
      if (k === 1 ? next < low || next > high : next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < end; i = bytes.indexOf(0x0a, i + 1)) count++;
  return count;
}
