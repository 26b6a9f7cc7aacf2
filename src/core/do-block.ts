/**
 * The SQL inside a `DO $$ ... $$` block, found with PostgreSQL's own PL/pgSQL parser
 * (libpg-query's `parse_plpgsql`): static SQL statements (`PLpgSQL_stmt_execsql`), which
 * the caller parses and analyses as statements of the file at their own position, and
 * EXECUTEs of text built at run time, which cannot be checked and are reported as such.
 * drizzle-kit, for one, wraps every foreign key it adds in `DO $$ BEGIN ALTER TABLE ...
 * ADD CONSTRAINT ... FOREIGN KEY ...; EXCEPTION WHEN duplicate_object THEN null; END $$;`.
 */
import type { DefElem, DoStmt, Node } from '@pgsql/types';
import { nodeAs } from './ast.js';
import { parsePlpgsqlToJson } from './pg-query.js';

/** What a DO block's body holds, with offsets relative to the DO statement's text. */
export interface DoBlockContents {
  /** Static SQL statements (PL/pgSQL removes an `INTO target` clause from their text). */
  sql: { text: string; offset: number }[];
  /** EXECUTE / FOR ... EXECUTE / OPEN ... FOR EXECUTE of run-time text: the expression, and where its statement starts. */
  dynamic: { expression: string; offset: number }[];
  /** The PL/pgSQL parser's error, when the body does not parse (the DO fails at deploy). */
  error?: string;
  /** The language the block names when it is not PL/pgSQL: its body was not read (`sql` and `dynamic` are empty). */
  otherLanguage?: string;
}

/**
 * The body and language of a DO statement, or undefined when `node` is not one. A DO
 * without a body (`DO LANGUAGE plpgsql`) has the empty body, which fails as Postgres fails
 * it ("no inline code specified").
 * NOTE: the grammar (gram.y, dostmt_opt_item) gives each option a String argument. Postgres
 * looks the language up by its exact name (ExecuteDoStmt, SearchSysCache1(LANGNAME)): an
 * identifier is folded to lower case by the lexer, a string is not, so
 * `LANGUAGE 'PLpgSQL'` fails with `language "PLpgSQL" does not exist` (checked on PGlite).
 */
function doOptions(node: Node): { body: string; language: string } | undefined {
  const args = nodeAs<DoStmt>(node, 'DoStmt')?.args;
  if (!args) return undefined;
  let body = '';
  let language = 'plpgsql';
  for (const arg of args) {
    const def = nodeAs<DefElem>(arg, 'DefElem')!;
    const value = nodeAs<{ sval: string }>(def.arg, 'String')!.sval;
    if (def.defname === 'as') body = value;
    else language = value;
  }
  return { body, language };
}

/**
 * The contents of the DO statement `node` whose source text is `statementText`, or
 * undefined when it is not a DO statement. Requires the parser to be loaded.
 */
export function doBlockContents(node: Node, statementText: string): DoBlockContents | undefined {
  const options = doOptions(node);
  if (!options) return undefined;
  const { body, language } = options;
  if (language !== 'plpgsql') return { sql: [], dynamic: [], otherLanguage: language };
  // NOTE: a dollar-quoted body is the text verbatim; a body in '...' with doubled quotes is
  // not, and its statements are then placed at the start of the DO statement.
  const bodyOffset = statementText.indexOf(body);
  let tag = 'mg_body';
  while (body.includes(`$${tag}$`)) tag += '_';
  // NOTE: the body starts on line 1 of this function text, so PL/pgSQL's line numbers are body lines.
  const parsed = parsePlpgsqlToJson(`CREATE FUNCTION mg_do_block() RETURNS void LANGUAGE plpgsql AS $${tag}$${body}$${tag}$`);
  if (!parsed.ok) return { sql: [], dynamic: [], error: parsed.message };
  const lineStarts = [0];
  for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  /** Where `text` is in the body, searching from the start of PL/pgSQL's line `lineno`. */
  const place = (text: string, lineno: number | undefined): number => {
    const lineStart = lineStarts[Math.max(0, (lineno ?? 1) - 1)] ?? 0;
    if (bodyOffset < 0) return 0;
    const at = body.indexOf(text, lineStart);
    return bodyOffset + (at >= 0 ? at : lineStart);
  };
  const contents: DoBlockContents = { sql: [], dynamic: [] };
  walkPlpgsql(JSON.parse(parsed.json), (type, stmt) => {
    const lineno = stmt.lineno as number | undefined;
    if (type === 'PLpgSQL_stmt_execsql') {
      const text = expressionText(stmt.sqlstmt);
      if (text !== undefined) contents.sql.push({ text, offset: place(text, lineno) });
    } else if (type === 'PLpgSQL_stmt_dynexecute' || type === 'PLpgSQL_stmt_dynfors' || (type === 'PLpgSQL_stmt_open' && stmt.dynquery)) {
      const expression = expressionText(stmt.query ?? stmt.dynquery) ?? '';
      // NOTE: EXECUTE of one plain string literal is not dynamic: its SQL is checked like static SQL.
      // PL/pgSQL's expression text starts at its first token and ends at its last (read_sql_construct
      // trims trailing white space), so a literal is the whole text, and its SQL starts after the quote.
      const literal = /^'([^']*)'$/.exec(expression);
      if (literal && type === 'PLpgSQL_stmt_dynexecute') contents.sql.push({ text: literal[1]!, offset: place(expression, lineno) + 1 });
      else contents.dynamic.push({ expression, offset: place(expression, lineno) });
    }
  });
  contents.sql.sort((a, b) => a.offset - b.offset);
  return contents;
}

function expressionText(expr: unknown): string | undefined {
  return (expr as { PLpgSQL_expr?: { query?: string } } | undefined)?.PLpgSQL_expr?.query;
}

/** Calls `visit` for every `PLpgSQL_stmt_*` object in the tree, in source order. */
function walkPlpgsql(value: unknown, visit: (type: string, stmt: Record<string, unknown>) => void): void {
  // NOTE: arrays too: Object.entries gives their items in order.
  if (!value || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith('PLpgSQL_stmt_') && child && typeof child === 'object') visit(key, child as Record<string, unknown>);
    walkPlpgsql(child, visit);
  }
}
