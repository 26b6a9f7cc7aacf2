/**
 * applySuppressions finds the comments covering a finding through an index by statement.
 * The property: on random layouts of statements, ignore comments and findings, it
 * suppresses the same findings with the same comments, and counts the same uses, as
 * checking every comment for every finding (the reference below, as it was done before).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import type { Statement } from '../../src/core/parse.js';
import { applySuppressions, IGNORE_ALL, type IgnoreComment } from '../../src/core/suppressions.js';
import { fuzzParameters } from './support.js';

function referenceSuppressions(findings: Finding[], ignores: IgnoreComment[], statements: readonly Statement[], unsuppressible: ReadonlySet<string>): void {
  const valid = ignores.filter((ignore) => ignore.reason !== '');
  const after = (ignore: IgnoreComment) =>
    statements.find((s) => s.span.startOffset >= ignore.endOffset || (s.span.start.line === ignore.line && s.span.startOffset < ignore.startOffset));
  for (const finding of findings) {
    if (finding.suppression || unsuppressible.has(finding.ruleId)) continue;
    for (const ignore of valid) {
      if (!ignore.rules.includes(finding.ruleId) && !ignore.rules.includes(IGNORE_ALL)) continue;
      if (ignore.scope === 'statement') {
        const target = after(ignore);
        if (!target || finding.span.startOffset < target.span.startOffset || finding.span.startOffset >= target.span.endOffset + 1) continue;
      }
      finding.suppression = { kind: ignore.scope === 'file' ? 'file' : 'inline', reason: ignore.reason, line: ignore.line };
      ignore.used++;
      break;
    }
  }
}

/** Lines of 20 characters: the line of an offset. */
const LINE = 20;
const lineOf = (offset: number) => Math.floor(offset / LINE) + 1;
const position = (offset: number) => ({ line: lineOf(offset), column: (offset % LINE) + 1 });

/**
 * A text laid out as pieces in order: statements (possibly touching, possibly several on a
 * line), ignore comments (to the end of their line, possibly after a statement on the same
 * line), and gaps.
 */
const piece = fc.oneof(
  fc.record({ kind: fc.constant('statement' as const), length: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('ignore' as const), scope: fc.constantFrom('statement' as const, 'file' as const), rules: fc.subarray(['a', 'b', IGNORE_ALL], { minLength: 1 }), reason: fc.constantFrom('', 'why') }),
  fc.record({ kind: fc.constant('gap' as const), length: fc.integer({ min: 0, max: 30 }) }),
);

type Piece = typeof piece extends fc.Arbitrary<infer P> ? P : never;

function layout(pieces: Piece[]) {
  const statements: Statement[] = [];
  const ignores: IgnoreComment[] = [];
  let offset = 0;
  for (const p of pieces) {
    if (p.kind === 'gap') offset += p.length;
    else if (p.kind === 'statement') {
      const end = offset + p.length;
      statements.push({ index: statements.length, span: { startOffset: offset, endOffset: end, start: position(offset), end: position(end - 1) } } as Statement);
      offset = end;
    } else {
      const end = lineOf(offset) * LINE - 1;
      ignores.push({ scope: p.scope, syntax: 'migration-guard', rules: p.rules, reason: p.reason, line: lineOf(offset), column: position(offset).column, startOffset: offset, endOffset: end, used: 0 });
      offset = end + 1;
    }
  }
  return { statements, ignores, length: offset };
}

describe('suppression coverage', () => {
  it('suppresses what checking every comment for every finding suppresses', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.nat()), { maxLength: 40 }), fc.boolean(), (pieces, raw, lockB) => {
        const { statements, ignores, length } = layout(pieces);
        const findingsAt = () => raw.map(([ruleId, at]) => ({ ruleId, span: { startOffset: at % (length + 1) } }) as Finding);
        const unsuppressible = new Set(lockB ? ['b'] : []);
        const expected = findingsAt();
        const expectedIgnores = structuredClone(ignores);
        referenceSuppressions(expected, expectedIgnores, statements, unsuppressible);
        const actual = findingsAt();
        applySuppressions(actual, ignores, statements, unsuppressible);
        expect(actual.map((f) => f.suppression)).toEqual(expected.map((f) => f.suppression));
        expect(ignores.map((i) => i.used)).toEqual(expectedIgnores.map((i) => i.used));
      }),
      fuzzParameters(3000),
    );
  });
});
