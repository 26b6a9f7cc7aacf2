/**
 * The statement splitter used to recover after a parse error (src/core/split.ts): where it
 * ends statements, and what it skips as comments, strings and dollar quotes, following the
 * lexical rules of PostgreSQL's documentation ("Lexical Structure", sections 4.1.2 and 4.1.5).
 */
import { describe, expect, it } from 'vitest';
import { skipTrivia, splitStatements } from '../../src/core/split.js';

/** The texts of the chunks splitStatements finds. */
const chunks = (text: string) => splitStatements(text).map((chunk) => text.slice(chunk.start, chunk.end));

describe('splitStatements', () => {
  it('ends a statement after each top-level semicolon, and keeps a non-blank rest', () => {
    expect(splitStatements('SELECT 1; SELECT 2;')).toEqual([
      { start: 0, end: 9 },
      { start: 9, end: 19 },
    ]);
    expect(chunks('SELECT 1;\nSELECT 2')).toEqual(['SELECT 1;', '\nSELECT 2']);
    expect(chunks('SELECT 1;  \n')).toEqual(['SELECT 1;']);
    expect(chunks('SELECT 4 - 1; SELECT 4/2; SELECT 2')).toEqual(['SELECT 4 - 1;', ' SELECT 4/2;', ' SELECT 2']);
  });

  it.each([
    ['a line comment', "SELECT 1 -- a; b, don't '\n; SELECT 2", ["SELECT 1 -- a; b, don't '\n;", ' SELECT 2']],
    ['a line comment at the end of the text', 'SELECT 1; -- end; x', ['SELECT 1;', ' -- end; x']],
    ['a block comment', 'SELECT 1 /* ; */; SELECT 2', ['SELECT 1 /* ; */;', ' SELECT 2']],
    ['nested block comments', '/* a /* b */ ; */ SELECT 1; SELECT 2', ['/* a /* b */ ; */ SELECT 1;', ' SELECT 2']],
    ['an unterminated block comment', 'SELECT 1; /* ; ', ['SELECT 1;', ' /* ; ']],
    ['a string', "SELECT ';'; SELECT 2", ["SELECT ';';", ' SELECT 2']],
    ['a doubled quote in a string', "SELECT 'it''s;'; SELECT 2", ["SELECT 'it''s;';", ' SELECT 2']],
    ['a quoted identifier', 'SELECT "a;b"; SELECT 2', ['SELECT "a;b";', ' SELECT 2']],
    ['an unterminated string', "SELECT 1; SELECT ';", ['SELECT 1;', " SELECT ';"]],
    ['a backslash escape in an E string', "SELECT E'\\';'; SELECT 2", ["SELECT E'\\';';", ' SELECT 2']],
    ['a backslash escape in an e string', "SELECT e'\\';'; SELECT 2", ["SELECT e'\\';';", ' SELECT 2']],
    ['an E string at the start of the text', "E'\\';'; SELECT 2", ["E'\\';';", ' SELECT 2']],
    ['a dollar-quoted body', 'DO $$ BEGIN; END $$; SELECT 2', ['DO $$ BEGIN; END $$;', ' SELECT 2']],
    [
      'a tagged dollar quote holding $$',
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $$ ; $body$ LANGUAGE sql; SELECT 2',
      ['CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $$ ; $body$ LANGUAGE sql;', ' SELECT 2'],
    ],
    ['a tag of several characters', 'SELECT $a1$;$a1$; SELECT 2', ['SELECT $a1$;$a1$;', ' SELECT 2']],
    ['an unterminated dollar quote', 'SELECT 1; SELECT $$ ; ', ['SELECT 1;', ' SELECT $$ ; ']],
    ['a dollar quote at the start of the text', '$$;$$; SELECT 2', ['$$;$$;', ' SELECT 2']],
    ['a block comment holding a slash and a star', 'SELECT 1 /* a/b ; 2 * 3 ; */; SELECT 2', ['SELECT 1 /* a/b ; 2 * 3 ; */;', ' SELECT 2']],
    ['an empty string followed by a string', "SELECT ''; SELECT ';'", ["SELECT '';", " SELECT ';'"]],
    ['an escaped backslash in an E string', "SELECT E'\\\\'; SELECT ';'", ["SELECT E'\\\\';", " SELECT ';'"]],
    ['a doubled quote before a backslash escape in an E string', "SELECT E'''\\'; SELECT 2'; SELECT 3", ["SELECT E'''\\'; SELECT 2';", ' SELECT 3']],
  ])('skips semicolons inside %s', (_, text, expected) => {
    expect(chunks(text)).toEqual(expected);
  });

  it.each([
    ['a backslash in a standard string', "SELECT '\\'; SELECT 2", ["SELECT '\\';", ' SELECT 2']],
    ['a backslash in a quoted identifier', 'SELECT "a\\"; SELECT 2', ['SELECT "a\\";', ' SELECT 2']],
    ['a backslash in a string after a word ending in E', "SELECT NONE'\\'; SELECT 2", ["SELECT NONE'\\';", ' SELECT 2']],
    ['a backslash in a standard string after a comma', "SELECT 1, '\\'; SELECT 2", ["SELECT 1, '\\';", ' SELECT 2']],
    ['a positional parameter', 'SELECT $1; SELECT $$;$$; SELECT 3', ['SELECT $1;', ' SELECT $$;$$;', ' SELECT 3']],
    ['dollar signs inside an identifier', 'SELECT x$$; SELECT 2', ['SELECT x$$;', ' SELECT 2']],
  ])('does not treat %s as an escape or a quote', (_, text, expected) => {
    expect(chunks(text)).toEqual(expected);
  });
});

describe('skipTrivia', () => {
  it('skips white space, line comments and (nested) block comments', () => {
    const text = ' \t\r\n\f-- note\n/* a /* b */ c */ SELECT 1';
    expect(skipTrivia(text, 0)).toBe(text.indexOf('SELECT'));
  });

  it('stops at the first other character, a lone slash included', () => {
    expect(skipTrivia('SELECT 4/2', 8)).toBe(8);
    expect(skipTrivia('  x', 0)).toBe(2);
  });

  it('never goes past the end it is given, nor past the text', () => {
    expect(skipTrivia('     x', 0, 3)).toBe(3);
    expect(skipTrivia('  -- to the end', 0)).toBe(15);
    expect(skipTrivia('  /* unterminated', 0)).toBe(17);
    expect(skipTrivia('  -- comment\nx', 0, 5)).toBe(5);
  });
});
