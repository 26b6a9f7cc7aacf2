/**
 * The replay stage: runs the migrations on a real Postgres (PGlite or a server) and adds
 * what Postgres did to the report. Base schema first (the earlier migrations, or the
 * configured schema file), then each new migration statement by statement with its locks,
 * rewrites and errors, then its down and a schema comparison, then its up again.
 */
import picomatch from 'picomatch';
import { relationKey } from '../core/ast.js';
import type { Config } from '../core/config.js';
import { compareFindings, docsUrl, type Finding, type FindingReplay, type ReplayObservation, type Severity } from '../core/finding.js';
import { type LockMode, strongerLock } from '../core/locks.js';
import { compareVersions, type InputFile, isChanged, type MigrationFile } from '../core/migration.js';
import { loadParser, parseRegion, type SectionRole, type Statement } from '../core/parse.js';
import type { Report, ReplaySummary } from '../core/report.js';
import { fillTemplate, type Rule } from '../core/rule.js';
import { LineIndex, type Span } from '../core/source.js';
import { applySuppressions, findIgnoreComments } from '../core/suppressions.js';
import { computeVerdict } from '../core/verdict.js';
import { discoverMigrations } from '../conventions/index.js';
import downNotReversible from '../rules/down-not-reversible.js';
import replayIncomplete from '../rules/replay-incomplete.js';
import { type ReplayDatabase, type SqlError, sqlError } from './interface.js';
import { diffSchemas, relationStates, snapshotSchema } from './snapshot.js';
import { mustRunOutsideTransaction, traceStatement } from './trace.js';
import { compareStrings } from '../core/compare.js';

export interface ReplayOptions {
  /** An open, reset-able database (openReplayDatabase); the caller closes it. */
  database: ReplayDatabase;
  /** The contents of `replay.schema-file`, read by the caller; replaces the earlier migrations as the base. */
  schemaFile?: { path: string; text: string };
}

/** NOTE: a broken history can fail in hundreds of files; past this many, one notice says how many more. */
const MAX_BASE_NOTICES = 10;
/** Differences reported per migration; a down that does nothing would otherwise list every object. */
const MAX_DIFFERENCES = 20;
/**
 * Statements one replay runs at most (base, and new ones traced). NOTE: about 1.5 ms per
 * base statement and 7 ms per traced one on PGlite (bench/replay.ts): these keep a run
 * under about a minute; past them a notice asks for a schema file or a skip list.
 */
const REPLAY_LIMITS = { baseStatements: 40_000, tracedStatements: 5_000 } as const;

/** A migration file parsed for replay. */
interface ParsedFile {
  migration: MigrationFile;
  lines: LineIndex;
  statements: Statement[];
}

/** One migration to apply: its up statements and, when there is one, its down. */
interface Unit {
  up: ParsedFile;
  upStatements: Statement[];
  down?: { file: ParsedFile; statements: Statement[] };
}

/**
 * Replays the migrations of `files` on `options.database` (after resetting it) and returns
 * `report` with `replay` on statements and findings, the replay findings, the summary and
 * the verdict recomputed. Never throws for database problems: they become notices.
 */
export async function replayReport(report: Report, files: readonly InputFile[], config: Config, options: ReplayOptions): Promise<Report> {
  const run = new ReplayRun(config, options.database);
  try {
    await loadParser();
    await run.replay(files, options.schemaFile);
  } catch (error) {
    run.notice('unavailable', { error: `${options.database.kind} failed during replay: ${sqlError(error).message}`, file: '<migration path or glob>' }, report.files[0]?.path ?? files[0]?.path ?? '?');
  }
  return run.merge(report);
}

/** The report with one notice saying replay did not run (e.g. the database did not start) and why. */
export function replayUnavailableReport(report: Report, config: Config, reason: string): Report {
  const run = new ReplayRun(config, undefined);
  run.notice('unavailable', { error: reason, file: '<migration path or glob>' }, report.files[0]?.path ?? '?');
  return run.merge(report);
}

class ReplayRun {
  private readonly findings: Finding[] = [];
  /** Observations by `path@startOffset` of the statement. */
  private readonly observations = new Map<string, ReplayObservation>();
  private readonly parsed = new Map<string, ParsedFile>();
  private summary: ReplaySummary | undefined;
  private baseNotices = 0;

  constructor(
    private readonly config: Config,
    private readonly db: ReplayDatabase | undefined,
  ) {}

  async replay(files: readonly InputFile[], schemaFile: ReplayOptions['schemaFile']): Promise<void> {
    const db = this.db!;
    const started = performance.now();
    const skipped = this.config.replay.skip.length ? picomatch(this.config.replay.skip, { dot: true }) : () => false;
    const inputs = new Map(files.map((f) => [f.path, f]));
    const migrations = discoverMigrations(files, this.config)
      .filter((m) => !skipped(m.path) && inputs.get(m.path)?.change !== 'deleted')
      .sort((a, b) => compareVersions(a.version, b.version) || compareStrings(a.path, b.path));
    const byPath = new Map(migrations.map((m) => [m.path, m]));
    const units: { unit: Unit; changed: boolean }[] = [];
    for (const migration of migrations) {
      if (!['up', 'up-down', 'baseline', 'repeatable'].includes(migration.role)) continue;
      const up = this.parse(migration, inputs.get(migration.path)!);
      const downMigration = migration.role === 'up-down' ? migration : migration.partner ? byPath.get(migration.partner) : undefined;
      const downFile = downMigration && (downMigration === migration ? up : this.parse(downMigration, inputs.get(downMigration.path)!));
      const change = inputs.get(migration.path)!.change;
      units.push({
        unit: { up, upStatements: runnable(up.statements, 'up'), ...(downFile ? { down: { file: downFile, statements: runnable(downFile.statements, 'down') } } : {}) },
        changed: isChanged(change),
      });
    }

    const baseCount = schemaFile ? undefined : units.reduce((n, u) => n + (u.changed ? 0 : u.unit.upStatements.length), 0);
    const tracedCount = units.reduce((n, u) => n + (u.changed ? u.unit.upStatements.length : 0), 0);
    if ((baseCount ?? 0) > REPLAY_LIMITS.baseStatements || tracedCount > REPLAY_LIMITS.tracedStatements) {
      const what = tracedCount > REPLAY_LIMITS.tracedStatements ? `${tracedCount.toLocaleString('en-US')} new statements (limit ${REPLAY_LIMITS.tracedStatements.toLocaleString('en-US')})` : `${baseCount!.toLocaleString('en-US')} statements in earlier migrations (limit ${REPLAY_LIMITS.baseStatements.toLocaleString('en-US')}); a schema-file replaces them`;
      this.notice('unavailable', { error: `too much to replay: ${what}`, file: '<migration path or glob>' }, units.find((u) => u.changed)?.unit.up.migration.path ?? files[0]?.path ?? '?');
      return;
    }

    await db.reset();
    const baseStarted = performance.now();
    let baseFiles = 0;
    let baseFailures = 0;
    let baseFailedFiles = 0;
    let baseStatements = 0;
    if (schemaFile) {
      const migration: MigrationFile = { path: schemaFile.path, convention: 'plain', role: 'up', version: '0', migrationId: schemaFile.path, name: 'schema', expectsDown: false, sections: [{ role: 'up', start: 0, end: schemaFile.text.length, implicitTransaction: false }], notes: [] };
      const file = this.parse(migration, { path: schemaFile.path, text: schemaFile.text, change: 'unchanged' });
      baseFiles = 1;
      const statements = runnable(file.statements, 'up');
      baseStatements = statements.length;
      baseFailures = await this.applyBase(file, statements);
      baseFailedFiles = baseFailures > 0 ? 1 : 0;
    } else {
      for (const { unit, changed } of units) {
        if (changed) continue;
        baseFiles++;
        baseStatements += unit.upStatements.length;
        const failed = await this.applyBase(unit.up, unit.upStatements);
        baseFailures += failed;
        if (failed > 0) baseFailedFiles++;
      }
    }
    if (this.baseNotices > MAX_BASE_NOTICES) {
      const first = units.find((u) => !u.changed)?.unit.up;
      this.notice('moreBaseFailed', { count: this.baseNotices - MAX_BASE_NOTICES, database: db.kind, file: '<migration path or glob>' }, first?.migration.path ?? '?');
    }
    const baseMs = performance.now() - baseStarted;

    let statements = 0;
    let failures = 0;
    const tracedStarted = performance.now();
    for (const { unit, changed } of units) {
      if (!changed) continue;
      const result = await this.replayUnit(unit);
      statements += result.statements;
      failures += result.failed ? 1 : 0;
    }
    this.summary = { database: db.kind, serverVersion: db.serverVersion, base: schemaFile ? 'schema-file' : 'migrations', baseFiles, baseFailedFiles, baseStatements, baseFailures, baseMs, statements, failures, tracedMs: performance.now() - tracedStarted, ms: performance.now() - started };
  }

  /** Parses every section of a file, as the engine does (same statement indexes and spans). */
  private parse(migration: MigrationFile, input: InputFile): ParsedFile {
    const existing = this.parsed.get(migration.path);
    if (existing) return existing;
    const lines = new LineIndex(input.text);
    const statements: Statement[] = [];
    for (const section of migration.sections) {
      for (const statement of parseRegion(lines, section.start, section.end, section.role, statements.length).statements) statements.push(statement);
    }
    const file = { migration, lines, statements };
    this.parsed.set(migration.path, file);
    return file;
  }

  /** Applies a base file statement by statement; returns how many failed (the first is a notice). */
  private async applyBase(file: ParsedFile, statements: Statement[]): Promise<number> {
    let failed = 0;
    for (const statement of statements) {
      const error = await this.apply(statement);
      if (!error) continue;
      if (failed === 0 && ++this.baseNotices <= MAX_BASE_NOTICES) {
        this.notice('baseFailed', { file: file.migration.path, line: errorLine(statement, error), database: this.db!.kind, error: error.message }, file.migration.path, statement);
      }
      failed++;
    }
    return failed;
  }

  /** Runs a statement untraced, in its own transaction (autocommit). */
  private async apply(statement: Statement): Promise<SqlError | undefined> {
    try {
      await this.db!.exec(statement.text);
      return undefined;
    } catch (error) {
      return sqlError(error);
    }
  }

  /** Traces the up, then checks the round trip: down, compare, up again. */
  private async replayUnit(unit: Unit): Promise<{ statements: number; failed: boolean }> {
    const db = this.db!;
    const path = unit.up.migration.path;
    const before = unit.down ? await snapshotSchema(db) : undefined;
    let traced = 0;
    const known = await relationStates(db);
    for (const [i, statement] of unit.upStatements.entries()) {
      const trace = await traceStatement(db, statement.text, mustRunOutsideTransaction(statement.node, db.serverVersion), known);
      traced++;
      const observation: ReplayObservation = { locks: trace.locks, rewrites: trace.rewrites, locksObserved: trace.locksObserved, ...(trace.timing ? { timing: trace.timing } : {}) };
      if (trace.error) observation.error = { message: trace.error.message, line: errorLine(statement, trace.error), ...(trace.error.code ? { code: trace.error.code } : {}) };
      this.observations.set(`${path}@${statement.span.startOffset}`, observation);
      if (trace.error) {
        const rest = unit.upStatements.length - i - 1;
        const notRun = [rest > 0 ? `the ${rest} statement${rest === 1 ? '' : 's'} after it` : '', unit.down ? 'the round trip (down, compare, up again)' : ''].filter(Boolean);
        this.notice('statementFailed', { file: path, line: observation.error!.line, database: db.kind, error: trace.error.message, skipped: notRun.length ? `Not replayed: ${notRun.join(' and ')}.` : '' }, path, statement);
        return { statements: traced, failed: true };
      }
    }
    if (!unit.down || !before) return { statements: traced, failed: false };
    const names = { up: path, down: unit.down.file.migration.path };
    for (const statement of unit.down.statements) {
      const error = await this.apply(statement);
      if (error) {
        this.report(downNotReversible, 'downFailed', { ...names, error: error.message, line: errorLine(statement, error) }, names.down, statement);
        return { statements: traced, failed: false };
      }
    }
    const differences = diffSchemas(before, await snapshotSchema(db));
    const anchor = unit.down.statements[0];
    for (const difference of differences.slice(0, MAX_DIFFERENCES)) this.report(downNotReversible, 'difference', { ...names, difference }, names.down, anchor);
    if (differences.length > MAX_DIFFERENCES) {
      this.report(downNotReversible, 'difference', { ...names, difference: `and ${differences.length - MAX_DIFFERENCES} more differences` }, names.down, anchor);
    }
    for (const statement of unit.upStatements) {
      const error = await this.apply(statement);
      if (error) {
        this.report(downNotReversible, 'upNotRerunnable', { ...names, error: error.message, line: errorLine(statement, error) }, path, statement);
        break;
      }
    }
    return { statements: traced, failed: false };
  }

  notice(messageId: keyof typeof replayIncomplete.messages, data: Record<string, string | number>, file: string, statement?: Statement): void {
    this.report(replayIncomplete, messageId, data, file, statement);
  }

  private report(rule: Rule, messageId: string, data: Record<string, string | number>, file: string, statement: Statement | undefined): void {
    const severity = ruleSeverity(rule, this.config);
    if (severity === 'off') return;
    const template = (rule.messages as Record<string, string>)[messageId]!;
    const span = statement?.span ?? this.parsed.get(file)?.lines.span(0, 0) ?? emptySpan();
    this.findings.push({
      ruleId: rule.id,
      messageId,
      severity,
      file,
      span,
      message: fillTemplate(template, data, rule.id).trim(),
      why: rule.why,
      ...(rule.fix ? { fix: fillTemplate(rule.fix, data, rule.id) } : {}),
      ...(statement ? { statement: statement.text } : {}),
      tables: [],
      lock: null,
      rewrite: false,
      docsUrl: docsUrl(rule.id),
      details: data,
    });
  }

  /**
   * Applies the files' ignore comments to the replay findings, as the engine does to the
   * static ones. NOTE: unused-ignore ran before replay, so it reported ignores that only
   * replay findings use; returns those ignores (`file@offset`) so merge drops that report.
   */
  private suppressReplayFindings(): Set<string> {
    const used = new Set<string>();
    const byFile = new Map<string, Finding[]>();
    for (const finding of this.findings) {
      const group = byFile.get(finding.file);
      if (group) group.push(finding);
      else byFile.set(finding.file, [finding]);
    }
    for (const [path, findings] of byFile) {
      const parsed = this.parsed.get(path);
      if (!parsed) continue;
      const ignores = findIgnoreComments(parsed.lines);
      applySuppressions(findings, ignores, parsed.statements, new Set());
      for (const ignore of ignores) if (ignore.used > 0) used.add(`${path}@${ignore.startOffset}`);
    }
    return used;
  }

  /** The report with observations attached, replay findings added and the verdict recomputed. */
  merge(report: Report): Report {
    const files = report.files.map((file) => {
      const parsed = this.parsed.get(file.path);
      if (!parsed) return file;
      return {
        ...file,
        statements: file.statements.map((s) => {
          const offset = parsed.statements[s.index]?.span.startOffset;
          const observation = offset === undefined ? undefined : this.observations.get(`${file.path}@${offset}`);
          return observation ? { ...s, replay: observation } : s;
        }),
      };
    });
    const usedIgnores = this.suppressReplayFindings();
    const findings = [
      ...report.findings
        // An ignore that covers a replay finding is used after all.
        .filter((finding) => !(finding.ruleId === 'unused-ignore' && usedIgnores.has(`${finding.file}@${finding.span.startOffset}`)))
        .map((finding) => {
          const statement = statementAt(this.parsed.get(finding.file)?.statements ?? [], finding.span.startOffset);
          const observation = statement && this.observations.get(`${finding.file}@${statement.span.startOffset}`);
          return observation ? { ...finding, replay: findingReplay(finding, observation) } : finding;
        }),
      ...this.findings,
    ].sort(compareFindings);
    const { verdict, blocking } = computeVerdict(findings, report.failOn);
    return { ...report, files, findings, blocking, verdict, ...(this.summary ? { replay: this.summary } : {}) };
  }
}

/** The statements replay runs: transaction control is left out (each statement gets its own transaction). */
function runnable(statements: readonly Statement[], section: SectionRole): Statement[] {
  // NOTE: replay wraps every statement in a transaction of its own to read its locks, so
  // the file's BEGIN/COMMIT would nest or end that transaction early.
  return statements.filter((s) => s.section === section && s.kind !== 'TransactionStmt');
}

/** The statement whose text holds `offset` (rules may point inside a statement), by binary search. */
function statementAt(statements: readonly Statement[], offset: number): Statement | undefined {
  let low = 0;
  let high = statements.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const span = statements[mid]!.span;
    if (offset < span.startOffset) high = mid - 1;
    else if (offset > span.endOffset) low = mid + 1;
    else return statements[mid];
  }
  return undefined;
}

/** The file line of a Postgres error position (1-based characters into the statement text). */
export function errorLine(statement: Statement, error: SqlError): number {
  if (error.position === undefined) return statement.span.start.line;
  const before = Array.from(statement.text).slice(0, error.position - 1).join('');
  return statement.span.start.line + (before.match(/\n/g)?.length ?? 0);
}

/** Compares the rule's claimed lock with the strongest observed one on the finding's tables. */
export function findingReplay(finding: Finding, observation: ReplayObservation): FindingReplay {
  const tables = new Set(finding.tables.map((t) => relationKey(t.replaceAll('"', ''))));
  let observed: LockMode | null = null;
  for (const lock of observation.locks) {
    if (tables.size > 0 && !tables.has(relationKey(lock.relation.replaceAll('"', '')))) continue;
    observed = observed ? strongerLock(observed, lock.mode) : lock.mode;
  }
  const claimed = finding.lock?.mode ?? null;
  return { ...observation, observedLock: observed, lockMismatch: claimed !== null && observation.locksObserved && claimed !== observed };
}

function ruleSeverity(rule: Rule, config: Config): Severity | 'off' {
  const setting = config.rules[rule.id];
  return typeof setting === 'string' ? setting : (setting?.severity ?? rule.severity);
}

function emptySpan(): Span {
  return { startOffset: 0, endOffset: 0, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
}
