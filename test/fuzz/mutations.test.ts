/**
 * Property-based fuzzing of the engine, seeded from real migration files: truncations, byte
 * flips (invalid UTF-8), NUL bytes, lone surrogates, huge identifiers, nesting, stray quotes
 * and comment openers. Whatever the input: no crash, a sound report, and text the parser
 * rejects is never a silent pass.
 */
import fc from 'fast-check';
import { parseSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser } from '../../src/core/parse.js';
import { skipTrivia } from '../../src/core/split.js';
import { defaultConfig } from '../../src/core/config.js';
import { discoverMigrations } from '../../src/conventions/index.js';
import { checkText, expectSoundReport, FUZZ_PATH, fuzzParameters, fuzzTimeout, parseErrors, seedFiles } from './support.js';

const seeds = seedFiles();
const CI_RUNS = 300;

beforeAll(() => loadParser());

/** Fragments that stress the lexer, the parser and the rules when spliced into real SQL. */
const fragment = fc.oneof(
  fc.constantFrom('\0', '\uD800', '\uDC00x', "'", '"', '$$', '$tag$', '/*', '*/', '--', ';', '\\set x 1\n', '\r\n', 'E\'\\', 'BEGIN ATOMIC ', 'END;', '\uFEFF'),
  fc.integer({ min: 64, max: 100_000 }).map((n) => `x${'a'.repeat(n)} `),
  fc.integer({ min: 1, max: 2_000 }).map((n) => `${'('.repeat(n)}1${')'.repeat(n)}`),
  fc.integer({ min: 1, max: 2_000 }).map((n) => `(${'('.repeat(n)}`),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; flips: Array<{ at: number; byte: number }> }
  | { kind: 'insert'; at: number; text: string };

const position = fc.double({ min: 0, max: 1, noNaN: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('flip' as const), flips: fc.array(fc.record({ at: position, byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, text: fragment }),
);

function mutate(text: string, m: Mutation): string {
  const at = (fraction: number, length: number) => Math.min(length, Math.floor(fraction * length));
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, at(m.at, text.length));
    case 'insert': {
      const i = at(m.at, text.length);
      return text.slice(0, i) + m.text + text.slice(i);
    }
    case 'flip': {
      // NOTE: flips act on the UTF-8 bytes, then decode as the workspace does (invalid
      // sequences become U+FFFD) but keep NUL bytes, which other adapters may pass on.
      const bytes = Buffer.from(text, 'utf8');
      for (const flip of m.flips) if (bytes.length) bytes[Math.min(bytes.length - 1, at(flip.at, bytes.length))] = flip.byte;
      return bytes.toString('utf8');
    }
  }
}

/**
 * The parts of the text that the engine parses, as the conventions see them.
 * NOTE: text outside every section (e.g. before dbmate's `-- migrate:up`) is the
 * conventions' business, not the parser's; this oracle checks what is parsed.
 */
function sectionsOf(text: string) {
  return discoverMigrations([{ path: FUZZ_PATH, text, change: 'added' }], defaultConfig()).flatMap((m) => m.sections);
}

/** Whether libpg-query accepts the whole text as the engine would hand it over. */
function parserAccepts(text: string): boolean {
  if (skipTrivia(text, 0) === text.length) return true;
  try {
    parseSync(text.replaceAll('\0', '\uFFFD'));
    return true;
  } catch {
    return false;
  }
}

describe('engine fuzzing from corpus seeds', () => {
  it('has seed files', () => {
    expect(seeds.length).toBeGreaterThan(0);
  });

  it(
    'survives mutated migrations with a sound report, and never passes text the parser rejects',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat(seeds.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (seedIndex, mutations) => {
          const text = mutations.reduce(mutate, seeds[seedIndex]!.text);
          const report = await checkText(text);
          expectSoundReport(report, text);
          // NOTE: psql meta-commands are skipped on purpose (reported as notices), so the
          // whole-text oracle only applies without backslashes.
          if (!text.includes('\\') && parseErrors(report).length === 0) {
            for (const section of sectionsOf(text)) expect(parserAccepts(text.slice(section.start, section.end))).toBe(true);
          }
          if (parseErrors(report).length > 0) expect(report.verdict).toBe('blocked');
        }),
        fuzzParameters(CI_RUNS),
      );
    },
    fuzzTimeout(CI_RUNS, 200),
  );

  it(
    'reports the same findings for a seed whatever the line endings (CRLF)',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat(seeds.length - 1), async (seedIndex) => {
          const lf = seeds[seedIndex]!.text.replaceAll('\r\n', '\n');
          const crlf = lf.replaceAll('\n', '\r\n');
          const summary = (r: Awaited<ReturnType<typeof checkText>>) => r.findings.map((f) => `${f.ruleId} ${f.span.start.line}:${f.span.start.column}`);
          const [a, b] = [await checkText(lf), await checkText(crlf)];
          expectSoundReport(b, crlf);
          expect(summary(b)).toEqual(summary(a));
        }),
        fuzzParameters(CI_RUNS / 3),
      );
    },
    fuzzTimeout(CI_RUNS / 3, 200),
  );
});
