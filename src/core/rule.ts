/**
 * The contract between the engine and a rule. A rule is metadata first (id, severity,
 * summary, the lock it claims, messages, why, fix, examples), then behaviour: hooks that
 * look at statements, files or the whole change set and report findings. The engine
 * enforces what the metadata claims (message ids exist, fix only when declared).
 */
import type { AlterEnumStmt } from '@pgsql/types';
import type { NodeKind } from './ast.js';
import type { Config } from './config.js';
import type { WorkKind } from './estimate.js';
import type { HistoryFacts, CodeReference, ExpandEvidence } from './history-facts.js';
import type { Finding, Severity } from './finding.js';
import type { LockMode } from './locks.js';
import type { FileChange, InputFile, MigrationFile } from './migration.js';
import type { ReplayObservations } from './observations.js';
import type { ParseIssue, SectionRole, Statement } from './parse.js';
import type { LineIndex, Span } from './source.js';
import { quoteIdent, quoteQualified } from './sql-names.js';
import type { PhasePlan, PlanWriter } from './strategy.js';
import type { IgnoreComment } from './suppressions.js';

/** Groups rules in docs and in the comment. */
export type RuleCategory = 'breaking' | 'locking' | 'rollback' | 'process' | 'advice';

/** One file of a multi-file example. */
export interface ExampleFile {
  path: string;
  text: string;
  change?: FileChange;
  baseText?: string;
}

/** An example; valid ones must produce no finding of the rule, invalid ones at least one. */
export interface RuleExample {
  /** The up migration (run as `migrations/20260101000000_example.up.sql`, golang-migrate). */
  sql?: string;
  /** Several files instead of `sql`, for rules about pairs, order and history. */
  files?: ExampleFile[];
  /** Why this example is (in)valid; shown in the docs. */
  why?: string;
  postgresVersion?: number;
  options?: Record<string, unknown>;
  /** For invalid examples: the message ids expected, in order (default: any, at least one). */
  messageIds?: string[];
  /** For invalid examples: the messages expected, in order, as the findings word them (default: not checked). */
  messages?: string[];
  /** History and code facts the example assumes (for rules that read them). */
  facts?: ExampleFacts;
}

/** Facts for an example, as data: evidence and references keyed by target (`table` or `table.column`). */
export interface ExampleFacts {
  now: string;
  expand?: Record<string, ExpandEvidence>;
  references?: Record<string, CodeReference[]>;
}

/**
 * Items collected earlier in a transaction block, in order, as a statement sees them.
 * NOTE: views, not copies: copying the lists for each statement would be quadratic in a
 * transaction that touches many tables.
 */
export interface Collected<T> extends Iterable<T> {
  readonly size: number;
}

/** Tables collected earlier in a transaction block (as written, each once, in order). */
export interface CollectedTables extends Collected<string> {
  /** Whether the table is among them, under any spelling of its name (relationKey). */
  has(table: string): boolean;
}

/** The state of the migration at a statement, derived by the engine. */
export interface StatementState {
  /** Whether the statement runs inside a transaction block (implicit or explicit). */
  inTransaction: boolean;
  /** How that transaction was opened. */
  transaction: 'implicit' | 'explicit' | 'none';
  /** Statements earlier in the same transaction block (same file). */
  transactionStatements: readonly Statement[];
  /** The first of transactionStatements (a copy of the list costs time in long transactions). */
  firstTransactionStatement: Statement | undefined;
  /**
   * Tables that statements earlier in the same transaction block locked ACCESS EXCLUSIVE.
   * Kept incrementally: rules that scanned transactionStatements for every statement were
   * quadratic in long transactions.
   */
  accessExclusiveTables: CollectedTables;
  /** The tables that ALTER TABLE statements earlier in the same transaction block read in full (alterTableReadsEveryRow). */
  tablesReadInFull: CollectedTables;
  /** `ALTER TYPE ... ADD VALUE` statements earlier in the same transaction block. */
  addedEnumValues: Collected<AlterEnumStmt>;
  /** `SET lock_timeout` ran earlier in this file and is still in effect. */
  lockTimeout: boolean;
  /** `SET statement_timeout` ran earlier in this file and is still in effect. */
  statementTimeout: boolean;
}

/** A migration file with its parse results. */
export interface AnalyzedFile {
  input: InputFile;
  migration: MigrationFile;
  lines: LineIndex;
  statements: Statement[];
  issues: ParseIssue[];
  ignores: IgnoreComment[];
  /** True for files the change adds or modifies: only these get statement findings. */
  analyzed: boolean;
}

/** Every migration the engine knows about, in order. */
export interface ChangeSet {
  /** All migration files (changed and unchanged), in convention order. */
  files: readonly AnalyzedFile[];
  /** The files the change adds or modifies, in order. */
  changed: readonly AnalyzedFile[];
  /** Files the change deletes (with their base contents). */
  deleted: readonly InputFile[];
  /**
   * Which migrations are new, i.e. unapplied (docs/scope.md): `change`, the change's added
   * files together, as in a pull request; `each-file`, each added file on its own, with the
   * files before it as applied history.
   */
  scope: 'change' | 'each-file';
  byPath(path: string): AnalyzedFile | undefined;
  /**
   * The statements of any of `files`: those the engine parsed, and for the applied history
   * parsed on first request, once. Empty for what the engine does not read (deleted files,
   * unreadable ones, files over the size limit).
   */
  statementsOf(file: AnalyzedFile): readonly Statement[];
  /**
   * The file that holds the down of an up migration: the file itself when it has a down
   * section (dbmate, goose), else its partner down file (golang-migrate, Flyway undo, sqitch
   * revert) unless the change deletes it; undefined when there is no down to read. The one
   * place where a migration's up and down are paired (rollback rules, replay's round trip).
   */
  downOf(file: AnalyzedFile): AnalyzedFile | undefined;
  /**
   * `derive(changeSet)`, computed once per change set and shared: what rules build from
   * every migration (indexes by table, facts by column, each file's predecessor).
   */
  derived<T>(derive: (changeSet: ChangeSet) => T): T;
  /** What replaying the migrations on Postgres observed; absent when replay did not run. */
  replay?: ReplayObservations;
}

export interface ReportDescriptor<MessageId extends string> {
  messageId: MessageId;
  /** Values for `{{name}}` placeholders in the message and fix. */
  data?: Record<string, string | number>;
  /** Defaults to the statement's span, or the file's first line in file hooks. */
  span?: Span;
  /** Defaults to the statement being checked. */
  statement?: Statement;
  tables?: string[];
  /** Defaults to the rule's claimed lock. */
  lock?: LockMode | null;
  rewrite?: boolean;
  /**
   * Overrides the rule's severity for this finding (e.g. a notice for a skipped line). Never
   * above the level the config sets the rule to when that is below the rule's default.
   */
  severity?: Severity;
  /** Overrides the rule's fix template with concrete text. */
  fix?: string;
  /** Reports in another file (e.g. application code), with `span` in that file. */
  file?: string;
}

interface BaseContext<MessageId extends string> {
  config: Config;
  postgresVersion: number;
  /** The rule's options from the config file (`rules.<id>.options`). */
  options: Readonly<Record<string, unknown>>;
  changeSet: ChangeSet;
  /** History and code-search facts, when the caller gathered them (CLI with git, the action). */
  facts: HistoryFacts | undefined;
  report(descriptor: ReportDescriptor<MessageId>): void;
}

export interface FileContext<MessageId extends string> extends BaseContext<MessageId> {
  file: AnalyzedFile;
}

export interface StatementContext<MessageId extends string> extends FileContext<MessageId> {
  statement: Statement;
  state: StatementState;
  /** True when the relation was created earlier in this change set (new, empty, not yet used). */
  isNewTable(name: string): boolean;
  /** The findings the other rules reported on this statement; only filled for `afterRules` rules. */
  findingsOn(statement: Statement): readonly Finding[];
}

export interface RuleMeta<MessageId extends string> {
  /** kebab-case, with a verb prefix (`ban-`, `require-`, `prefer-`); equals the file name. */
  id: string;
  severity: Severity;
  category: RuleCategory;
  /** One line for tables and SARIF. */
  summary: string;
  /** The lock the flagged statement takes on its table, when it is about locks. */
  lock: LockMode | null;
  /** Whether the flagged statement rewrites the table. */
  rewrites: boolean;
  /**
   * The work the flagged statement does that grows with the table (an index build, a scan,
   * a validation, a backfill), for the production context's duration estimate
   * (core/production-context.ts). Rewrites come from each finding, not from here.
   */
  work?: WorkKind;
  /**
   * Set when the config may not change the rule's severity nor turn it off: why, and what
   * to do instead (the config error quotes it). core/config.ts checks it for every rule.
   */
  severityLocked?: string;
  messages: Record<MessageId, string>;
  /** Why this is dangerous with old code still running (docs and findings). */
  why: string;
  /** The safe alternative as a template with `{{placeholders}}` (docs show them as <name>). */
  fix?: string;
  /** Postgres versions the rule's verdict depends on, in words (docs). */
  versions?: string;
  /** Links to the Postgres documentation and other references. */
  references: string[];
  /**
   * `replay`: the rule's findings come from replaying the migrations on Postgres
   * (src/replay), not from hooks; its examples are checked by replaying them.
   */
  source?: 'replay';
  /**
   * The statement kinds (top-level node types) the statement hook can report on; the
   * engine calls the hook only for statements of these kinds. Omit it when any statement
   * may matter. test/statement-kinds.test.ts checks that declaring it changes no finding.
   */
  statementKinds?: readonly NodeKind[];
  /** Sections the statement hook runs on; default up only. */
  sections?: SectionRole[];
  examples: { valid: RuleExample[]; invalid: RuleExample[] };
}

export interface Rule<MessageId extends string = string> extends RuleMeta<MessageId> {
  /** Called for each statement of each changed file, in order. */
  statement?(context: StatementContext<MessageId>): void;
  /** Called once per changed migration file. */
  file?(context: FileContext<MessageId>): void;
  /** Called once per run, with the whole change set. */
  changeSet?(context: BaseContext<MessageId>): void;
  /** Runs after the other rules, before suppressions, and reads their findings (`findingsOn`). */
  afterRules?: boolean;
  /** Runs after ignore comments were applied (for rules about the ignores themselves). */
  afterSuppressions?: boolean;
  /**
   * For rules whose findings break running code: the expand/contract phase plan for one
   * finding, from the values it reported (`details`); core/strategy.ts shows it.
   */
  phasePlan?(details: Readonly<Record<string, string | number>>, writer: PlanWriter): PhasePlan | undefined;
}

/** Declares a rule; the identity function that gives message ids their type. */
export function defineRule<MessageId extends string>(rule: Rule<MessageId>): Rule<MessageId> {
  return rule;
}

/** How a `{{name|format}}` placeholder prints its value. */
const PLACEHOLDER_FORMATS: Record<string, (value: string) => string> = {
  /** One SQL identifier (a column, an index, a constraint), quoted as Postgres requires. */
  ident: quoteIdent,
  /** A possibly schema-qualified relation, quoted part by part. */
  relation: quoteQualified,
};

/**
 * Fills `{{name}}` placeholders; a missing value is a bug in the rule, so it throws.
 * `{{name|ident}}` and `{{name|relation}}` print the value as an SQL identifier: every name
 * placed in SQL (fix texts) must use one, so the SQL we print names the user's objects.
 */
export function fillTemplate(template: string, data: Record<string, string | number> = {}, ruleId = '?'): string {
  return template.replace(/\{\{\s*(\w+)\s*(?:\|\s*(\w+)\s*)?\}\}/g, (_, name: string, format: string | undefined) => {
    const value = data[name];
    if (value === undefined) throw new Error(`rule ${ruleId}: no value for {{${name}}}`);
    if (format === undefined) return String(value);
    const print = PLACEHOLDER_FORMATS[format];
    if (!print) throw new Error(`rule ${ruleId}: unknown placeholder format {{${name}|${format}}}`);
    return print(String(value));
  });
}
