/**
 * The pure pipeline: discovered migration files -> parsed statements -> rule findings ->
 * suppressions -> verdict. No I/O: the caller hands in file contents, the conventions'
 * discover function and the rules.
 */
import type { Config } from './config.js';
import type { HistoryFacts } from './history-facts.js';
import { CreatedTables, TransactionTracker } from './context.js';
import { compareFindings, docsUrl, type Finding, SEVERITIES, type Severity } from './finding.js';
import { fileTooLargeMessage, findingStatementText, LIMITS } from './limits.js';
import { lockInfo } from './locks.js';
import { findingReplay, reconcileClaims, type ReplayStage } from './observations.js';
import { type InputFile, isChanged, type MigrationFile, sortByVersion } from './migration.js';
import { loadParser, type ParseAttempt, parsePlannedRegion, parseRegion, parseSql, planRegion, type RegionPlan, regionTexts, type SectionRole, type SqlParser, type Statement } from './parse.js';
import { countBySeverity, type FileReport, type Report } from './report.js';
import { type AnalyzedFile, type ChangeSet, fillTemplate, type ReportDescriptor, type Rule, type StatementContext } from './rule.js';
import { LineIndex, type Span } from './source.js';
import { statementLock } from './statement-locks.js';
import { applySuppressions, findIgnoreComments, type IgnoreSyntaxes } from './suppressions.js';
import { computeVerdict } from './verdict.js';
import { compareStrings } from './compare.js';

/** Classifies input files into migrations (the conventions' job). */
export type Discover = (files: readonly InputFile[], config: Config) => MigrationFile[];

export interface AnalyzeOptions {
  files: readonly InputFile[];
  config: Config;
  rules: readonly Rule[];
  discover: Discover;
  /** History and code facts for the rules that need them (absent: those rules stay quiet). */
  facts?: HistoryFacts;
  /** Parses many texts ahead, e.g. on worker threads (src/parser/parse-pool.ts); default: one by one on this thread. */
  parseAhead?: ParseAhead;
  /** Replays the migrations on Postgres (src/replay) before the rules run; absent: no replay. */
  replay?: ReplayStage;
  /**
   * Which migrations are new (can create "new" tables). `change` (default): the change
   * set's added files together, as in a pull request. `each-file`: every added file on its
   * own, with the files before it as applied history (`check PATHS`, docs/scope.md).
   */
  scope?: Scope;
}

/** See AnalyzeOptions.scope. */
export type Scope = ChangeSet['scope'];

/** Parses the given texts, each on its own, in any order; results in the order of `texts`. */
export type ParseAhead = (texts: readonly string[]) => Promise<ParseAttempt[]>;

/** Runs the whole pure pipeline. */
export async function analyze({ files, config, rules, discover, facts, parseAhead, replay, scope = 'change' }: AnalyzeOptions): Promise<Report> {
  // NOTE: with nothing added, modified or deleted there is nothing under review, and every
  // rule judges the change (docs/scope.md): the report is empty, and discovery and the
  // parser's start would be most of a `check --base` on an unchanged repository.
  if (!underReview(files)) return finished(config, [], []);
  await loadParser();
  const planned = plan(files, discover(files, config));
  const parse = parseAhead ? await parsedAhead(planned, parseAhead) : parseSql;
  const changeSet: ChangeSet = buildChangeSet(files, planned, parse, { squawk: config['squawk-ignores'] }, scope);
  if (replay) {
    const observations = await replay(changeSet);
    if (observations) changeSet.replay = observations;
  }
  const active = activeRules(rules, config);
  const run = { changeSet, config, facts, scope };
  const findings = runRules(run, active, 'rules');
  findings.push(...runRules(run, active, 'afterRules', findings));
  const unsuppressible = new Set(active.filter((r) => r.rule.afterSuppressions).map((r) => r.rule.id));
  // NOTE: group once; filtering all findings per file is O(files x findings).
  const findingsByFile = groupBy(findings, (f) => f.file);
  for (const file of changeSet.changed) {
    applySuppressions(findingsByFile.get(file.migration.path) ?? [], file.ignores, file.statements, unsuppressible);
  }
  findings.push(...runRules(run, active, 'afterSuppressions'));
  const checked = changeSet.replay ? findings.map((f) => checkedByReplay(f, changeSet, config['postgres-version'])) : findings;
  checked.sort(compareFindings);
  const reported = changeSet.files.filter((f) => f.input.change !== 'unchanged').map((f) => fileReport(f, changeSet));
  return finished(config, reported, checked, changeSet.replay?.summary);
}

/** Whether any file is added, modified or deleted: a migration under review. */
export function underReview(files: readonly InputFile[]): boolean {
  return files.some((f) => f.change !== 'unchanged');
}

/** The report of the reported files and their sorted findings (capped per file here), with its verdict. */
function finished(config: Config, files: FileReport[], findings: Finding[], replay?: Report['replay']): Report {
  const listed = capFindingsPerFile(findings);
  const failOn = config['fail-on'];
  const { verdict, blocking } = computeVerdict(listed, failOn);
  return { verdict, postgresVersion: config['postgres-version'], failOn, files, findings: listed, blocking, ...(replay ? { replay } : {}) };
}

/**
 * The statements of a file (ChangeSet.statementsOf), parsed on first request when the
 * engine did not need them (the applied history: replay builds the base schema from it,
 * rules read earlier columns and indexes), with the same parser and statement spans as the
 * engine's own; each file is parsed at most once.
 */
function statementsOnDemand(parse: SqlParser): (file: AnalyzedFile) => readonly Statement[] {
  const parsed = new Map<AnalyzedFile, Statement[]>();
  return (file) => {
    // NOTE: what the engine parsed (changed files, their partners) or refused to (deleted,
    // unreadable, over the size limit) stays as it is.
    if (file.analyzed || file.statements.length > 0 || file.input.change === 'deleted' || file.input.unread !== undefined || file.input.text.length > LIMITS.fileBytes) return file.statements;
    let statements = parsed.get(file);
    if (!statements) {
      statements = [];
      for (const section of file.migration.sections) {
        for (const statement of parseRegion(file.lines, section.start, section.end, section.role, statements.length, parse).statements) statements.push(statement);
      }
      parsed.set(file, statements);
    }
    return statements;
  };
}

/** The finding with replay's observation of its statement, its claims checked against it (reconcileClaims). */
function checkedByReplay(finding: Finding, changeSet: ChangeSet, target: number): Finding {
  const replay = changeSet.replay!;
  const statement = statementAt(changeSet.byPath(finding.file)?.statements ?? [], finding.span.startOffset);
  const observation = statement && replay.statements.get(statement);
  if (!observation) return finding;
  const checked = { ...finding, replay: findingReplay(finding, observation) };
  return replay.summary ? reconcileClaims(checked, checked.replay, replay.summary.serverVersion, target) : checked;
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

/**
 * The first LIMITS.findingsPerFile findings of each file (of `sorted`, in report order);
 * the rest of a file's become one finding at the first of them that says how many were
 * left out. It has the severity of the most severe of them that is not suppressed (a
 * notice when all are), so the verdict is the one the whole list gives.
 */
function capFindingsPerFile(sorted: Finding[]): Finding[] {
  const perFile = new Map<string, number>();
  const leftOut = new Map<string, Finding[]>();
  const listed = sorted.filter((finding) => {
    const count = (perFile.get(finding.file) ?? 0) + 1;
    perFile.set(finding.file, count);
    if (count <= LIMITS.findingsPerFile) return true;
    const known = leftOut.get(finding.file);
    if (known) known.push(finding);
    else leftOut.set(finding.file, [finding]);
    return false;
  });
  if (leftOut.size === 0) return sorted;
  for (const rest of leftOut.values()) {
    // NOTE: countBySeverity counts only the findings not suppressed; the rest are the suppressed ones.
    const counts = countBySeverity(rest);
    const severity = SEVERITIES.find((s) => counts[s] > 0) ?? 'notice';
    const bySeverity = SEVERITIES.map((s) => `${counts[s].toLocaleString('en-US')} ${s}${counts[s] === 1 ? '' : 's'}`).join(', ');
    const suppressed = rest.length - counts.error - counts.warning - counts.notice;
    listed.push({
      ...rest[0]!,
      messageId: 'tooManyFindings',
      severity,
      message: `${rest.length.toLocaleString('en-US')} more findings in this file are not listed, from here on (${bySeverity}${suppressed ? `, ${suppressed.toLocaleString('en-US')} suppressed` : ''}): a report lists at most ${LIMITS.findingsPerFile.toLocaleString('en-US')} per file. Split the migration into smaller ones.`,
      why: 'A migration with this many findings cannot be reviewed as it is. The findings left out still count: this one has the severity of the most severe of them.',
      fix: undefined,
      details: { count: rest.length, ...counts, suppressed },
      suppression: undefined,
      replay: undefined,
    });
  }
  return listed.sort(compareFindings);
}

/** A migration file in migration order, with what the engine does with it. */
interface PlannedFile {
  migration: MigrationFile;
  input: InputFile;
  lines: LineIndex;
  /** The change adds or modifies it: it gets statement findings. */
  analyzed: boolean;
  /** It is analyzed, or the partner of an analyzed file: its statements are needed (unless the change deletes it). */
  parse: boolean;
  /** Why it cannot be read, when it cannot (then it is not parsed). */
  unread: string | undefined;
  /** Its sections planned for the parser, when the engine parses it (empty otherwise). */
  regions: RegionPlan[];
}

function plan(inputs: readonly InputFile[], migrations: MigrationFile[]): PlannedFile[] {
  const inputByPath = new Map(inputs.map((f) => [f.path, f]));
  const ordered = sortByVersion(migrations, (m) => m.version, (a, b) => compareStrings(a.path, b.path));
  const changed = (m: MigrationFile) => isChanged(inputByPath.get(m.path)?.change);
  const needsParse = new Set<string>();
  for (const m of ordered) {
    if (!changed(m)) continue;
    needsParse.add(m.path);
    if (m.partner) needsParse.add(m.partner);
  }
  return ordered.map((migration) => {
    const input = inputByPath.get(migration.path) ?? { path: migration.path, text: '', change: 'unchanged' as const };
    const unread = input.unread ?? (input.text.length > LIMITS.fileBytes ? fileTooLargeMessage(input.text.length) : undefined);
    const lines = new LineIndex(input.text);
    const parse = needsParse.has(migration.path);
    const regions = parse && input.change !== 'deleted' && unread === undefined ? migration.sections.map((section) => planRegion(lines, section.start, section.end)) : [];
    return { migration, input, lines, analyzed: changed(migration), parse, unread, regions };
  });
}

/** A parser that answers from `parseAhead`'s results for the texts parseRegion will ask for first. */
async function parsedAhead(planned: readonly PlannedFile[], parseAhead: ParseAhead): Promise<SqlParser> {
  const texts = planned.flatMap((file) => file.regions.flatMap(regionTexts));
  const results = await parseAhead(texts);
  const byText = new Map(texts.map((text, i) => [text, results[i]!]));
  return (sql) => byText.get(sql) ?? parseSql(sql);
}

function buildChangeSet(inputs: readonly InputFile[], planned: readonly PlannedFile[], parse: SqlParser, ignoreSyntaxes: IgnoreSyntaxes, scope: Scope): ChangeSet {
  const files: AnalyzedFile[] = planned.map(({ migration, input, lines, analyzed, parse: needsParse, unread, regions }) => {
    const statements: Statement[] = [];
    const issues: AnalyzedFile['issues'] = [];
    if (needsParse && input.change !== 'deleted') {
      for (const note of migration.notes) issues.push({ kind: 'convention', message: note.message, severity: note.severity, span: lines.span(0, 0) });
      if (unread !== undefined) issues.push({ kind: 'limit', message: unread, span: lines.span(0, 0) });
      else {
        migration.sections.forEach((section, i) => {
          const parsed = parsePlannedRegion(regions[i]!, section.role, statements.length, parse);
          // NOTE: a loop, not push(...spread): a spread of 100,000 items can overflow the stack.
          for (const statement of parsed.statements) statements.push(statement);
          issues.push(...parsed.issues);
        });
      }
    }
    return {
      input,
      migration,
      lines,
      statements,
      issues,
      ignores: needsParse ? findIgnoreComments(lines, ignoreSyntaxes) : [],
      analyzed,
    };
  });
  const byPath = new Map(files.map((f) => [f.migration.path, f]));
  const derivedValues = new Map<(changeSet: ChangeSet) => unknown, unknown>();
  const changeSet: ChangeSet = {
    files,
    changed: files.filter((f) => f.analyzed),
    deleted: inputs.filter((f) => f.change === 'deleted'),
    scope,
    byPath: (path) => byPath.get(path),
    statementsOf: statementsOnDemand(parse),
    downOf(file) {
      const { migration } = file;
      if (migration.role === 'up-down') return migration.sections.some((s) => s.role === 'down') ? file : undefined;
      const partner = migration.role === 'up' && migration.partner ? byPath.get(migration.partner) : undefined;
      return partner && partner.input.change !== 'deleted' ? partner : undefined;
    },
    derived<T>(derive: (changeSet: ChangeSet) => T): T {
      if (!derivedValues.has(derive)) derivedValues.set(derive, derive(changeSet));
      return derivedValues.get(derive) as T;
    },
  };
  return changeSet;
}

interface ActiveRule {
  rule: Rule;
  severity: Severity;
  /**
   * The configured level when it is below the rule's default: a finding's own severity
   * (ReportDescriptor.severity) never goes above it, so a user who lowers a rule lowers all
   * of its findings.
   */
  ceiling: Severity | undefined;
  options: Record<string, unknown>;
}

/** `severity`, lowered to `ceiling` when it is more severe (SEVERITIES runs from most to least severe). */
function atMost(severity: Severity, ceiling: Severity | undefined): Severity {
  return ceiling !== undefined && SEVERITIES.indexOf(severity) < SEVERITIES.indexOf(ceiling) ? ceiling : severity;
}

function activeRules(rules: readonly Rule[], config: Config): ActiveRule[] {
  const active: ActiveRule[] = [];
  for (const rule of rules) {
    const setting = config.rules[rule.id];
    const severity = typeof setting === 'string' ? setting : (setting?.severity ?? rule.severity);
    if (severity === 'off') continue;
    const ceiling = SEVERITIES.indexOf(severity) > SEVERITIES.indexOf(rule.severity) ? severity : undefined;
    active.push({ rule, severity, ceiling, options: (typeof setting === 'object' ? setting.options : undefined) ?? {} });
  }
  return active;
}

/** What every rule hook of one analysis shares. */
interface RuleRunContext {
  changeSet: ChangeSet;
  config: Config;
  facts: HistoryFacts | undefined;
  scope: Scope;
}

/** When a rule runs: with the others, after them (reading their findings), or after suppressions. */
type Phase = 'rules' | 'afterRules' | 'afterSuppressions';

function phaseOf(rule: Rule): Phase {
  return rule.afterSuppressions ? 'afterSuppressions' : rule.afterRules ? 'afterRules' : 'rules';
}

function runRules({ changeSet, config, facts, scope }: RuleRunContext, active: ActiveRule[], phase: Phase, earlier: readonly Finding[] = []): Finding[] {
  const findings: Finding[] = [];
  const selected: RuleRun[] = active.filter((r) => phaseOf(r.rule) === phase).map((r) => ({ ...r, reporter: new Reporter(r, findings) }));
  if (selected.length === 0) return findings;
  const statementRules = selected.filter((r) => r.rule.statement);
  // NOTE: per section role, once: these loops run rules x statements times.
  const runsOn = (role: SectionRole) => byStatementKind(statementRules.filter((r) => (r.rule.sections ?? ['up']).includes(role)));
  const rulesFor = { up: runsOn('up'), down: runsOn('down') };
  let created = new CreatedTables();
  const isNewTable = (name: string) => created.has(name);
  const earlierByStatement = phase === 'afterRules' ? findingsByStatement(changeSet, earlier) : undefined;
  const findingsOn = (statement: Statement) => earlierByStatement?.get(statement) ?? [];
  const base = { config, postgresVersion: config['postgres-version'], changeSet, facts };

  for (const file of changeSet.changed) {
    // NOTE: only a migration the change adds is unapplied: an edited applied migration
    // (change "modified") never creates new tables; with scope each-file, neither do the
    // files before this one (they are its applied history). See docs/scope.md.
    if (scope === 'each-file') created = new CreatedTables();
    const createsNewTables = file.input.change === 'added';
    const statementsBySection = groupBy(file.statements, (s) => file.migration.sections.find((section) => s.span.startOffset >= section.start && s.span.endOffset <= section.end));
    for (const section of file.migration.sections) {
      const sectionStatements = statementsBySection.get(section) ?? [];
      const tracker = TransactionTracker.forSection(section, sectionStatements.length);
      for (const statement of sectionStatements) {
        // NOTE: one context per statement, pointed at each rule in turn: a new context and
        // report closure per rule and statement would be a large part of the rule time.
        const context: StatementContext<string> = { ...base, options: {}, file, statement, state: tracker.stateFor(), report: noReport, isNewTable, findingsOn };
        for (const run of rulesFor[section.role](statement.kind)) {
          context.options = run.options;
          context.report = run.reporter.at(file, statement);
          try {
            run.rule.statement!(context);
          } catch (error) {
            findings.push(internalError(run, file, statement, error));
          }
        }
        tracker.observe(statement);
        if (section.role === 'up' && createsNewTables) created.observe(statement.node);
      }
    }
    for (const run of selected) {
      if (!run.rule.file) continue;
      guard(run, file, undefined, findings, () => run.rule.file!({ ...base, options: run.options, file, report: run.reporter.at(file, undefined) }));
    }
  }
  for (const run of selected) {
    if (!run.rule.changeSet) continue;
    const first = changeSet.changed[0] ?? changeSet.files[0];
    guard(run, first, undefined, findings, () => run.rule.changeSet!({ ...base, options: run.options, report: run.reporter.at(first, undefined) }));
  }
  return findings;
}

/** The findings on each statement of the changed files (a finding may point inside its statement). */
function findingsByStatement(changeSet: ChangeSet, findings: readonly Finding[]): Map<Statement, Finding[]> {
  const byStatement = new Map<Statement, Finding[]>();
  for (const finding of findings) {
    const statement = innermostStatementAt(changeSet.byPath(finding.file)?.statements ?? [], finding.span.startOffset);
    if (!statement) continue;
    const group = byStatement.get(statement);
    if (group) group.push(finding);
    else byStatement.set(statement, [finding]);
  }
  return byStatement;
}

/**
 * The innermost statement whose text holds `offset`: a statement of a DO block rather than
 * the DO around it (its statements follow it, inside its span, so spans nest and statementAt's
 * search may land on either). The last statement starting at or before `offset` holds it,
 * or else one before it does (the DO, for an offset between the block's statements).
 */
function innermostStatementAt(statements: readonly Statement[], offset: number): Statement | undefined {
  let low = 0;
  let high = statements.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (statements[mid]!.span.startOffset <= offset) low = mid + 1;
    else high = mid - 1;
  }
  for (let i = high; i >= 0; i--) {
    const span = statements[i]!.span;
    if (offset <= span.endOffset) return statements[i];
    // NOTE: only a DO's own statements lie between it and the offset; a top-level statement that ends before the offset ends the search.
    if (statements[i]!.enclosing === undefined) return undefined;
  }
  return undefined;
}

/** An active rule with its reporter, for one runRules call. */
interface RuleRun extends ActiveRule {
  reporter: Reporter;
}

const noReport = (): void => {
  throw new Error('report called outside a rule hook');
};

/**
 * The rules whose statement hook takes a statement kind, in registry order, cached per kind.
 * NOTE: most rules read one or two kinds of statement; calling every rule on every
 * statement would be most of the rule time on large inputs.
 */
function byStatementKind<R extends ActiveRule>(rules: R[]): (kind: string) => R[] {
  const cache = new Map<string, R[]>();
  return (kind) => {
    let selected = cache.get(kind);
    if (!selected) {
      selected = rules.filter((r) => !r.rule.statementKinds || (r.rule.statementKinds as readonly string[]).includes(kind));
      cache.set(kind, selected);
    }
    return selected;
  };
}

/** Groups items by a key in one pass, keeping their order. */
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * The `report` function of one rule, which enforces the rule's metadata. One per rule and
 * run; at() points it at the file and statement being checked and returns the function.
 */
class Reporter {
  private file: AnalyzedFile | undefined;
  private statement: Statement | undefined;
  private readonly report = (descriptor: ReportDescriptor<string>): void => this.push(descriptor);

  constructor(
    private readonly active: ActiveRule,
    private readonly into: Finding[],
  ) {}

  at(file: AnalyzedFile | undefined, statement: Statement | undefined): (descriptor: ReportDescriptor<string>) => void {
    this.file = file;
    this.statement = statement;
    return this.report;
  }

  private push(descriptor: ReportDescriptor<string>): void {
    const { rule } = this.active;
    const { file, statement } = this;
    const template = (rule.messages as Record<string, string>)[descriptor.messageId];
    if (template === undefined) throw new Error(`rule ${rule.id} reported unknown messageId "${descriptor.messageId}"`);
    if (descriptor.fix !== undefined && rule.fix === undefined) throw new Error(`rule ${rule.id} reported a fix but declares no fix in its metadata`);
    const target = descriptor.statement ?? statement;
    const path = descriptor.file ?? file?.migration.path ?? '?';
    const span: Span = descriptor.span ?? target?.span ?? file?.lines.span(0, 0) ?? emptySpan();
    const lockMode = descriptor.lock === undefined ? rule.lock : descriptor.lock;
    const data = descriptor.data ?? {};
    this.into.push({
      ruleId: rule.id,
      messageId: descriptor.messageId,
      severity: atMost(descriptor.severity ?? this.active.severity, this.active.ceiling),
      file: path,
      span,
      message: fillTemplate(template, data, rule.id),
      why: rule.why,
      fix: descriptor.fix ?? (rule.fix ? fillTemplate(rule.fix, data, rule.id) : undefined),
      statement: target ? findingStatementText(target.text) : undefined,
      tables: descriptor.tables ?? (target ? statementLock(target.node).tables : []),
      lock: lockMode ? lockInfo(lockMode) : null,
      rewrite: descriptor.rewrite ?? rule.rewrites,
      docsUrl: docsUrl(rule.id),
      details: data,
    });
  }
}

/** Runs a file or change-set hook; a crash becomes an error finding (internalError). */
function guard(active: ActiveRule, file: AnalyzedFile | undefined, statement: Statement | undefined, into: Finding[], run: () => void): void {
  try {
    run();
  } catch (error) {
    into.push(internalError(active, file, statement, error));
  }
}

/** NOTE: a crashing rule must not hide the other findings, nor pass silently: it becomes an error finding. */
function internalError(active: ActiveRule, file: AnalyzedFile | undefined, statement: Statement | undefined, error: unknown): Finding {
  return {
    ruleId: active.rule.id,
    messageId: 'internalError',
    severity: 'error',
    file: file?.migration.path ?? '?',
    span: statement?.span ?? file?.lines.span(0, 0) ?? emptySpan(),
    message: `Internal error in rule ${active.rule.id}: ${(error as Error).message}. This is a bug in migration-guard; please report it with this statement.`,
    why: 'The rule could not check this statement, so the result is not trusted.',
    statement: statement ? findingStatementText(statement.text) : undefined,
    tables: [],
    lock: null,
    rewrite: false,
    docsUrl: docsUrl(active.rule.id),
    details: {},
  };
}

function emptySpan(): Span {
  return { startOffset: 0, endOffset: 0, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
}

function fileReport(file: AnalyzedFile, changeSet: ChangeSet): FileReport {
  const m = file.migration;
  return {
    path: m.path,
    convention: m.convention,
    role: m.role,
    change: file.input.change,
    version: m.version,
    migrationId: m.migrationId,
    partner: m.partner ?? null,
    implicitTransaction: m.sections.some((s) => s.implicitTransaction),
    statements: file.statements.map((s) => {
      const lock = statementLock(s.node);
      const replay = changeSet.replay?.statements.get(s);
      return {
        index: s.index,
        section: s.section,
        kind: s.kind,
        line: s.span.start.line,
        endLine: s.span.end.line,
        text: s.text,
        tables: lock.tables,
        lock: lock.lock,
        rewrite: lock.rewrite,
        ...(replay ? { replay } : {}),
      };
    }),
  };
}
