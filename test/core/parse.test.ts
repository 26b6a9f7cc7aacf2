import { beforeAll, describe, expect, it, vi } from 'vitest';
import { LIMITS } from '../../src/core/limits.js';
import { loadParser, parseRegion, type ParsedRegion, parseSql, planRegion, regionTexts, toParseAttempt } from '../../src/core/parse.js';
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

describe('parseRegion limits and order', () => {
  it('stops at the statement limit per file, counting from the region\'s first index', () => {
    const text = 'SELECT 1;\nSELECT 2;\nSELECT 3;\n';
    const { statements, issues } = parseRegion(new LineIndex(text), 0, text.length, 'up', LIMITS.statementsPerFile - 2);
    expect(statements.map((s) => s.text)).toEqual(['SELECT 1', 'SELECT 2']);
    expect(issues.map((issue) => [issue.kind, issue.message, issue.span.startOffset, issue.span.endOffset])).toEqual([
      [
        'limit',
        'the file has more than 100,000 statements (the limit per file), and the statements from here to the end were skipped; split it into smaller migrations',
        text.indexOf('SELECT 3'),
        text.length,
      ],
    ]);
  });

  it('lists the issues in the order of the text, meta-command notes among parse errors', () => {
    const { issues } = parse('SELEC 1;\n\\set x 1\nSELEC 2;\n\\echo y\n');
    expect(issues.map((issue) => [issue.kind, issue.span.start.line])).toEqual([
      ['syntax-error', 1],
      ['meta-command', 2],
      ['syntax-error', 3],
      ['meta-command', 4],
    ]);
  });

  it('counts only syntax errors toward their limit, not meta-command notes', () => {
    const text = `${'\\echo x\n'.repeat(LIMITS.syntaxErrorsPerFile)}SELEC 1;\n`;
    expect(parse(text).issues.filter((issue) => issue.kind !== 'meta-command').map((issue) => [issue.kind, issue.span.start.line])).toEqual([
      ['syntax-error', LIMITS.syntaxErrorsPerFile + 1],
    ]);
  });

  it('counts the syntax errors of earlier batches of a large region toward the limit', () => {
    // Two batches (over 1 MiB each is split), each a large literal and 60 statements that do not parse.
    const batch = `SELECT '${'x'.repeat(1_000_000)}';\n${'SELEC 1;\n'.repeat(60)}`;
    const { issues } = parse(batch + batch);
    expect(issues.filter((issue) => issue.kind === 'syntax-error')).toHaveLength(LIMITS.syntaxErrorsPerFile);
    expect(issues.at(-1)!.message).toBe(`more than ${LIMITS.syntaxErrorsPerFile} statements of this file do not parse (is it SQL?), and the rest of the file was skipped`);
  });

  it('keeps the error of the whole when each piece parses on its own (fail closed)', () => {
    // NOTE: a parser that fails the whole text (as a worker that ran out of memory would) and parses each piece.
    const text = 'SELECT 1;\nSELECT 2;';
    const failWhole = (sql: string) => (sql === text ? { ok: false as const, error: { message: 'out of memory' } } : parseSql(sql));
    const { statements, issues } = parseRegion(new LineIndex(text), 0, text.length, 'up', 0, failWhole);
    expect(statements.map((s) => s.text)).toEqual(['SELECT 1', 'SELECT 2']);
    expect(issues.map((issue) => [issue.kind, issue.message, issue.span.startOffset])).toEqual([['syntax-error', 'out of memory', 0]]);
  });

  it('reads a text of semicolons alone as no statements', () => {
    expect(parse(' ; ;\n')).toMatchObject({ statements: [], issues: [] });
  });
});

describe('parseSql and toParseAttempt', () => {
  it('turn a parse tree that does not read as JSON into a failed parse, never a throw', () => {
    const attempt = toParseAttempt({ ok: true, json: '{"stmts": [', ascii: true });
    expect(attempt.ok).toBe(false);
    expect(attempt.ok ? undefined : attempt.error).toEqual({ message: expect.stringContaining('JSON'), sqlDetails: undefined });
  });

  it('turn a parser that is not loaded into a failed parse that says so, and parse once it is loaded', async () => {
    vi.resetModules();
    const fresh = await import('../../src/core/parse.js');
    expect(fresh.parseSql('SELECT 1')).toEqual({ ok: false, error: { message: 'the SQL parser is not loaded: await loadPgQuery() first', sqlDetails: undefined } });
    await fresh.loadParser();
    expect(fresh.parseSql('SELECT 1')).toMatchObject({ ok: true, stmts: [{ stmt: { SelectStmt: {} } }], ascii: true });
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

  it('drops only a final \\r from the span of a meta-command line', () => {
    const spans = (text: string) => parse(text).issues.map((issue) => [issue.span.startOffset, issue.span.endOffset]);
    expect(spans('\\echo a\rb\r\nSELECT 1;')).toEqual([[0, 9]]);
    expect(spans('\\echo a\rb\nSELECT 1;')).toEqual([[0, 9]]);
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

  it('reports a statement of a DO block that does not parse on its own at its text', () => {
    const text = "DO $$BEGIN EXECUTE 'SELEC 1'; END$$;";
    expect(parse(text).issues.map((issue) => [issue.kind, issue.message, issue.span.startOffset, issue.span.endOffset])).toEqual([
      ['dynamic-sql', 'this statement in a DO block does not parse on its own (syntax error at or near "SELEC"), so it was not checked.', text.indexOf('SELEC'), text.indexOf("'; END")],
    ]);
  });

  it('reports a DO block in another language than plpgsql as unchecked', () => {
    const text = "SELECT 1;\nDO LANGUAGE plperl $$ print 'x'; $$;";
    const result = parse(text);
    expect(result.statements.map((s) => s.kind)).toEqual(['SelectStmt', 'DoStmt']);
    expect(result.issues.map((issue) => [issue.kind, issue.message, issue.span.startOffset, issue.span.endOffset])).toEqual([
      [
        'dynamic-sql',
        'the body of this DO block is in language "plperl", not plpgsql, so migration-guard cannot see the SQL it runs. Review it by hand (Postgres looks the language up by its exact name: LANGUAGE \'PLpgSQL\' is not plpgsql).',
        10,
        text.length - 1,
      ],
    ]);
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

  it('hands a region over 1 MiB over in batches of whole statements of at most 1 MiB', () => {
    // 65,540 statements of 16 characters: the first batch ends exactly at 1 MiB (65,536 of them), the rest is one batch.
    const text = 'SELECT 12345678;'.repeat(65_540);
    expect(texts(text).map((batch) => batch.length)).toEqual([1024 * 1024, 64]);
    expect(texts(text).join('')).toBe(text);
  });

  it('hands the text with psql meta-commands blanked and NUL bytes replaced, offsets unchanged', () => {
    expect(texts('\\set x 1\nSELECT 1;')).toEqual(['        \nSELECT 1;']);
    expect(texts("SELECT 'a\0b';")).toEqual(["SELECT 'a\uFFFDb';"]);
  });
});
