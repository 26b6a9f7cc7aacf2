/**
 * Parsing with libpg-query, the real PostgreSQL parser: SQL text -> statements with exact
 * source spans. A region that does not parse is split at top-level semicolons and each
 * piece is parsed on its own, so one syntax error costs one statement, never the file.
 */
import type { Node, ParseResult, RawStmt } from '@pgsql/types';
import { nodeType } from './ast.js';
import { doBlockContents } from './do-block.js';
import { LIMITS } from './limits.js';
import { loadPgQuery, parseToJson, type RawParse, type SqlErrorLike } from './pg-query.js';
import { type LineIndex, type Span, Utf8OffsetMap } from './source.js';
import { type Chunk, skipTrivia, splitStatements } from './split.js';

/** Which part of a migration a statement runs in. */
export type SectionRole = 'up' | 'down';

/** One parsed SQL statement. */
export interface Statement {
  /** 0-based position among the statements of its file. */
  index: number;
  /** The AST as libpg-query returns it, e.g. `{ AlterTableStmt: {...} }`. */
  node: Node;
  /** The node type, e.g. `AlterTableStmt`. */
  kind: string;
  /** The statement's source text, without leading comments or the final semicolon. */
  text: string;
  span: Span;
  section: SectionRole;
  /**
   * For a statement inside a `DO` block: the index of that DO statement. It runs as part of
   * the DO (replay runs the DO, not it), and is here so that the rules see it.
   */
  enclosing?: number;
}

/** Something in the text that is not a statement we can analyze. */
export interface ParseIssue {
  /**
   * `limit`: part or all of the file was not checked because it is over a limit in LIMITS.
   * `dynamic-sql`: SQL built at run time (EXECUTE in a DO block), which cannot be checked.
   * `convention`: the migration tool will not run the file as it reads (MigrationFile.notes).
   */
  kind: 'syntax-error' | 'meta-command' | 'limit' | 'dynamic-sql' | 'convention';
  message: string;
  /** For `convention` issues: how serious the convention judged it. */
  severity?: 'error' | 'warning' | 'notice';
  span: Span;
}

/** The result of parsing one region (a whole file, or one section of a file). */
export interface ParsedRegion {
  statements: Statement[];
  issues: ParseIssue[];
}

/**
 * Loads the parser's WebAssembly module; await it once before parseRegion. `compiled`
 * reuses a module compiled elsewhere (see loadPgQuery).
 */
export function loadParser(compiled?: WebAssembly.Module): Promise<void> {
  return loadPgQuery(compiled);
}

/** The statements of a piece of SQL text, or the parser's error. */
export type ParseAttempt = { ok: true; stmts: RawStmt[]; ascii: boolean } | { ok: false; error: SqlErrorLike };

/** Parses one piece of SQL text (any number of statements). Never throws: failures are ParseAttempts. */
export type SqlParser = (sql: string) => ParseAttempt;

/** Turns the parser's JSON into statements. Never throws. */
export function toParseAttempt(raw: RawParse): ParseAttempt {
  if (!raw.ok) return raw;
  try {
    return { ok: true, stmts: (JSON.parse(raw.json) as ParseResult).stmts ?? [], ascii: raw.ascii };
  } catch (error) {
    return failedParse(error);
  }
}

/** Parses on this thread; never throws. Requires loadParser() to have resolved. */
export const parseSql: SqlParser = (sql) => {
  try {
    return toParseAttempt(parseToJson(sql));
  } catch (error) {
    return failedParse(error);
  }
};

/**
 * A region of a file as the parser reads it: psql meta-commands blanked (with a note for
 * each), NUL bytes replaced, and split into batches. NOTE: planned once and handed to both
 * regionTexts and parsePlannedRegion when a caller parses ahead: blanking and splitting a
 * region of megabytes takes tens of milliseconds.
 */
export interface RegionPlan {
  lines: LineIndex;
  start: number;
  end: number;
  sql: string;
  issues: readonly ParseIssue[];
  chunks: Chunk[];
}

/** Plans `lines.text` between `start` and `end` (character offsets) for parsing (RegionPlan). */
export function planRegion(lines: LineIndex, start: number, end: number): RegionPlan {
  const { text: blanked, issues } = blankMetaCommands(lines, start, end);
  // NOTE: the parser reads a C string, so a NUL byte would silently end the input there.
  // U+FFFD has the same length in UTF-16 (offsets stay valid) and is rejected outside
  // literals and comments, so nothing after a NUL escapes checking.
  const sql = blanked.includes('\0') ? blanked.replaceAll('\0', '\uFFFD') : blanked;
  return { lines, start, end, sql, issues, chunks: batches(sql) };
}

/**
 * The texts parsePlannedRegion hands to the parser first for this region (the whole
 * region, or its batches when large), so a caller can parse them ahead, e.g. on worker threads.
 */
export function regionTexts(region: RegionPlan): string[] {
  return region.chunks
    .map((batch) => region.sql.slice(batch.start, batch.end))
    .filter((text) => skipTrivia(text, 0) < text.length);
}

/**
 * Parses `lines.text` between `start` and `end` (character offsets). Statement indexes
 * continue from `firstIndex`; past LIMITS.statementsPerFile statements (counting from
 * index 0) parsing stops with a `limit` issue. Requires loadParser() to have resolved.
 */
export function parseRegion(lines: LineIndex, start: number, end: number, section: SectionRole, firstIndex = 0, parse: SqlParser = parseSql): ParsedRegion {
  return parsePlannedRegion(planRegion(lines, start, end), section, firstIndex, parse);
}

/** parseRegion of a region planned before (planRegion). */
export function parsePlannedRegion(region: RegionPlan, section: SectionRole, firstIndex = 0, parse: SqlParser = parseSql): ParsedRegion {
  const { lines, start, end, sql, issues: notes, chunks } = region;
  const issues = [...notes];
  const statements: Statement[] = [];
  const maxStatements = Math.max(0, LIMITS.statementsPerFile - firstIndex);
  for (const batch of chunks) {
    const stoppedAt = parseBatch(sql.slice(batch.start, batch.end), start + batch.start, { lines, section, firstIndex, parse }, statements, issues);
    if (stoppedAt !== undefined) {
      issues.push({
        kind: 'limit',
        message: `more than ${LIMITS.syntaxErrorsPerFile} statements of this file do not parse (is it SQL?), and the rest of the file was skipped`,
        span: lines.span(stoppedAt, end),
      });
      break;
    }
    if (statements.length > maxStatements) {
      const firstUnchecked = statements[maxStatements]!.span.startOffset;
      statements.length = maxStatements;
      issues.push({
        kind: 'limit',
        message: `the file has more than ${LIMITS.statementsPerFile.toLocaleString('en-US')} statements (the limit per file), and the statements from here to the end were skipped; split it into smaller migrations`,
        span: lines.span(firstUnchecked, end),
      });
      break;
    }
  }
  issues.sort((a, b) => a.span.startOffset - b.span.startOffset);
  return { statements, issues };
}

/**
 * Regions larger than this are parsed in batches of whole statements.
 * NOTE: libpg-query returns the AST of one call as a single JSON string; for a region of
 * many megabytes that string (about 6x the SQL) and its parse would dominate memory and
 * could pass V8's maximum string length. Batches keep each call small. A statement whose
 * body holds top-level semicolons (`BEGIN ATOMIC ... END`) and straddles a batch boundary
 * fails to parse: fail closed, and only in regions over this size.
 */
const BATCH_CHARS = 1024 * 1024;

/** The region as one piece, or, when large, as runs of whole statements of about BATCH_CHARS. */
function batches(text: string): Chunk[] {
  if (text.length <= BATCH_CHARS) return [{ start: 0, end: text.length }];
  const result: Chunk[] = [];
  for (const chunk of splitStatements(text)) {
    const last = result[result.length - 1];
    if (last && chunk.end - last.start <= BATCH_CHARS) last.end = chunk.end;
    else result.push({ start: last ? last.end : 0, end: chunk.end });
  }
  return result;
}

/**
 * Parses one piece of text that starts at `offset`. When it does not parse, it is split at
 * top-level semicolons and each piece is parsed on its own, so one syntax error costs one
 * statement, never the file. Returns the offset where it stopped when it reached
 * LIMITS.syntaxErrorsPerFile.
 */
function parseBatch(text: string, offset: number, region: RegionContext, statements: Statement[], issues: ParseIssue[]): number | undefined {
  const { lines, parse } = region;
  const attempt = tryParse(text, parse);
  if (attempt.ok) {
    collectStatements(attempt, text, offset, region, statements, issues);
    return undefined;
  }
  let syntaxErrors = issues.filter((issue) => issue.kind === 'syntax-error').length;
  let chunkFailed = false;
  for (const chunk of splitStatements(text)) {
    const chunkText = text.slice(chunk.start, chunk.end);
    if (skipTrivia(chunkText, 0) === chunkText.length) continue;
    // NOTE: binary or non-SQL input fails at nearly every semicolon; one finding per
    // failure would bury the report (and take time), so stop after a fixed number.
    if (syntaxErrors >= LIMITS.syntaxErrorsPerFile) return offset + chunk.start + skipTrivia(chunkText, 0);
    const result = tryParse(chunkText, parse);
    if (result.ok) {
      collectStatements(result, chunkText, offset + chunk.start, region, statements, issues);
    } else {
      chunkFailed = true;
      syntaxErrors++;
      issues.push(syntaxIssue(result.error, chunkText, offset + chunk.start, lines));
    }
  }
  // NOTE: fail closed. If the pieces parse but the whole did not (our splitter cut
  // somewhere the parser would not), the original error still stands.
  if (!chunkFailed) issues.push(syntaxIssue(attempt.error, text, offset, lines));
  return undefined;
}

/** What parseBatch needs to know about the region it parses in. */
interface RegionContext {
  lines: LineIndex;
  section: SectionRole;
  /** Index of the region's first statement in the file. */
  firstIndex: number;
  parse: SqlParser;
}

function tryParse(sql: string, parse: SqlParser): ParseAttempt {
  return skipTrivia(sql, 0) === sql.length ? { ok: true, stmts: [], ascii: true } : parse(sql);
}

/**
 * A parse that threw, as a parse failure. NOTE: input nested deeply enough overflows the
 * stack (in the WebAssembly parser, or in JSON.parse of its tree); that must become a
 * parse-error on the statement, never a crash of the run.
 */
function failedParse(error: unknown): ParseAttempt {
  const err = error as SqlErrorLike | undefined;
  return { ok: false, error: { message: String(err?.message ?? error), sqlDetails: err?.sqlDetails } };
}

/** Adds the parsed statements of `regionText` (which starts at `regionStart` in the file) to `into`, DO blocks' statements after their DO. */
function collectStatements(parsed: { stmts: RawStmt[]; ascii: boolean }, regionText: string, regionStart: number, region: RegionContext, into: Statement[], issues: ParseIssue[]): void {
  const { lines, section } = region;
  // NOTE: in ASCII text byte offsets are character offsets.
  const bytes = parsed.ascii ? undefined : new Utf8OffsetMap(regionText);
  const charOffset = (byte: number) => (bytes ? bytes.charOffset(byte) : byte);
  for (const raw of parsed.stmts) {
    if (!raw.stmt) continue;
    const byteStart = raw.stmt_location ?? 0;
    const localStart = charOffset(byteStart);
    const localEnd = raw.stmt_len ? charOffset(byteStart + raw.stmt_len) : regionText.length;
    const from = skipTrivia(regionText, localStart, localEnd);
    const to = from + regionText.slice(from, localEnd).trimEnd().replace(/;$/, '').trimEnd().length;
    const kind = nodeType(raw.stmt) ?? 'Unknown';
    const statement: Statement = {
      index: region.firstIndex + into.length,
      node: raw.stmt,
      kind,
      text: regionText.slice(from, to),
      span: lines.span(regionStart + from, regionStart + to),
      section,
    };
    into.push(statement);
    if (kind === 'DoStmt') collectDoBlock(statement, regionStart + from, region, into, issues);
  }
}

/**
 * Adds the static SQL statements of a DO block (see do-block.ts) after it, at their own
 * place in the file; EXECUTE of run-time text is a `dynamic-sql` issue (it cannot be checked).
 */
function collectDoBlock(block: Statement, blockStart: number, region: RegionContext, into: Statement[], issues: ParseIssue[]): void {
  const { lines } = region;
  let contents: ReturnType<typeof doBlockContents>;
  try {
    contents = doBlockContents(block.node, block.text);
  } catch (error) {
    // NOTE: like parsing, never a crash of the run: a body nested deeply enough overflows the stack.
    issues.push({ kind: 'dynamic-sql', message: `the body of this DO block could not be analysed (${String((error as Error)?.message ?? error)}), so the SQL in it was not checked.`, span: block.span });
    return;
  }
  if (!contents) return;
  if (contents.otherLanguage !== undefined) {
    issues.push({
      kind: 'dynamic-sql',
      message: `the body of this DO block is in language "${contents.otherLanguage}", not plpgsql, so migration-guard cannot see the SQL it runs. Review it by hand (Postgres looks the language up by its exact name: LANGUAGE 'PLpgSQL' is not plpgsql).`,
      span: block.span,
    });
    return;
  }
  if (contents.error !== undefined) {
    issues.push({ kind: 'syntax-error', message: `the PL/pgSQL body of this DO block does not parse: ${contents.error}`, span: block.span });
    return;
  }
  for (const dynamic of contents.dynamic) {
    const shown = dynamic.expression.length > 120 ? `${dynamic.expression.slice(0, 120)}...` : dynamic.expression;
    issues.push({
      kind: 'dynamic-sql',
      message: `EXECUTE in this DO block runs SQL built at run time (${shown}), which migration-guard cannot see. Review that SQL by hand, or write it as a plain statement so that it is checked.`,
      span: lines.span(blockStart + dynamic.offset, blockStart + dynamic.offset + dynamic.expression.length),
    });
  }
  for (const piece of contents.sql) {
    const start = blockStart + piece.offset;
    const attempt = tryParse(piece.text, region.parse);
    if (!attempt.ok) {
      issues.push({ kind: 'dynamic-sql', message: `this statement in a DO block does not parse on its own (${attempt.error.message}), so it was not checked.`, span: lines.span(start, start + piece.text.length) });
      continue;
    }
    const first = into.length;
    collectStatements(attempt, piece.text, start, region, into, issues);
    for (let i = first; i < into.length; i++) into[i]!.enclosing ??= block.index;
  }
}

function syntaxIssue(error: SqlErrorLike, regionText: string, regionStart: number, lines: LineIndex): ParseIssue {
  const cursor = error.sqlDetails?.cursorPosition;
  const local = cursor === undefined ? skipTrivia(regionText, 0) : new Utf8OffsetMap(regionText).charOffset(cursor);
  const at = regionStart + Math.min(local, regionText.length);
  const lineEnd = lines.lineStart(lines.positionAt(at).line + 1);
  // NOTE: an error "at end of input" sits just past the text; the span must not.
  const end = Math.min(regionStart + regionText.length, Math.max(at + 1, lineEnd - 1));
  return { kind: 'syntax-error', message: error.message, span: lines.span(at, end) };
}

const META_COMMAND = /^[ \t]*\\/;
const COPY_FROM_STDIN = /^\s*COPY\b[^;]*\bFROM\s+stdin\b[^;]*;\s*$/i;

/**
 * psql meta-commands (`\set`, `\i`, `\connect`) and COPY ... FROM stdin data are not SQL:
 * blank them out (same length, so offsets stay valid) and report each as a note.
 */
function blankMetaCommands(lines: LineIndex, start: number, end: number): { text: string; issues: ParseIssue[] } {
  const text = lines.text.slice(start, end);
  if (!text.includes('\\')) return { text, issues: [] };
  const issues: ParseIssue[] = [];
  const parts = text.split('\n');
  let offset = start;
  let inCopyData = false;
  for (let i = 0; i < parts.length; i++) {
    const line = parts[i]!;
    const lineStart = offset;
    offset += line.length + 1;
    if (inCopyData) {
      if (/^\\\.\r?$/.test(line)) inCopyData = false;
      parts[i] = ' '.repeat(line.length);
      continue;
    }
    if (COPY_FROM_STDIN.test(line)) {
      inCopyData = true;
      continue;
    }
    if (META_COMMAND.test(line)) {
      const command = line.trim().split(/\s+/)[0]!;
      issues.push({
        kind: 'meta-command',
        message: `psql meta-command ${command} is not SQL; it was skipped (statements that use its variables will not parse).`,
        span: lines.span(lineStart, lineStart + line.replace(/\r$/, '').length),
      });
      parts[i] = ' '.repeat(line.length);
    }
  }
  return { text: parts.join('\n'), issues };
}
