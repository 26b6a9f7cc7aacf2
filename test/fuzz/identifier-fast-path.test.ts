/**
 * identifier-too-long skips statements that cannot hold a long identifier (a fast path).
 * The property: on any text, the rule reports what it reports when the fast path is
 * forced off. A known long identifier put in front of the text forces the full check; its
 * own finding is then left out of the comparison.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Statement } from '../../src/core/parse.js';
import type { ReportDescriptor, StatementContext } from '../../src/core/rule.js';
import rule from '../../src/rules/identifier-too-long.js';
import { fuzzParameters } from './support.js';

const FORCE = `"${'f'.repeat(70)}" `;

/** The names the rule reports on `text`. */
function reported(text: string): string[] {
  const names: string[] = [];
  const report = (descriptor: ReportDescriptor<string>) => names.push(String(descriptor.data?.name));
  rule.statement!({ statement: { text } as Statement, report } as unknown as StatementContext<string>);
  return names;
}

/**
 * Pieces of SQL text around identifiers: quoted and not, escaped quotes, non-ASCII, strings
 * and comments with quotes. NOTE: quotes stay balanced: the rule runs only on statements
 * that parsed, and an unterminated quoted identifier does not.
 */
const piece = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_$]{0,80}$/),
  fc.stringMatching(/^[a-zé ü,."]{0,70}$/).map((s) => `"${s.replaceAll('"', '""')}"`),
  // NOTE: quoted names near the 63-byte limit, with characters that end an unquoted name.
  fc
    .tuple(fc.integer({ min: 50, max: 70 }), fc.constantFrom(' ', ', ', 'é', '""', '.', '-'))
    .map(([length, separator]) => `"${Array.from({ length }, (_, i) => (i % 6 === 5 ? separator : 'n')).join('')}"`),
  fc.stringMatching(/^[a-zA-Z "]{0,40}$/).map((s) => `'${s.replaceAll("'", "''")}'`),
  fc.stringMatching(/^[a-z "]{0,40}$/).map((s) => `-- ${s}\n`),
  fc.constantFrom(' ', ', ', ' = ', '(', ')', ';', 'é', 'ü'.repeat(40), '\u{1F600}'),
);

describe('identifier-too-long fast path', () => {
  it('reports on any text what the full check reports', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        const full = reported(FORCE + text).filter((name) => name !== 'f'.repeat(70));
        expect(reported(text)).toEqual(full);
      }),
      fuzzParameters(2000),
    );
  });
});
