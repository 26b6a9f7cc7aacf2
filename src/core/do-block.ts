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
}

/** The body of a DO statement when it is PL/pgSQL (the default language), else undefined. */
function plpgsqlBody(node: Node): string | undefined {
  const args = nodeAs<DoStmt>(node, 'DoStmt')?.args ?? [];
  let body: string | undefined;
  let language = 'plpgsql';
  for (const arg of args) {
    const def = nodeAs<DefElem>(arg, 'DefElem');
    const value = nodeAs<{ sval?: string }>(def?.arg, 'String')?.sval;
    if (def?.defname === 'as') body = value;
    else if (def?.defname === 'language' && value) language = value.toLowerCase();
  }
  return language === 'plpgsql' ? body : undefined;
}

/**
 * The contents of the DO statement `node` whose source text is `statementText`, or
 * undefined when it is not a PL/pgSQL DO block. Requires the parser to be loaded.
 */
export function doBlockContents(node: Node, statementText: string): DoBlockContents | undefined {
  const body = plpgsqlBody(node);
  if (body === undefined) return undefined;
  // NOTE: a dollar-quoted body is the text verbatim; a body in '...' with doubled quotes is
  // not, and its statements are then placed at the start of the DO statement.
  const found = statementText.indexOf(body);
  const bodyOffset = found >= 0 ? found : 0;
  const located = found >= 0;
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
    if (!located) return 0;
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
      const literal = /^'([^']*)'$/.exec(expression.trim());
      if (literal && type === 'PLpgSQL_stmt_dynexecute') contents.sql.push({ text: literal[1]!, offset: place(expression, lineno) + expression.indexOf("'") + 1 });
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
  if (Array.isArray(value)) {
    for (const item of value) walkPlpgsql(item, visit);
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith('PLpgSQL_stmt_') && child && typeof child === 'object') visit(key, child as Record<string, unknown>);
    walkPlpgsql(child, visit);
  }
}
