/**
 * Large regions are parsed in batches of whole statements (src/core/parse.ts): the result
 * must be exactly what one parse would give, errors included, at the right positions.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { findingStatementText, LIMITS } from '../../src/core/limits.js';
import { FORMATS, renderReport } from '../../src/cli/formats.js';
import { loadParser, parseRegion } from '../../src/core/parse.js';
import { LineIndex } from '../../src/core/source.js';
import { checkText, FUZZ_PATH, parseErrors } from './support.js';

beforeAll(() => loadParser());

/** About 2.4 MB: several batches. Statement i is on line i + 1. */
const STATEMENTS = 30_000;
const lineOf = (i: number) =>
  i % 3 === 0
    ? `ALTER TABLE t${i} ADD COLUMN "ü${i}" text; -- ; not a boundary`
    : i % 3 === 1
      ? `CREATE FUNCTION f${i}() RETURNS int LANGUAGE sql AS $$ SELECT 1; SELECT ${i}; $$;`
      : `COMMENT ON TABLE t${i} IS 'it''s ${i}; still one statement';`;

describe('batched parsing of large regions', () => {
  it('gives every statement with its exact text and line, as one parse would', () => {
    const text = Array.from({ length: STATEMENTS }, (_, i) => lineOf(i)).join('\n');
    expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
    const { statements, issues } = parseRegion(new LineIndex(text), 0, text.length, 'up');
    expect(issues).toEqual([]);
    expect(statements).toHaveLength(STATEMENTS);
    statements.forEach((s, i) => {
      expect(s.index).toBe(i);
      expect(s.span.start.line).toBe(i + 1);
      expect(`${s.text};`).toBe(lineOf(i).replace(/ -- ; not a boundary$/, ''));
    });
  });

  it('reports a syntax error deep in a large region at its line, and keeps the statements around it', () => {
    const lines = Array.from({ length: STATEMENTS }, (_, i) => lineOf(i));
    lines[25_000] = 'ALTER TABLE broken ADD COLUMN;';
    const text = lines.join('\n');
    const { statements, issues } = parseRegion(new LineIndex(text), 0, text.length, 'up');
    expect(issues.map((i) => [i.kind, i.span.start.line])).toEqual([['syntax-error', 25_001]]);
    expect(statements).toHaveLength(STATEMENTS - 1);
    expect(statements[25_000]!.span.start.line).toBe(25_002);
  });
});

describe('limits enforced by the engine', () => {
  it('stops after LIMITS.syntaxErrorsPerFile errors with one finding that covers the rest of the file', () => {
    const text = Array.from({ length: LIMITS.syntaxErrorsPerFile + 50 }, (_, i) => `SELEC ${i};`).join('\n');
    const { issues } = parseRegion(new LineIndex(text), 0, text.length, 'up');
    expect(issues.filter((i) => i.kind === 'syntax-error')).toHaveLength(LIMITS.syntaxErrorsPerFile);
    const limit = issues.filter((i) => i.kind === 'limit');
    expect(limit).toHaveLength(1);
    expect(limit[0]!.message).toContain(`more than ${LIMITS.syntaxErrorsPerFile} statements of this file do not parse`);
    expect([limit[0]!.span.start.line, limit[0]!.span.endOffset]).toEqual([LIMITS.syntaxErrorsPerFile + 1, text.length]);
  });

  it('does not parse text over LIMITS.fileBytes that an adapter read anyway: one blocking finding at the top', async () => {
    const text = 'SELECT 1;\n'.repeat(LIMITS.fileBytes / 10 + 1);
    const report = await checkText(text);
    expect(report.verdict).toBe('blocked');
    expect(parseErrors(report).map((f) => [f.span.start.line, f.message])).toEqual([[1, expect.stringContaining('over the limit of 16.0 MB per file')]]);
    expect(report.files[0]!.statements).toEqual([]);
  });

  it('lists LIMITS.findingsPerFile findings of a file and counts the rest in one blocking finding; every format renders it', async () => {
    // NOTE: one statement, so each finding carries the same 300 KB text: before the limits
    // the JSON report was too long for a string and the text report ran out of memory.
    const extra = 1_500;
    const text = `ALTER TABLE t ${Array.from({ length: LIMITS.findingsPerFile + extra }, (_, i) => `ALTER COLUMN c${i} SET NOT NULL`).join(', ')};\n`;
    const report = await checkText(text);
    expect(report.findings).toHaveLength(LIMITS.findingsPerFile + 1);
    const counted = report.findings.filter((f) => f.messageId === 'tooManyFindings');
    expect(counted).toHaveLength(1);
    // NOTE: require-lock-timeout reports the statement too, so more than `extra` are left out.
    expect(counted[0]!.details.count).toBeGreaterThan(extra);
    expect(counted[0]!.message).toContain(`${Number(counted[0]!.details.count).toLocaleString('en-US')} more findings in this file are not listed`);
    expect(report.blocking).toContain(counted[0]);
    expect(report.findings.every((f) => f.statement!.length < LIMITS.findingStatementChars + 100)).toBe(true);
    for (const format of FORMATS) {
      const output = renderReport(report, format, { version: 'test', sources: new Map([[FUZZ_PATH, text]]), color: false }).join('');
      expect(output.length, format).toBeLessThan(60 * 1024 * 1024);
      if (format === 'text') expect(output).toMatch(/^ {2}1 \| ALTER TABLE t ALTER COLUMN c0 SET NOT NULL, .{100,200}…$/m);
    }
  }, 60_000);

  it('gives the counting finding the severity of the findings it stands for, so the verdict does not change', async () => {
    // NOTE: two warnings per statement (prefer-bigint, prefer-text-field), nothing that blocks.
    const text = Array.from({ length: 6_000 }, (_, i) => `CREATE TABLE t_${i} (id integer PRIMARY KEY, name varchar(20));`).join('\n');
    const report = await checkText(text);
    const counted = report.findings.filter((f) => f.messageId === 'tooManyFindings');
    expect(counted.map((f) => [f.severity, f.details.count, f.details.warning])).toEqual([['warning', 2_000, 2_000]]);
    expect(report.verdict).toBe('pass');
  });

  it('cuts a long statement in a finding, never inside a surrogate pair, and says how long it is', () => {
    const short = 'x'.repeat(LIMITS.findingStatementChars);
    expect(findingStatementText(short)).toBe(short);
    const long = `${'x'.repeat(LIMITS.findingStatementChars - 1)}😀${'y'.repeat(10)}`;
    const cut = findingStatementText(long);
    expect(cut).toBe(`${'x'.repeat(LIMITS.findingStatementChars - 1)}\n-- [cut by migration-guard: the statement has ${long.length.toLocaleString('en-US')} characters]`);
    expect(Buffer.from(cut).toString()).toBe(cut);
  });
});
