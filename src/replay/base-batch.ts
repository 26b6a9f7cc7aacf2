/**
 * Applies the base (the migrations already applied, or the schema file) many statements per
 * round trip, with the outcome of running each statement on its own.
 *
 * The base is not traced: replay needs only the schema and data it leaves, and which of its
 * statements fail. One round trip and one commit per statement were about half of the base's
 * time on PGlite (BENCHMARKS.md). A batch is one multi-statement simple query, which Postgres
 * runs as one implicit transaction block, all of it or nothing ("Multiple Statements in a
 * Simple Query", https://www.postgresql.org/docs/current/protocol-flow.html). So:
 * - a batch that fails has changed nothing, and its statements run again one by one: the
 *   failures, and the database after them, are those of a statement-by-statement run;
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
 * The most one batch holds. NOTE: a failing batch runs again statement by statement, so this
 * bounds the work repeated; it also keeps one call far below PGlite's call deadline
 * (pglite-thread.ts).
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
 * and CALL and DO (a procedure or DO block may COMMIT, which only works outside a block).
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

  /** Runs what is queued. */
  async flush(): Promise<void> {
    const items = this.pending;
    this.pending = [];
    this.pendingCharacters = 0;
    if (items.length > 0) await this.ownStatements(items);
  }

  /**
   * Statements that each commit on their own: one batch, or, when it fails, each half of it
   * in turn, down to the statement that fails on its own. NOTE: halving finds a failure in a
   * batch of 100 in about 14 round trips rather than 100.
   */
  private async ownStatements(items: readonly BaseStatement[]): Promise<void> {
    if (items.length === 1) return this.one(items[0]!);
    const sequences = await this.sequences();
    if (await this.succeeds(`SET CONSTRAINTS ALL IMMEDIATE;\n${joined(items.map((item) => item.statement))}`)) return;
    await this.restoreSequences(sequences);
    const half = Math.ceil(items.length / 2);
    await this.ownStatements(items.slice(0, half));
    await this.ownStatements(items.slice(half));
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

  private async one(item: BaseStatement): Promise<void> {
    const error = await this.exec(item.statement.text);
    if (error) this.failed(item, error);
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
