/**
 * The replay stage: runs the migrations of a change set on a real Postgres (PGlite or a
 * server) and returns what Postgres did, before the rules run. Base schema first (the
 * applied migrations, or the configured schema file), then each new migration statement by
 * statement with its locks, rewrites and errors, then its down, a schema comparison, and
 * its up again. It reads the change set the engine built (files discovered, ordered and
 * parsed once); the findings are the rules' job (down-not-reversible, replay-incomplete,
 * replay-unclaimed-lock), suppressions and the verdict the engine's.
 */
import picomatch from 'picomatch';
import type { Config } from '../core/config.js';
import type { ReplayObservation } from '../core/finding.js';
import type { MigrationFile } from '../core/migration.js';
import type { ReplayNotice, ReplayObservations, ReplayStage, RoundTrip } from '../core/observations.js';
import { parseRegion, type Statement } from '../core/parse.js';
import type { ReplaySummary } from '../core/report.js';
import type { AnalyzedFile, ChangeSet } from '../core/rule.js';
import { LineIndex } from '../core/source.js';
import { BaseBatches } from './base-batch.js';
import { baseKey } from './base-cache.js';
import { type ReplayDatabase, type SqlError, sqlError } from './interface.js';
import { diffSchemas, relationStates, SchemaTracker } from './snapshot.js';
import { mustRunOutsideTransaction, traceStatement, type TraceMode } from './trace.js';
import type { RelationState } from './snapshot.js';

/** What the base replay reported, as the base cache keeps it (JSON). */
interface BaseOutcome {
  baseFiles: number;
  baseFailures: number;
  baseFailedFiles: number;
  baseStatements: number;
  baseNotices: number;
  notices: Array<Omit<ReplayNotice, 'statement'> & { at?: number }>;
}

export interface ReplayOptions {
  /** An open, reset-able database (openReplayDatabase); the caller closes it. */
  database: ReplayDatabase;
  /** The contents of `replay.schema-file`, read by the caller; replaces the applied migrations as the base. */
  schemaFile?: { path: string; text: string };
}

/** NOTE: a broken history can fail in hundreds of files; past this many, one notice says how many more. */
const MAX_BASE_NOTICES = 10;
/** Differences listed per migration; a down that does nothing would otherwise list every object. */
const MAX_DIFFERENCES = 20;
/**
 * Statements one replay runs at most (base, and new ones traced). NOTE: well under 1 ms per
 * base statement and 7 ms per traced one on PGlite (BENCHMARKS.md): these keep a run
 * under about a minute; past them a notice asks for a schema file or a skip list.
 */
const REPLAY_LIMITS = { baseStatements: 40_000, tracedStatements: 5_000 } as const;

/** One migration to apply: its up statements and, when there is one, its down. */
interface Unit {
  up: AnalyzedFile;
  upStatements: Statement[];
  down?: { file: AnalyzedFile; statements: Statement[] };
  /** The change adds or modifies it: traced; otherwise applied as base. */
  changed: boolean;
}

/** The replay stage on an open database (reset first); the caller closes the database. */
export function replayStage(config: Config, options: ReplayOptions): ReplayStage {
  return async (changeSet) => {
    const run = new ReplayRun(config, options.database);
    try {
      await run.replay(changeSet, options.schemaFile);
    } catch (error) {
      run.notice('unavailable', { error: `${options.database.kind} failed during replay: ${sqlError(error).message}`, file: '<migration path or glob>' }, changeSet.changed[0]?.migration.path ?? '?');
    }
    return run.observations();
  };
}

/** What a replay that could not start observed: one notice saying why. */
export function replayUnavailable(changeSet: ChangeSet, reason: string): ReplayObservations {
  return { statements: new Map(), notices: [{ messageId: 'unavailable', data: { error: reason, file: '<migration path or glob>' }, file: changeSet.changed[0]?.migration.path ?? '?' }], roundTrips: [] };
}

class ReplayRun {
  private readonly statements = new Map<Statement, ReplayObservation>();
  private readonly notices: ReplayNotice[] = [];
  private readonly roundTrips: RoundTrip[] = [];
  private summary: ReplaySummary | undefined;
  private baseNotices = 0;
  /** The schema before and after each round trip, read again only where it changed. */
  private readonly schema: SchemaTracker;

  constructor(
    private readonly config: Config,
    private readonly db: ReplayDatabase,
  ) {
    this.schema = new SchemaTracker(db);
  }

  observations(): ReplayObservations {
    return { ...(this.summary ? { summary: this.summary } : {}), statements: this.statements, notices: this.notices, roundTrips: this.roundTrips };
  }

  async replay(changeSet: ChangeSet, schemaFile: ReplayOptions['schemaFile']): Promise<void> {
    const db = this.db;
    const started = performance.now();
    const skipped = this.config.replay.skip.length ? picomatch(this.config.replay.skip, { dot: true }) : () => false;
    const units: Unit[] = [];
    // NOTE: a statement inside a DO block runs when its DO runs, not on its own.
    const ofSection = (file: AnalyzedFile, section: 'up' | 'down') => changeSet.statementsOf(file).filter((s) => s.section === section && s.enclosing === undefined);
    for (const file of changeSet.files) {
      const migration = file.migration;
      if (skipped(migration.path) || file.input.change === 'deleted') continue;
      if (!['up', 'up-down', 'baseline', 'repeatable'].includes(migration.role)) continue;
      const downFile = changeSet.downOf(file);
      const down = downFile && !skipped(downFile.migration.path) ? { file: downFile, statements: ofSection(downFile, 'down') } : undefined;
      units.push({ up: file, upStatements: ofSection(file, 'up'), ...(down ? { down } : {}), changed: file.analyzed });
    }

    const baseCount = schemaFile ? undefined : units.reduce((n, u) => n + (u.changed ? 0 : u.upStatements.length), 0);
    const tracedCount = units.reduce((n, u) => n + (u.changed ? u.upStatements.length : 0), 0);
    if ((baseCount ?? 0) > REPLAY_LIMITS.baseStatements || tracedCount > REPLAY_LIMITS.tracedStatements) {
      const what = tracedCount > REPLAY_LIMITS.tracedStatements ? `${tracedCount.toLocaleString('en-US')} new statements (limit ${REPLAY_LIMITS.tracedStatements.toLocaleString('en-US')})` : `${baseCount!.toLocaleString('en-US')} statements in earlier migrations (limit ${REPLAY_LIMITS.baseStatements.toLocaleString('en-US')}); a schema-file replaces them`;
      this.notice('unavailable', { error: `too much to replay: ${what}`, file: '<migration path or glob>' }, units.find((u) => u.changed)?.up.migration.path ?? changeSet.files[0]?.migration.path ?? '?');
      return;
    }

    await db.reset();
    const baseStarted = performance.now();
    const appliedUnits = units.filter((u) => !u.changed);
    const buildBase = async (): Promise<BaseOutcome> => {
      const noticesBefore = this.notices.length;
      const files = schemaFile ? [{ path: schemaFile.path, statements: schemaStatements(schemaFile) }] : appliedUnits.map((u) => ({ path: u.up.migration.path, statements: u.upStatements }));
      const outcome = await this.applyBase(files);
      // NOTE: a notice names its statement by offset, so that a restored base (JSON) finds it again.
      const notices = this.notices.splice(noticesBefore).map(({ statement, ...notice }) => ({ ...notice, ...(statement ? { at: statement.span.startOffset } : {}) }));
      return { ...outcome, baseNotices: this.baseNotices, notices };
    };
    // The base cache (base-cache.ts): a restored base brings back its counts and notices too.
    // NOTE: an empty base builds in no time; an entry would only make PGlite's start slower.
    const base = schemaFile || appliedUnits.length === 0
      ? await buildBase()
      : await db.restoreOrBuild(baseKey(this.config, appliedUnits.map((u) => ({ path: u.up.migration.path, text: u.up.input.text, statements: u.upStatements.map((st) => st.span) }))), buildBase);
    const { baseFiles, baseFailures, baseFailedFiles, baseStatements } = base;
    this.baseNotices = base.baseNotices;
    const statementsByPath = new Map(appliedUnits.map((u) => [u.up.migration.path, u.upStatements]));
    for (const { at, ...notice } of base.notices) {
      const statement = at === undefined ? undefined : statementsByPath.get(notice.file)?.find((st) => st.span.startOffset === at);
      this.notices.push({ ...notice, ...(statement ? { statement } : {}) });
    }
    if (this.baseNotices > MAX_BASE_NOTICES) {
      const first = units.find((u) => !u.changed)?.up;
      this.notice('moreBaseFailed', { count: this.baseNotices - MAX_BASE_NOTICES, database: db.kind, file: '<migration path or glob>' }, first?.migration.path ?? '?');
    }
    const baseMs = performance.now() - baseStarted;

    let statements = 0;
    let failures = 0;
    const tracedStarted = performance.now();
    for (const unit of units) {
      if (!unit.changed) continue;
      const result = await this.replayUnit(unit);
      statements += result.statements;
      failures += result.failed ? 1 : 0;
    }
    this.summary = { database: db.kind, serverVersion: db.serverVersion, base: schemaFile ? 'schema-file' : 'migrations', baseFiles, baseFailedFiles, baseStatements, baseFailures, baseMs, statements, failures, tracedMs: performance.now() - tracedStarted, ms: performance.now() - started };
  }

  /**
   * Applies the base files in order, untraced, with the outcome of run() on each file (a
   * statement outside the file's transaction block commits on its own; a failure in a block
   * rolls it back and the rest of the file runs statement by statement; a block the file
   * leaves open is rolled back), in batches (base-batch.ts). A file's first failure is a notice.
   */
  private async applyBase(files: ReadonlyArray<{ path: string; statements: readonly Statement[] }>): Promise<Omit<BaseOutcome, 'baseNotices' | 'notices'>> {
    const failures = new Map<string, number>();
    const batches = new BaseBatches(this.db, ({ path, statement }, error) => {
      const failed = failures.get(path) ?? 0;
      if (failed === 0 && ++this.baseNotices <= MAX_BASE_NOTICES) {
        this.notice('baseFailed', { file: path, line: errorLine(statement, error), database: this.db.kind, error: error.message }, path, statement);
      }
      failures.set(path, failed + 1);
    });
    for (const { path, statements } of files) {
      let block: Statement[] | undefined;
      for (const statement of statements) {
        const control = transactionControl(statement);
        if (block) {
          // NOTE: a BEGIN inside the block, and savepoints, change nothing here (as in run()).
          if (control === undefined) block.push(statement);
          else if (control === 'end') {
            await batches.block(path, block, statement.text);
            block = undefined;
          }
        } else if (control === 'begin') block = [];
        else if (control === undefined) await batches.own({ path, statement });
      }
      if (block) await batches.block(path, block, 'ROLLBACK');
    }
    await batches.finish();
    return {
      baseFiles: files.length,
      baseStatements: files.reduce((n, file) => n + file.statements.filter((s) => s.kind !== 'TransactionStmt').length, 0),
      baseFailures: [...failures.values()].reduce((a, b) => a + b, 0),
      baseFailedFiles: failures.size,
    };
  }

  /** Runs a statement untraced. */
  private async apply(statement: Statement): Promise<SqlError | undefined> {
    try {
      await this.db.exec(statement.text);
      return undefined;
    } catch (error) {
      return sqlError(error);
    }
  }

  /**
   * Runs a file's statements in order with `each` (false: the statement failed),
   * honouring the file's own transaction block: BEGIN opens one on the database and
   * COMMIT or ROLLBACK ends it, so what lives until the commit (an ON COMMIT DROP temp
   * table, SET LOCAL) lives as long as it does in production. Outside a block each
   * statement commits on its own. A failure inside a block aborts it (as in Postgres): it
   * is rolled back and the rest of the file runs statement by statement, unless
   * `stopOnFailure`. A block still open at the end (a file without COMMIT) is rolled back.
   */
  private async run(statements: readonly Statement[], stopOnFailure: boolean, each: (statement: Statement, inBlock: boolean) => Promise<boolean>): Promise<void> {
    let inBlock = false;
    for (const statement of statements) {
      const control = transactionControl(statement);
      if (control === 'begin' && !inBlock) {
        await this.db.exec('BEGIN');
        inBlock = true;
      } else if (control === 'end') {
        if (inBlock) await this.db.exec(statement.text);
        inBlock = false;
      } else if (control === undefined && !(await each(statement, inBlock))) {
        if (inBlock) await this.db.exec('ROLLBACK');
        inBlock = false;
        if (stopOnFailure) break;
      }
    }
    if (inBlock) await this.db.exec('ROLLBACK');
  }

  /** Traces the up, then checks the round trip: down, compare, up again. */
  private async replayUnit(unit: Unit): Promise<{ statements: number; failed: boolean }> {
    const db = this.db;
    const path = unit.up.migration.path;
    const before = unit.down ? await this.schema.current() : undefined;
    let traced = 0;
    let failed = false;
    const known: Map<number, RelationState> = await relationStates(db);
    const upStatements = unit.upStatements.filter((s) => transactionControl(s) === undefined);
    await this.run(unit.upStatements, true, async (statement, inBlock) => {
      const mode: TraceMode = inBlock ? 'in-block' : mustRunOutsideTransaction(statement.node, db.serverVersion) ? 'outside' : 'own-transaction';
      const trace = await traceStatement(db, statement.text, mode, known);
      traced++;
      const observation: ReplayObservation = { locks: trace.locks, rewrites: trace.rewrites, locksObserved: trace.locksObserved, ...(inBlock ? { transactionBlock: true } : {}), ...(trace.timing ? { timing: trace.timing } : {}) };
      if (trace.error) observation.error = { message: trace.error.message, line: errorLine(statement, trace.error), ...(trace.error.code ? { code: trace.error.code } : {}) };
      this.statements.set(statement, observation);
      if (!trace.error) return true;
      const rest = upStatements.length - upStatements.indexOf(statement) - 1;
      const notRun = [rest > 0 ? `the ${rest} statement${rest === 1 ? '' : 's'} after it` : '', unit.down ? 'the round trip (down, compare, up again)' : ''].filter(Boolean);
      this.notice('statementFailed', { file: path, line: observation.error!.line, database: db.kind, error: trace.error.message, skipped: notRun.length ? `Not replayed: ${notRun.join(' and ')}.` : '' }, path, statement);
      failed = true;
      return false;
    });
    if (failed || !unit.down || !before) return { statements: traced, failed };
    const roundTrip: RoundTrip = { up: path, down: unit.down.file.migration.path, differences: [] };
    const downStart = unit.down.statements.find((s) => transactionControl(s) === undefined);
    if (downStart) roundTrip.downStart = downStart;
    this.roundTrips.push(roundTrip);
    await this.run(unit.down.statements, true, async (statement) => {
      const error = await this.apply(statement);
      if (error) roundTrip.downFailed = { statement, error: error.message, line: errorLine(statement, error) };
      return !error;
    });
    if (roundTrip.downFailed) return { statements: traced, failed: false };
    const differences = diffSchemas(before, await this.schema.current());
    roundTrip.differences = differences.length > MAX_DIFFERENCES ? [...differences.slice(0, MAX_DIFFERENCES), `and ${differences.length - MAX_DIFFERENCES} more differences`] : differences;
    await this.run(unit.upStatements, true, async (statement) => {
      const error = await this.apply(statement);
      if (error) roundTrip.upNotRerunnable = { statement, error: error.message, line: errorLine(statement, error) };
      return !error;
    });
    return { statements: traced, failed: false };
  }

  notice(messageId: ReplayNotice['messageId'], data: Record<string, string | number>, file: string, statement?: Statement): void {
    this.notices.push({ messageId, data, file, ...(statement ? { statement } : {}) });
  }
}

/** The schema file as one plain up migration, parsed like any migration. */
function schemaStatements(schemaFile: { path: string; text: string }): Statement[] {
  const migration: Pick<MigrationFile, 'sections'> = { sections: [{ role: 'up', start: 0, end: schemaFile.text.length, implicitTransaction: false }] };
  const lines = new LineIndex(schemaFile.text);
  return migration.sections.flatMap((section) => parseRegion(lines, section.start, section.end, section.role, 0).statements);
}

/** `begin` or `end` for the statements that open or close a transaction block; `other` for the rest of TransactionStmt (savepoints, PREPARE TRANSACTION). */
function transactionControl(statement: Statement): 'begin' | 'end' | 'other' | undefined {
  if (statement.kind !== 'TransactionStmt') return undefined;
  const kind = (statement.node as { TransactionStmt?: { kind?: string } }).TransactionStmt?.kind;
  if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') return 'begin';
  if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') return 'end';
  return 'other';
}

/** The file line of a Postgres error position (1-based characters into the statement text). */
export function errorLine(statement: Statement, error: SqlError): number {
  if (error.position === undefined) return statement.span.start.line;
  const before = Array.from(statement.text).slice(0, error.position - 1).join('');
  return statement.span.start.line + (before.match(/\n/g)?.length ?? 0);
}
