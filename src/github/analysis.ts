/**
 * Runs the engine on a pull request: its changed migration files, the checkout's other
 * migration files as context, history facts when the checkout has them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { type Config, ConfigError, defaultConfig, parseConfigText } from '../core/config.js';
import { migrationDigest } from '../core/gate.js';
import { type FileChange, type InputFile, isChanged } from '../core/migration.js';
import type { Report } from '../core/report.js';
import { adviseStrategy, type StrategyAdvice } from '../core/strategy.js';
import { DEFAULT_MIGRATION_GLOBS } from '../conventions/index.js';
import { checkMigrations } from '../engine.js';
import { gatherFacts } from '../local/facts.js';
import { changedSince, diffStatus, git } from '../local/git.js';
import { prepareParser } from '../local/parse-pool.js';
import { collectPaths, readText } from '../local/workspace.js';
import { withReplay } from '../replay/index.js';
import { withStats } from '../stats/context.js';
import { ruleIds } from '../rules/index.js';
import type { GitHubApi, PullFile } from './api.js';
import { changedMigrations, pullRequestInputs } from './sources.js';

/** The engine's result for one pull request head, with what the gate needs. */
export interface PullAnalysis {
  report: Report;
  files: InputFile[];
  /** Digest of the changed migration files: what an approval is bound to. */
  digest: string;
  /** How many migration files the pull request adds, changes or deletes. */
  changedCount: number;
  advice: StrategyAdvice;
  /** Things the run could not do, for the log (e.g. shallow history). */
  notices: string[];
}

export interface AnalysisContext {
  api: GitHubApi;
  config: Config;
  /** The config file's path, for errors about its keys. */
  configPath: string;
  /** The `database-url` input: replay on that server instead of PGlite. */
  databaseUrl?: string;
  /** GITHUB_WORKSPACE: the checkout (PR head for pull_request, default branch for comment runs). */
  workspace: string;
  /** Writes a line to the run's log. */
  log: (line: string) => void;
}

/**
 * Reads the config file from the base commit. NOTE: never from the PR head: a pull request
 * could otherwise switch off the rules that would block it. Changes to the config take
 * effect once merged.
 */
export async function loadConfigAt(api: GitHubApi, configPath: string, ref: string): Promise<Config> {
  const text = await api.fileAt(configPath, ref);
  if (text === undefined) return defaultConfig();
  try {
    return await parseConfigText(text, ruleIds, configPath);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${error.detail} (in the file on the base branch, commit ${ref.slice(0, 7)})`, configPath);
    throw error;
  }
}

/** Which paths are migrations under the config. */
export function migrationMatcher(config: Config): (p: string) => boolean {
  const isMigration = picomatch(config.paths.length ? config.paths : DEFAULT_MIGRATION_GLOBS, { dot: true });
  const excluded = config.exclude.length ? picomatch(config.exclude, { dot: true }) : () => false;
  return (p) => isMigration(p) && !excluded(p);
}

/**
 * @param headFromCheckout read the head's files from the workspace (pull_request runs whose
 * checkout is at the head SHA); otherwise through the API at the head SHA (comment and
 * workflow_run runs, whose checkout is the default branch and must never be PR code).
 */
export async function analyzePull(ctx: AnalysisContext, pull: { number: number; headSha: string; baseSha: string }, headFromCheckout: boolean): Promise<PullAnalysis> {
  // NOTE: started first: the parser compiles on background threads during the API calls.
  const parser = prepareParser(ctx.log);
  const notices: string[] = [];
  const isMigration = migrationMatcher(ctx.config);
  const listed = await ctx.api.pullFiles(pull.number);
  const changed = listed.capped ? await changedFromGit(ctx.workspace, pull) : listed.files;
  const checkoutHead = await headCommit(ctx.workspace);
  const fromCheckout = headFromCheckout && checkoutHead === pull.headSha;
  if (headFromCheckout && !fromCheckout) {
    notices.push(`the checkout is at ${checkoutHead?.slice(0, 7) ?? 'no git commit'}, not the pull request head ${pull.headSha.slice(0, 7)}: migration files were read through the API at the head (use "ref: \${{ github.event.pull_request.head.sha }}" in actions/checkout)`);
  }
  const context = existsSync(ctx.workspace) ? (await collectPaths(['.'], ctx.workspace, ctx.config.exclude)).files.filter((f) => isMigration(f.path)) : [];
  const files = await pullRequestInputs({
    changed,
    isMigration,
    context,
    head: fromCheckout ? (p) => readText(path.join(ctx.workspace, p), p, []) : (p) => ctx.api.fileAt(p, pull.headSha),
    base: (p) => ctx.api.fileAt(p, pull.baseSha),
  });
  // NOTE: the engine parses the changed files (and their partners, not known here).
  for (const file of files) if (isChanged(file.change)) parser.reading(file.text.length);
  // NOTE: every kind of run must see the same findings, or a comment run could turn green
  // what the pull_request run blocks: without the PR checked out, its head is fetched into
  // the default branch's checkout and searched as data.
  const headRevision = fromCheckout ? undefined : await fetchHead(ctx.workspace, pull, notices);
  const facts = fromCheckout || headRevision ? await factsFromCheckout(ctx, files, pull.baseSha, notices, headRevision) : undefined;
  const report = await judgeByStats(ctx, await replay(ctx, await checkMigrations(files, ctx.config, facts, await parser.ready), files, pull.baseSha), pull.baseSha);
  const changedFiles = changedMigrations(files);
  return { report, files, digest: migrationDigest(changedFiles), changedCount: changedFiles.length, advice: adviseStrategy(report, ctx.config), notices };
}

/**
 * Replays on PGlite (or the `database-url` server). The schema file comes from the base
 * commit, like the config: PR contents are only ever replayed as the migrations under review.
 */
async function replay(ctx: AnalysisContext, report: Report, files: InputFile[], baseSha: string): Promise<Report> {
  const mode = ctx.databaseUrl ? 'pglite' : ctx.config.replay.mode;
  if (mode === 'off') return report;
  const schemaPath = ctx.config.replay['schema-file'];
  const schemaText = schemaPath ? await ctx.api.fileAt(schemaPath, baseSha) : undefined;
  if (schemaPath && schemaText === undefined) throw new ConfigError(`key "replay.schema-file": ${schemaPath} does not exist on the base commit ${baseSha.slice(0, 7)}`, ctx.configPath);
  return withReplay(report, files, ctx.config, {
    mode,
    ...(ctx.databaseUrl ? { databaseUrl: ctx.databaseUrl } : {}),
    ...(schemaPath && schemaText !== undefined ? { schemaFile: { path: schemaPath, text: schemaText } } : {}),
  });
}

/**
 * Judges the findings by the config's `stats-file`, read from the base commit like the
 * config: a pull request must not shrink its own tables to turn its findings into notices.
 */
async function judgeByStats(ctx: AnalysisContext, report: Report, baseSha: string): Promise<Report> {
  const statsPath = ctx.config['stats-file'];
  if (statsPath === undefined) return report;
  const text = await ctx.api.fileAt(statsPath, baseSha);
  if (text === undefined) throw new ConfigError(`key "stats-file": ${statsPath} does not exist on the base commit ${baseSha.slice(0, 7)}`, ctx.configPath);
  return withStats(report, ctx.config, { path: statsPath, text });
}

/** For a merge queue: what the group's head changes against its base, from the checkout. */
export async function analyzeCommits(ctx: AnalysisContext, baseSha: string): Promise<PullAnalysis> {
  // NOTE: started first: the parser compiles on background threads while git runs.
  const parser = prepareParser(ctx.log);
  const notices: string[] = [];
  const changed = await changedSince(baseSha, ctx.workspace, migrationMatcher(ctx.config)).catch((error: Error) => {
    throw new Error(`cannot compare the merge group with its base ${baseSha.slice(0, 7)} in the checkout (${error.message}); use "fetch-depth: 0" in actions/checkout`);
  });
  for (const file of changed.files) if (isChanged(file.change)) parser.reading(file.text.length);
  const facts = await factsFromCheckout(ctx, changed.files, changed.mergeBase, notices);
  const report = await judgeByStats(ctx, await replay(ctx, await checkMigrations(changed.files, ctx.config, facts, await parser.ready), changed.files, baseSha), baseSha);
  const changedFiles = changedMigrations(changed.files);
  return { report, files: changed.files, digest: migrationDigest(changedFiles), changedCount: changedFiles.length, advice: adviseStrategy(report, ctx.config), notices };
}

async function factsFromCheckout(ctx: AnalysisContext, files: InputFile[], baseSha: string, notices: string[], headRevision?: string) {
  if (!(await git(ctx.workspace, ['cat-file', '-e', `${baseSha}^{commit}`]).then(() => true, () => false))) {
    notices.push(`the base commit ${baseSha.slice(0, 7)} is not in the checkout, so contract-too-early cannot read when the expand step landed: use "fetch-depth: 0" in actions/checkout`);
    return undefined;
  }
  return gatherFacts(files, ctx.config, { root: ctx.workspace, baseCommit: baseSha, now: new Date(), ...(headRevision ? { headRevision } : {}) });
}

/** Fetches the PR head (refs/pull/N/head) into the checkout, without checking it out. */
async function fetchHead(workspace: string, pull: { number: number; headSha: string }, notices: string[]): Promise<string | undefined> {
  if (!existsSync(path.join(workspace, '.git'))) {
    notices.push('there is no git checkout, so contract-too-early and code-still-references did not run: add actions/checkout (default branch, "fetch-depth: 0") before the action');
    return undefined;
  }
  const ref = 'refs/migration-guard/head';
  try {
    await git(workspace, ['fetch', '--quiet', '--no-tags', 'origin', `+refs/pull/${pull.number}/head:${ref}`]);
    const fetched = (await git(workspace, ['rev-parse', ref])).trim();
    if (fetched === pull.headSha) return fetched;
    notices.push(`refs/pull/${pull.number}/head is ${fetched.slice(0, 7)}, not ${pull.headSha.slice(0, 7)}: the pull request moved; the expand/contract rules did not run`);
  } catch (error) {
    notices.push(`cannot fetch the pull request head (${(error as Error).message}); the expand/contract rules did not run`);
  }
  return undefined;
}

async function headCommit(workspace: string): Promise<string | undefined> {
  if (!existsSync(path.join(workspace, '.git'))) return undefined;
  return (await git(workspace, ['rev-parse', 'HEAD']).catch(() => '')).trim() || undefined;
}

/**
 * NOTE: GitHub lists at most 3,000 files of a pull request. Past that, the list comes from
 * git on the checkout; without both commits there, the run fails rather than check a part.
 */
async function changedFromGit(workspace: string, pull: { headSha: string; baseSha: string }): Promise<PullFile[]> {
  let changes: Map<string, FileChange>;
  try {
    changes = await diffStatus(workspace, `${pull.baseSha}...${pull.headSha}`);
  } catch (error) {
    throw new Error(
      `the pull request changes more than 3,000 files, the most GitHub's API lists, and the checkout cannot list them either (${(error as Error).message}); use "fetch-depth: 0" in actions/checkout so the full list comes from git`,
    );
  }
  return [...changes].map(([path, change]) => ({ path, status: change === 'deleted' ? 'removed' : change === 'added' ? 'added' : 'modified' }));
}
