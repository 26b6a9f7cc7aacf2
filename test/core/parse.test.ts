import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseRegion, type ParsedRegion, planRegion, regionTexts } from '../../src/core/parse.js';
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

describe('text that is not SQL', () => {
  it('skips psql meta-commands, each reported with its command and its line without \\r', () => {
    const result = parse('  \\connect  other\r\nSELECT 1;\n\\set ON_ERROR_STOP on\n');
    expect(result.statements.map((s) => s.text)).toEqual(['SELECT 1']);
    expect(result.issues.map((issue) => [issue.kind, issue.message, issue.span.start, issue.span.end])).toEqual([
      ['meta-command', 'psql meta-command \\connect is not SQL; it was skipped (statements that use its variables will not parse).', { line: 1, column: 1 }, { line: 1, column: 17 }],
      ['meta-command', 'psql meta-command \\set is not SQL; it was skipped (statements that use its variables will not parse).', { line: 3, column: 1 }, { line: 3, column: 21 }],
    ]);
  });

  it('skips COPY ... FROM stdin data up to the line that is exactly \\.', () => {
    const result = parse('COPY t (a) FROM stdin;\nx\\.\n\\.y\n\\.\r\nSELECT 2;\n');
    expect(result.statements.map((s) => s.text)).toEqual(['COPY t (a) FROM stdin', 'SELECT 2']);
    expect(result.issues).toEqual([]);
  });
});

describe('DO blocks', () => {
  it('adds the static statements of a DO block after it, enclosed by it', () => {
    const result = parse('SELECT 0;\nDO $$BEGIN INSERT INTO a VALUES (1); END$$;');
    expect(result.statements.map((s) => [s.text, s.enclosing])).toEqual([
      ['SELECT 0', undefined],
      ['DO $$BEGIN INSERT INTO a VALUES (1); END$$', undefined],
      ['INSERT INTO a VALUES (1)', 1],
    ]);
  });

  it('reports each EXECUTE of built text at the expression, shortened past 120 characters', () => {
    const exactly120 = `format('${'x'.repeat(110)}')`;
    const longer = `format('${'y'.repeat(111)}')`;
    const text = `DO $$BEGIN EXECUTE ${exactly120}; EXECUTE ${longer}; END$$;`;
    const result = parse(text);
    expect(result.issues.map((issue) => [issue.kind, issue.span.start.column, issue.span.end.column])).toEqual([
      ['dynamic-sql', text.indexOf(exactly120) + 1, text.indexOf(exactly120) + 120],
      ['dynamic-sql', text.indexOf(longer) + 1, text.indexOf(longer) + 121],
    ]);
    expect(result.issues[0]!.message).toContain(`(${exactly120})`);
    expect(result.issues[1]!.message).toContain(`(${longer.slice(0, 120)}...)`);
  });

  it('reports a PL/pgSQL body that does not parse as a syntax error of the DO statement', () => {
    const result = parse('DO $$BEGIN x := ; END$$;');
    expect(result.issues.map((issue) => [issue.kind, issue.message])).toEqual([['syntax-error', 'the PL/pgSQL body of this DO block does not parse: "x" is not a known variable']]);
  });
});

describe('regionTexts', () => {
  const texts = (text: string) => regionTexts(planRegion(new LineIndex(text), 0, text.length));

  it('hands the region to the parser ahead, and nothing for a region of comments and blanks', () => {
    expect(texts('SELECT 1;\n-- done\n')).toEqual(['SELECT 1;\n-- done\n']);
    expect(texts('-- only a comment\n\n/* and another */\n')).toEqual([]);
  });

  it('hands the text with psql meta-commands blanked and NUL bytes replaced, offsets unchanged', () => {
    expect(texts('\\set x 1\nSELECT 1;')).toEqual(['        \nSELECT 1;']);
    expect(texts("SELECT 'a\0b';")).toEqual(["SELECT 'a\uFFFDb';"]);
  });
});
