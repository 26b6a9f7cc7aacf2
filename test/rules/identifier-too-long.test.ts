/**
 * identifier-too-long beyond its examples: the byte count at each UTF-8 width boundary, every
 * kind of character an unquoted name may hold, a name made of quotes only, and the
 * truncated form of a name that holds a U+FFFD of its own.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('identifier-too-long')!;

/** The names the rule reports on `sql`, with their byte counts. */
async function reported(sql: string): Promise<{ name: unknown; bytes: unknown; truncated: unknown }[]> {
  const findings = await runExample(rule, { sql });
  return findings.map((f) => ({ name: f.details.name, bytes: f.details.bytes, truncated: f.details.truncated }));
}

describe('identifier-too-long', () => {
  // NOTE: one character of each UTF-8 width at its edges (1 byte up to U+007F, 2 up to U+07FF, 3 up
  // to U+FFFF), repeated and padded with x to exactly 64 bytes: one byte over the limit.
  it.each([
    ['U+007F', 1, '\u007F'],
    ['U+0080', 2, '\u0080'],
    ['U+07FF', 2, '\u07FF'],
    ['U+0800', 3, '\u0800'],
    ['U+FFEE', 3, '\uFFEE'],
  ])('counts %s as %i byte(s): a quoted name of 64 bytes is reported', async (_code, width, char) => {
    const name = char.repeat(Math.floor(64 / width)) + 'x'.repeat(64 % width);
    expect(Buffer.byteLength(name)).toBe(64);
    expect((await reported(`CREATE TABLE "${name}" (id int);`)).map((r) => [r.name, r.bytes])).toEqual([[name, 64]]);
  });

  // NOTE: 31 + 1 + 32 bytes: a scan that ended the name at the middle character would see two short names.
  it.each(['A', 'Z', 'a', 'z', '0', '9', '_', '$'])('reads %s as part of an unquoted name: 64 bytes around it are reported', async (char) => {
    const name = `${'x'.repeat(31)}${char}${'x'.repeat(32)}`;
    expect((await reported(`ALTER TABLE users ADD COLUMN ${name} text;`)).map((r) => r.name)).toEqual([name]);
  });

  it('reports a quoted name made of 64 double quotes (written as 130 quotes in a row)', async () => {
    const name = '"'.repeat(64);
    expect((await reported(`CREATE TABLE "${name.replaceAll('"', '""')}" (id int);`)).map((r) => [r.name, r.bytes])).toEqual([[name, 64]]);
  });

  it('keeps a U+FFFD the name holds itself in the truncated name (only a character cut in half is dropped)', async () => {
    const name = `caf\uFFFD_${'x'.repeat(60)}`;
    expect(await reported(`CREATE TABLE "${name}" (id int);`)).toEqual([{ name, bytes: 67, truncated: name.slice(0, 61) }]);
  });
});
