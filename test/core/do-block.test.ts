/**
 * The SQL inside DO blocks (src/core/do-block.ts), read with PostgreSQL's own PL/pgSQL parser:
 * which statements are static SQL, which are EXECUTEs of run-time text, and where each is in
 * the DO statement's text.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { doBlockContents } from '../../src/core/do-block.js';
import { loadParser } from '../../src/core/parse.js';
import { statementNode } from '../support/statement-node.js';

beforeAll(() => loadParser());

/** doBlockContents of the one statement `text`, as the engine calls it. */
function contents(text: string) {
  return doBlockContents(statementNode(text), text);
}

/** Each entry's text or expression, with the text found at its offset. */
function located(text: string) {
  const result = contents(text)!;
  return {
    sql: result.sql.map((s) => ({ text: s.text, at: text.slice(s.offset, s.offset + s.text.length) })),
    dynamic: result.dynamic.map((d) => ({ expression: d.expression, at: text.slice(d.offset, d.offset + d.expression.length) })),
    error: result.error,
  };
}

describe('doBlockContents', () => {
  it('finds the static SQL of a drizzle-kit foreign key block at its place in the text', () => {
    const text = 'DO $$\nBEGIN\n  ALTER TABLE "a" ADD CONSTRAINT "a_fk" FOREIGN KEY ("b") REFERENCES "b"("id");\nEXCEPTION\n  WHEN duplicate_object THEN null;\nEND $$;';
    const alter = 'ALTER TABLE "a" ADD CONSTRAINT "a_fk" FOREIGN KEY ("b") REFERENCES "b"("id")';
    expect(contents(text)).toEqual({ sql: [{ text: alter, offset: text.indexOf(alter) }], dynamic: [] });
  });

  it('places a statement repeated on a later line at its own line', () => {
    expect(contents('DO $$\nBEGIN\n  UPDATE t SET a = 1;\n  UPDATE t SET a = 1;\nEND $$')!.sql).toEqual([
      { text: 'UPDATE t SET a = 1', offset: 14 },
      { text: 'UPDATE t SET a = 1', offset: 36 },
    ]);
  });

  it('checks EXECUTE of one string literal as static SQL, and reports EXECUTE of built text as dynamic', () => {
    const text = "DO $$\nBEGIN\n  EXECUTE 'ALTER TABLE t ADD COLUMN c int';\n  EXECUTE format('DROP TABLE %I', 'x');\nEND $$";
    expect(located(text)).toEqual({
      sql: [{ text: 'ALTER TABLE t ADD COLUMN c int', at: 'ALTER TABLE t ADD COLUMN c int' }],
      dynamic: [{ expression: "format('DROP TABLE %I', 'x')", at: "format('DROP TABLE %I', 'x')" }],
      error: undefined,
    });
  });

  it('reports FOR ... EXECUTE and OPEN ... FOR EXECUTE as dynamic, even of a literal, and not OPEN ... FOR a query', () => {
    const text = "DO $$\nDECLARE r record; c refcursor;\nBEGIN\n  FOR r IN EXECUTE 'SELECT 1' LOOP END LOOP;\n  OPEN c FOR EXECUTE 'SELECT 2';\n  OPEN c FOR SELECT 3;\nEND $$";
    expect(located(text)).toEqual({
      sql: [],
      dynamic: [
        { expression: "'SELECT 1'", at: "'SELECT 1'" },
        { expression: "'SELECT 2'", at: "'SELECT 2'" },
      ],
      error: undefined,
    });
  });

  it('reads the statements of every branch and handler, in source order', () => {
    expect(contents('DO $$BEGIN INSERT INTO a VALUES (1); EXCEPTION WHEN others THEN INSERT INTO b VALUES (2); END$$')!.sql).toEqual([
      { text: 'INSERT INTO a VALUES (1)', offset: 11 },
      { text: 'INSERT INTO b VALUES (2)', offset: 64 },
    ]);
    expect(contents('DO $$BEGIN IF true THEN INSERT INTO a VALUES (1); ELSE INSERT INTO b VALUES (2); END IF; END$$')!.sql.map((s) => s.offset)).toEqual([24, 55]);
  });

  it('reads a block in plpgsql, named as Postgres looks it up: an identifier folded to lower case, a string as written', () => {
    expect(contents('DO LANGUAGE PLpgSQL $$BEGIN DELETE FROM t; END$$')).toEqual({ sql: [{ text: 'DELETE FROM t', offset: 28 }], dynamic: [] });
    expect(contents("DO $$BEGIN DELETE FROM t; END$$ LANGUAGE 'plpgsql'")).toEqual({ sql: [{ text: 'DELETE FROM t', offset: 11 }], dynamic: [] });
    // NOTE: Postgres fails these with `language "PLpgSQL" does not exist` and `language "" does not exist` (checked on PGlite 0.5.16).
    expect(contents("DO LANGUAGE 'PLpgSQL' $$BEGIN DELETE FROM t; END$$")).toEqual({ sql: [], dynamic: [], otherLanguage: 'PLpgSQL' });
    expect(contents("DO LANGUAGE '' $$BEGIN DELETE FROM t; END$$")).toEqual({ sql: [], dynamic: [], otherLanguage: '' });
    expect(contents('DO LANGUAGE plperl $$ print 1; $$')).toEqual({ sql: [], dynamic: [], otherLanguage: 'plperl' });
  });

  it('is undefined for a statement that is not DO', () => {
    expect(contents('SELECT 1')).toBeUndefined();
  });

  it('fails a DO block without a body as the PL/pgSQL parser fails an empty one', () => {
    expect(contents('DO LANGUAGE plpgsql')).toEqual({ sql: [], dynamic: [], error: 'syntax error at end of input' });
  });

  it('reads a body that ends in a dollar sign, which must not close the quote it is wrapped in', () => {
    expect(contents('DO $x$BEGIN DELETE FROM t; END -- $$x$')).toEqual({ sql: [{ text: 'DELETE FROM t', offset: 12 }], dynamic: [] });
  });

  it('places statements by the PL/pgSQL line they are on, in a body that starts on the line of DO', () => {
    const text = 'DO $$BEGIN\n  UPDATE t SET a = 1;\n  UPDATE t SET a = 1;\nEND$$';
    expect(contents(text)!.sql.map((s) => s.offset)).toEqual([text.indexOf('UPDATE'), text.lastIndexOf('UPDATE')]);
  });

  it('orders the static SQL by position: a statement whose text PL/pgSQL changed (INTO removed) is placed at its line', () => {
    const text = 'DO $$DECLARE x int;\nBEGIN DELETE FROM u; SELECT a INTO x FROM t; END$$';
    expect(contents(text)!.sql).toEqual([
      { text: 'SELECT a        FROM t', offset: text.indexOf('BEGIN') },
      { text: 'DELETE FROM u', offset: text.indexOf('DELETE') },
    ]);
  });

  it('checks as static SQL only an EXECUTE whose whole expression is one literal', () => {
    const text = "DO $$DECLARE p text := '';\nBEGIN\n  EXECUTE p || 'DROP TABLE t';\n  EXECUTE 'DROP TABLE u' || p;\n  EXECUTE\n    'DROP TABLE v'  ;\nEND$$";
    expect(located(text)).toEqual({
      sql: [{ text: 'DROP TABLE v', at: 'DROP TABLE v' }],
      dynamic: [
        { expression: "p || 'DROP TABLE t'", at: "p || 'DROP TABLE t'" },
        { expression: "'DROP TABLE u' || p", at: "'DROP TABLE u' || p" },
      ],
      error: undefined,
    });
  });

  it('reads a body that holds the dollar tag it wraps bodies in', () => {
    expect(contents("DO $x$BEGIN INSERT INTO t VALUES ('$mg_body$'); END$x$")).toEqual({ sql: [{ text: "INSERT INTO t VALUES ('$mg_body$')", offset: 12 }], dynamic: [] });
  });

  it('places the statements of a body in quotes, which is not the text verbatim, at the start of the DO', () => {
    expect(contents("DO 'BEGIN INSERT INTO t VALUES (''x''); DELETE FROM u; END'")).toEqual({
      sql: [
        { text: "INSERT INTO t VALUES ('x')", offset: 0 },
        { text: 'DELETE FROM u', offset: 0 },
      ],
      dynamic: [],
    });
  });

  it('gives the PL/pgSQL parser’s error for a body that does not parse', () => {
    expect(contents('DO $$BEGIN x := ; END$$')).toEqual({ sql: [], dynamic: [], error: '"x" is not a known variable' });
  });
});
