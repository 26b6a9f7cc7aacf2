import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseRegion, type ParsedRegion } from '../../src/core/parse.js';
import { LineIndex, Utf8OffsetMap } from '../../src/core/source.js';

beforeAll(() => loadParser());

function parse(text: string): ParsedRegion & { lines: LineIndex } {
  const lines = new LineIndex(text);
  return { ...parseRegion(lines, 0, text.length, 'up'), lines };
}

describe('Utf8OffsetMap', () => {
  it('maps byte offsets after multi-byte characters to character offsets', () => {
    const text = 'aé€😀b';
    const map = new Utf8OffsetMap(text);
    // bytes: a(1) é(2) €(3) 😀(4) b(1)
    expect(map.charOffset(0)).toBe(0);
    expect(map.charOffset(1)).toBe(1);
    expect(map.charOffset(3)).toBe(2);
    expect(map.charOffset(6)).toBe(3);
    expect(map.charOffset(10)).toBe(5);
    expect(text[map.charOffset(10)]).toBe('b');
  });

  it('is the identity for ASCII text', () => {
    const map = new Utf8OffsetMap('SELECT 1;');
    expect([0, 3, 9].map((b) => map.charOffset(b))).toEqual([0, 3, 9]);
  });
});

describe('LineIndex', () => {
  it('gives 1-based lines and columns and strips CR from line text', () => {
    const lines = new LineIndex('ab\r\ncd\nef');
    expect(lines.positionAt(0)).toEqual({ line: 1, column: 1 });
    expect(lines.positionAt(4)).toEqual({ line: 2, column: 1 });
    expect(lines.positionAt(8)).toEqual({ line: 3, column: 2 });
    expect(lines.lineText(1)).toBe('ab');
    expect(lines.lineCount).toBe(3);
  });
});

describe('parseRegion', () => {
  it('gives each statement its exact text and lines, without leading comments or semicolon', () => {
    const { statements } = parse('-- add a column\nALTER TABLE users\n  ADD COLUMN a int;\n\n/* two */ DROP TABLE t;');
    expect(statements.map((s) => [s.kind, s.text, s.span.start.line, s.span.end.line])).toEqual([
      ['AlterTableStmt', 'ALTER TABLE users\n  ADD COLUMN a int', 2, 3],
      ['DropStmt', 'DROP TABLE t', 5, 5],
    ]);
    expect(statements[1]!.span.start.column).toBe(11);
  });

  it('keeps positions right after non-ASCII identifiers (UTF-8 byte offsets)', () => {
    const { statements } = parse('CREATE TABLE "ユーザー" (名前 text);\nALTER TABLE "ユーザー" DROP COLUMN 名前;');
    expect(statements[1]!.text).toBe('ALTER TABLE "ユーザー" DROP COLUMN 名前');
    expect(statements[1]!.span.start).toEqual({ line: 2, column: 1 });
    expect(statements[1]!.span.end).toEqual({ line: 2, column: 'ALTER TABLE "ユーザー" DROP COLUMN 名前'.length });
  });

  it('handles CRLF files', () => {
    const { statements, lines } = parse('SELECT 1;\r\n\r\nALTER TABLE t\r\n  DROP COLUMN c;\r\n');
    expect(statements[1]!.span.start.line).toBe(3);
    expect(statements[1]!.span.end.line).toBe(4);
    expect(statements[1]!.text).toBe('ALTER TABLE t\r\n  DROP COLUMN c');
    expect(lines.lineText(4)).toBe('  DROP COLUMN c;');
  });

  it('treats semicolons inside dollar-quoted bodies and strings as part of the statement', () => {
    const sql = "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; SELECT 2; $body$ LANGUAGE sql;\nSELECT 'a;b';";
    const { statements, issues } = parse(sql);
    expect(issues).toEqual([]);
    expect(statements.map((s) => s.kind)).toEqual(['CreateFunctionStmt', 'SelectStmt']);
    expect(statements[1]!.span.start.line).toBe(2);
  });

  it('reports a syntax error at its line and still parses the other statements (fail closed)', () => {
    const { statements, issues } = parse('SELECT 1;\nALTER TABLE t ADD COLUMN;\nDROP TABLE u;');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.kind).toBe('syntax-error');
    expect(issues[0]!.span.start.line).toBe(2);
    expect(issues[0]!.message).toMatch(/syntax error/);
    expect(statements.map((s) => s.kind)).toEqual(['SelectStmt', 'DropStmt']);
  });

  it('positions a syntax error after non-ASCII text correctly', () => {
    const { issues } = parse('-- ñandú\nSELECT \'é\';\nSELEC 2;');
    expect(issues[0]!.span.start).toEqual({ line: 3, column: 1 });
  });

  it('reports psql meta-commands as notes and skips them', () => {
    const { statements, issues } = parse('\\set ON_ERROR_STOP on\nCREATE TABLE t (id int);\n\\i other.sql\n');
    expect(issues.map((i) => [i.kind, i.span.start.line])).toEqual([
      ['meta-command', 1],
      ['meta-command', 3],
    ]);
    expect(statements.map((s) => s.kind)).toEqual(['CreateStmt']);
  });

  it('skips COPY ... FROM stdin data blocks', () => {
    const { statements, issues } = parse('COPY t (a, b) FROM stdin;\n1\tx\n2\ty\n\\.\nSELECT 1;');
    expect(issues).toEqual([]);
    expect(statements.map((s) => [s.kind, s.span.start.line])).toEqual([
      ['CopyStmt', 1],
      ['SelectStmt', 5],
    ]);
  });

  it('returns nothing for empty and comment-only text', () => {
    for (const text of ['', '   \n', '-- nothing here\n/* nor here */\n']) {
      const { statements, issues } = parse(text);
      expect(statements).toEqual([]);
      expect(issues).toEqual([]);
    }
  });

  it('parses a region of a file with positions relative to the whole file', () => {
    const text = '-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n';
    const lines = new LineIndex(text);
    const downStart = text.indexOf('-- migrate:down');
    const { statements } = parseRegion(lines, downStart, text.length, 'down', 5);
    expect(statements.map((s) => [s.index, s.section, s.text, s.span.start.line])).toEqual([[5, 'down', 'DROP TABLE t', 4]]);
  });
});
