/**
 * Applies the base (the migrations already applied, or the schema file) many statements per
 * round trip, with the outcome of running each statement on its own.
 *
 * The base is not traced: replay needs only the schema and data it leaves, and which of its
 * statements fail. One round trip and one commit per statement were about half of the base's
 * time on PGlite (BENCHMARKS.md). A batch is one multi-statement simple query, which Postgres
 * runs as one implicit transaction block, all of it or nothing ("Multiple Statements in a
 * Simple Query", https://www.postgresql.org/docs/current/protocol-flow.html). So:
 * - a batch that fails has changed nothing (its sequences are put back), and its statements
 *   run again each in a transaction of its own (eachCommitted), as do the next ones for a
 *   while: the failures, and the database after them, are those of a statement-by-statement
 *   run;
 * - a statement that behaves differently inside a transaction block without failing there
 *   runs alone (`runsAlone`);
 * - deferred constraints are checked after each statement (SET CONSTRAINTS ALL IMMEDIATE), as
 *   the commit after each statement would check them.
 */
import type { Node } from '@pgsql/types';
import { stringList, walk } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { type ReplayDatabase, type SqlError, sqlError } from './interface.js';
import { mustRunOutsideTransaction } from './trace.js';

/** A base statement and the file it belongs to. */
export interface BaseStatement {
  path: string;
  statement: Statement;
}

/**
 * The most one batch holds. NOTE: a failing batch runs again (eachCommitted), so this bounds
 * the work repeated; it also keeps one call far below PGlite's call deadline (pglite-thread.ts).
 */
const BATCH_LIMITS = { statements: 250, characters: 200_000 } as const;

/**
 * Statements that run alone, never in a batch: those Postgres refuses inside a transaction
 * block (they would only fail the batch), and those that succeed there with another effect:
 * LOCK and DECLARE (an error outside a block), SET (SET LOCAL and SET TRANSACTION outlive
 * their statement inside a block; standard_conforming_strings changes how the statements
 * after it parse, and a batch is parsed as a whole before it runs), set_config (its local
 * form is SET LOCAL), SET CONSTRAINTS, a temporary table ON COMMIT (it lives until the
 * batch commits), PREPARE and DEALLOCATE (prepared statements outlive a failed batch), DISCARD,
 * CALL and DO (a procedure or DO block may COMMIT, which only works outside a block), and
 * CLUSTER (without a table, refused in a block).
 */
const ALONE_KINDS: ReadonlySet<string> = new Set([
  'VariableSetStmt',
  'LockStmt',
  'DeclareCursorStmt',
  'ConstraintsSetStmt',
  'PrepareStmt',
  'DeallocateStmt',
  'DiscardStmt',
  'CallStmt',
  'DoStmt',
  'ClusterStmt',
]);

/**
 * The server version whose refusals every statement that runs alone includes. NOTE: Postgres
 * 11 still refused ALTER TYPE ... ADD VALUE in a block; later versions accept it but refuse to
 * use the new value in the same transaction, so it runs alone on every version.
 */
const REFUSALS_OF_VERSION = 11;

/** A sequence's position, as setval takes it: its last value (bigint, as text) and whether nextval returned it. */
interface SequenceState {
  last: string;
  called: boolean;
}

/**
 * Each sequence's position. NOTE: pg_get_sequence_data (Postgres 18) reads it exactly;
 * before it, pg_sequence_last_value says nothing of a sequence whose next nextval returns
 * its last value (never used, or set with is_called false): it is taken to be at its start.
 */
const SEQUENCES_SQL = {
  exact: 'SELECT s.seqrelid::int8::float8 AS oid, d.last_value::text AS last, d.is_called AS called FROM pg_sequence s, pg_get_sequence_data(s.seqrelid) d',
  beforePostgres18: 'SELECT seqrelid::int8::float8 AS oid, coalesce(pg_sequence_last_value(seqrelid), seqstart)::text AS last, pg_sequence_last_value(seqrelid) IS NOT NULL AS called FROM pg_sequence',
} as const;

/** Whether `statement` must run on its own rather than in a batch (see ALONE_KINDS). */
export function runsAlone(statement: Statement): boolean {
  if (ALONE_KINDS.has(statement.kind) || mustRunOutsideTransaction(statement.node, REFUSALS_OF_VERSION)) return true;
  let alone = false;
  walk(statement.node, (type, payload) => {
    if (type === 'FuncCall' && stringList(payload.funcname as Node[] | undefined).at(-1) === 'set_config') alone = true;
    // NOTE: CREATE TABLE spells it `oncommit`; CREATE TABLE AS and SELECT INTO keep it in their (unwrapped) IntoClause as `onCommit`.
    const onCommit = type === 'CreateStmt' ? payload.oncommit : (payload.into as { onCommit?: string } | undefined)?.onCommit;
    if (onCommit !== undefined && onCommit !== 'ONCOMMIT_NOOP') alone = true;
  });
  return alone;
}

/**
 * Runs base statements in batches. `failed` hears each statement that fails, in file order,
 * with the error it has when run on its own.
 */
export class BaseBatches {
  private pending: BaseStatement[] = [];
  private pendingCharacters = 0;
  /** SEQUENCES_SQL for this server, once known. */
  private sequencesSql: string | undefined;
  /** How many more statements run each committed (eachCommitted) before batches are tried again: set by a failed batch. */
  private carefulFor = 0;
  /** Whether eachCommitted set PROGRESS_SETTING in the session. */
  private markUsed = false;
  /** The texts eachCommitted sent: the first part of each progress mark. */
  private texts = 0;

  constructor(
    private readonly db: ReplayDatabase,
    private readonly failed: (item: BaseStatement, error: SqlError) => void,
  ) {}

  /** A statement outside any transaction block of its file: it commits on its own. */
  async own(item: BaseStatement): Promise<void> {
    if (runsAlone(item.statement)) {
      await this.flush();
      await this.one(item);
      return;
    }
    this.pending.push(item);
    this.pendingCharacters += item.statement.text.length;
    if (this.pending.length >= BATCH_LIMITS.statements || this.pendingCharacters >= BATCH_LIMITS.characters) await this.flush();
  }

  /**
   * A file's transaction block: BEGIN, `statements`, then `end` (the file's COMMIT or ROLLBACK,
   * or ROLLBACK when the file never ends it). Its first failure rolls the block back and its
   * statements after that one commit on their own.
   */
  async block(path: string, statements: readonly Statement[], end: string): Promise<void> {
    await this.flush();
    if (await this.wholeBlock(statements, end)) return;
    await this.db.exec('BEGIN');
    for (const [index, statement] of statements.entries()) {
      const error = await this.exec(statement.text);
      if (!error) continue;
      await this.db.exec('ROLLBACK');
      this.failed({ path, statement }, error);
      for (const rest of statements.slice(index + 1)) await this.own({ path, statement: rest });
      return;
    }
    await this.db.exec(end);
  }

  /** Runs what is queued and clears the progress mark from the session. */
  async finish(): Promise<void> {
    await this.flush();
    if (this.markUsed) await this.db.exec(`RESET ${PROGRESS_SETTING}`);
  }

  /** Runs what is queued. */
  async flush(): Promise<void> {
    const items = this.pending;
    this.pending = [];
    this.pendingCharacters = 0;
    if (items.length === 0) return;
    if (this.carefulFor > 0 || items.length === 1) {
      this.carefulFor = Math.max(0, this.carefulFor - items.length);
      await this.eachCommitted(items);
    } else if (!(await this.oneTransaction(items))) {
      this.carefulFor = BATCH_LIMITS.statements;
      await this.eachCommitted(items);
    }
  }

  /** Statements that each commit on their own, as one transaction; false (rolled back, sequences put back) when one failed. */
  private async oneTransaction(items: readonly BaseStatement[]): Promise<boolean> {
    const statements = items.map((item) => item.statement);
    const sequences = statements.some(mayMoveSequences) ? await this.sequences() : new Map<number, SequenceState>();
    if (await this.succeeds(`SET CONSTRAINTS ALL IMMEDIATE;\n${joined(statements)}`)) return true;
    await this.restoreSequences(sequences);
    return false;
  }

  /**
   * Statements that each commit on their own, each in a transaction of its own but many per
   * round trip: each is followed by a progress mark and a COMMIT, so a failure leaves the
   * ones before it committed and the mark says where it stopped. NOTE: for the statements
   * after a failed batch, where failures come in runs (a role or an extension the database
   * lacks, over 40% of a history's statements in Supabase projects). Postgres parses a whole
   * text before it runs any of it, so after a failure the next text is short (twice the run
   * that succeeded) and grows while none fails; a failure keeps the batches away for another
   * BATCH_LIMITS.statements statements.
   */
  private async eachCommitted(items: readonly BaseStatement[]): Promise<void> {
    let window = FIRST_WINDOW;
    for (let from = 0; from < items.length; ) {
      const part = items.slice(from, from + window);
      if (part.length === 1) {
        const succeeded = await this.one(part[0]!);
        if (!succeeded) this.carefulFor = BATCH_LIMITS.statements;
        from++;
        window = succeeded ? 2 : 1;
        continue;
      }
      const text = ++this.texts;
      const { sql, starts } = marked(text, part.map((item) => item.statement));
      this.markUsed = true;
      const error = await this.exec(sql);
      if (!error) {
        from += part.length;
        window = Math.min(window * 2, BATCH_LIMITS.statements);
        continue;
      }
      this.carefulFor = BATCH_LIMITS.statements;
      const [row] = await this.db.query<{ mark: string }>(`SELECT pg_catalog.current_setting('${PROGRESS_SETTING}') AS mark`);
      const [markedText, done] = (row?.mark ?? '').split(':').map(Number);
      if (markedText !== text) {
        // NOTE: Postgres parses the whole text before it runs any of it: a syntax error (it
        // may be a later statement's) ran nothing, not even the first mark. The first
        // statement runs alone (an error of its own is then exact), and the rest goes on.
        await this.one(part[0]!);
        from++;
        window = 1;
        continue;
      }
      this.failed(part[done!]!, atStatement(error, starts[done!]!));
      from += done! + 1;
      // NOTE: where every statement fails (a missing role's GRANTs), one at a time is cheapest.
      window = Math.max(1, 2 * done!);
    }
  }

  /** The block in as few round trips as the limits allow; false (rolled back, sequences restored) when any of it failed. */
  private async wholeBlock(statements: readonly Statement[], end: string): Promise<boolean> {
    const sequences = await this.sequences();
    const parts: string[] = [];
    for (let first = 0; first === 0 || first < statements.length; first += BATCH_LIMITS.statements) {
      parts.push(joined(statements.slice(first, first + BATCH_LIMITS.statements)));
    }
    parts[0] = ['BEGIN', parts[0]].filter(Boolean).join(';\n');
    parts[parts.length - 1] = [parts.at(-1), end].filter(Boolean).join('\n;\n');
    for (const sql of parts) {
      if (await this.succeeds(sql)) continue;
      await this.db.exec('ROLLBACK');
      await this.restoreSequences(sequences);
      return false;
    }
    return true;
  }

  /**
   * Where each sequence stands. NOTE: a sequence is the one thing a rolled-back batch leaves
   * changed that a later statement can see (the values nextval handed out), so a failed
   * batch puts the sequences back before its statements run again.
   */
  private async sequences(): Promise<Map<number, SequenceState>> {
    this.sequencesSql ??= (await this.db.query<{ exact: boolean }>("SELECT to_regprocedure('pg_get_sequence_data(regclass)') IS NOT NULL AS exact"))[0]?.exact ? SEQUENCES_SQL.exact : SEQUENCES_SQL.beforePostgres18;
    const rows = await this.db.query<{ oid: number } & SequenceState>(this.sequencesSql);
    return new Map(rows.map(({ oid, ...state }) => [Number(oid), state]));
  }

  private async restoreSequences(before: ReadonlyMap<number, SequenceState>): Promise<void> {
    if (before.size === 0) return;
    const now = await this.sequences();
    const moved = [...before].filter(([oid, state]) => now.has(oid) && (now.get(oid)!.last !== state.last || now.get(oid)!.called !== state.called));
    if (moved.length === 0) return;
    await this.db.query(`SELECT ${moved.map(([oid, state]) => `setval(${oid}::oid, ${state.last}, ${state.called})`).join(', ')}`);
  }

  /** Runs one statement on its own; whether it succeeded. */
  private async one(item: BaseStatement): Promise<boolean> {
    const error = await this.exec(item.statement.text);
    if (error) this.failed(item, error);
    return error === undefined;
  }

  private async succeeds(sql: string): Promise<boolean> {
    return (await this.exec(sql)) === undefined;
  }

  /** Runs SQL; the error, or undefined. */
  private async exec(sql: string): Promise<SqlError | undefined> {
    try {
      await this.db.exec(sql);
      return undefined;
    } catch (error) {
      return sqlError(error);
    }
  }
}

/** Statements as one query text. NOTE: a statement's text may end in a line comment, hence the line break before each semicolon. */
function joined(statements: readonly Statement[]): string {
  return statements.map((statement) => statement.text).join('\n;\n');
}

/** How many statements eachCommitted sends in its first text, and after a failure at least. */
const FIRST_WINDOW = 4;

/** The session setting eachCommitted marks its progress in. */
const PROGRESS_SETTING = 'migration_guard.base_progress';

/**
 * The statements as one text, each followed by its progress mark (`text:statements done`)
 * and COMMIT; `starts`: where each begins, in characters.
 */
function marked(text: number, statements: readonly Statement[]): { sql: string; starts: number[] } {
  const parts = [`SELECT pg_catalog.set_config('${PROGRESS_SETTING}', '${text}:0', false);\nCOMMIT;\n`];
  const starts: number[] = [];
  let length = characters(parts[0]!);
  for (const [index, statement] of statements.entries()) {
    const part = `${statement.text}\n;SELECT pg_catalog.set_config('${PROGRESS_SETTING}', '${text}:${index + 1}', false);\nCOMMIT;\n`;
    starts.push(length);
    length += characters(part);
    parts.push(part);
  }
  return { sql: parts.join(''), starts };
}

/** An error of a statement in a longer text, as the statement alone reports it: its position counted from the statement. */
function atStatement(error: SqlError, start: number): SqlError {
  if (error.position === undefined) return error;
  const { position, ...rest } = error;
  return position > start ? { ...rest, position: position - start } : rest;
}

/** Characters as Postgres counts them in an error position (code points, not UTF-16 units). */
function characters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Statement kinds that never move a sequence: none of them evaluates an expression over rows
 * (an index expression must be immutable, nextval is not). For the others (INSERT, UPDATE,
 * ALTER TABLE ... ADD COLUMN with a serial default, ...) a batch reads the sequences first, to
 * put them back if it fails.
 */
const KEEPS_SEQUENCES: ReadonlySet<string> = new Set([
  'GrantStmt',
  'GrantRoleStmt',
  'AlterOwnerStmt',
  'AlterDefaultPrivilegesStmt',
  'CommentStmt',
  'CreateRoleStmt',
  'AlterRoleStmt',
  'AlterRoleSetStmt',
  'DropRoleStmt',
  'CreateSchemaStmt',
  'CreateStmt',
  'IndexStmt',
  'ViewStmt',
  'CreateFunctionStmt',
  'AlterFunctionStmt',
  'CreateTrigStmt',
  'CreatePolicyStmt',
  'AlterPolicyStmt',
  'RuleStmt',
  'DropStmt',
  'RenameStmt',
  'AlterObjectSchemaStmt',
  'CreateEnumStmt',
  'CompositeTypeStmt',
  'CreateDomainStmt',
  'DefineStmt',
  'CreateSeqStmt',
  'CreatePublicationStmt',
  'CreateCastStmt',
]);

function mayMoveSequences(statement: Statement): boolean {
  return !KEEPS_SEQUENCES.has(statement.kind);
}

