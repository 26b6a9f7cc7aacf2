/**
 * The action's inputs to the pipeline (src/check.ts): a pull request's changed migration
 * files, the checkout's other migration files as context, history facts when the checkout
 * has them; or, for a merge group, the commits since its base.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { check, type CheckResult, configFromSquawk, type GatheredInputs, migrationMatcher, readConfig, SQUAWK_CONFIG_FILE } from '../check.js';
import { type Config, ConfigError } from '../core/config.js';
import { migrationDigest } from '../core/gate.js';
import type { FileChange, InputFile } from '../core/migration.js';
import type { Report } from '../core/report.js';
import type { StrategyAdvice } from '../core/strategy.js';
import { changedSince, diffStatus, filesAt, git } from '../workspace/git.js';
import { type Decoded, decodeMigrationBytes } from '../workspace/decode.js';
import { collectPaths, readDecoded } from '../workspace/files.js';
import { type ReplaySettings, startReplayEarly } from '../replay/index.js';
import type { GitHubApi, PullFile } from '../github/api.js';
import { changedMigrations, pullRequestInputs, type ReadAllAt, readEach } from './pull-inputs.js';

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
  /** The `replay-cache-dir` input, absolute: where the base schema is restored from and saved to. */
  replayCacheDir?: string;
  /** GITHUB_WORKSPACE: the checkout (PR head for pull_request, default branch for comment runs). */
  workspace: string;
  /** Writes a line to the run's log. */
  log: (line: string) => void;
}

/**
 * Reads the config file from the base commit; without one, squawk's `.squawk.toml` at the
 * repository's top level, as the CLI would (check.ts configFromSquawk; `notes` say what was
 * not carried over). NOTE: never from the PR head: a pull request could otherwise switch off
 * the rules that would block it. Changes to the config take effect once merged.
 */
export async function loadConfigAt(api: GitHubApi, configPath: string, ref: string): Promise<{ config: Config; notes: string[] }> {
  const where = `in the file on the base branch, commit ${ref.slice(0, 7)}`;
  const text = await api.fileAt(configPath, ref);
  if (text !== undefined) return { config: await readConfig(text, configPath, where), notes: [] };
  const squawk = await api.fileAt(SQUAWK_CONFIG_FILE, ref);
  if (squawk === undefined) return { config: await readConfig(undefined, configPath), notes: [] };
  return configFromSquawk(squawk, SQUAWK_CONFIG_FILE, where);
}

export { migrationMatcher };

/**
 * @param headFromCheckout read the head's files from the workspace (pull_request runs whose
 * checkout is at the head SHA); otherwise from the head commit fetched into the checkout as
 * git objects, or through the API at the head SHA when it cannot be fetched (comment and
 * workflow_run runs, whose checkout is the default branch and must never be PR code). Base
 * contents come from the checkout's objects when it has the base commit, else the API.
 */
export async function analyzePull(ctx: AnalysisContext, pull: { number: number; headSha: string; baseSha: string }, headFromCheckout: boolean): Promise<PullAnalysis> {
  const notices: string[] = [];
  const replay = await replaySettings(ctx, pull.baseSha);
  const result = await check({
    config: ctx.config,
    log: ctx.log,
    scope: 'change',
    replay,
    ...(await statsFileAt(ctx, pull.baseSha)),
    gather: async (onRead) => {
      const isMigration = migrationMatcher(ctx.config);
      // NOTE: independent reads at once: the PR's files, the checkout's head, whether it has the base commit, its migrations.
      const [listed, checkoutHead, baseCommitted, context] = await Promise.all([
        ctx.api.pullFiles(pull.number).then((list) => {
          // NOTE: as soon as the list names a migration the PR adds or changes (check.ts does it on the first read).
          if (list.files.some((f) => f.status !== 'removed' && isMigration(f.path))) startReplayEarly(replay);
          return list;
        }),
        headCommit(ctx.workspace),
        hasCommit(ctx.workspace, pull.baseSha),
        existsSync(ctx.workspace) ? collectPaths(['.'], ctx.workspace, ctx.config.exclude).then((c) => c.files.filter((f) => isMigration(f.path))) : [],
      ]);
      const changed = listed.capped ? await changedFromGit(ctx.workspace, pull) : listed.files;
      const fromCheckout = headFromCheckout && checkoutHead === pull.headSha;
      if (headFromCheckout && !fromCheckout) {
        notices.push(`the checkout is at ${checkoutHead?.slice(0, 7) ?? 'no git commit'}, not the pull request head ${pull.headSha.slice(0, 7)}: migration files were read through the API at the head (use "ref: \${{ github.event.pull_request.head.sha }}" in actions/checkout)`);
      }
      // NOTE: every kind of run must see the same findings, or a comment run could turn green
      // what the pull_request run blocks: without the PR checked out, its head is fetched into
      // the default branch's checkout and read as data, for the history facts and for the
      // changed files' contents: read from git objects, a pull request with thousands of files
      // costs a few git commands instead of an API request per file.
      const headRevision = fromCheckout ? undefined : await fetchHead(ctx.workspace, pull, notices);
      const viaApi = (sha: string) => readEach(async (p) => decodedBytes(await ctx.api.fileBytesAt(p, sha)));
      const baseInCheckout = baseCommitted || (headRevision !== undefined && (await fetchCommit(ctx.workspace, pull.baseSha, notices)));
      const files = await pullRequestInputs({
        changed,
        isMigration,
        context,
        head: fromCheckout ? readEach(async (p) => readDecoded(path.join(ctx.workspace, p), p, [])) : headRevision ? objectReader(ctx, headRevision) : viaApi(pull.headSha),
        base: baseInCheckout ? objectReader(ctx, pull.baseSha) : viaApi(pull.baseSha),
      });
      for (const file of files) onRead(file);
      const history = fromCheckout || headRevision ? await historyIn(ctx.workspace, pull.baseSha, notices, headRevision, baseInCheckout) : undefined;
      return { files, ...(history ? { history } : {}) };
    },
  });
  return pullAnalysis(result, notices);
}

/**
 * The replay settings of a run. The schema file comes from the base commit, like the
 * config: PR contents are only ever replayed as the migrations under review.
 */
async function replaySettings(ctx: AnalysisContext, baseSha: string): Promise<ReplaySettings> {
  const mode = ctx.databaseUrl ? 'pglite' : ctx.config.replay.mode;
  const settings: ReplaySettings = { mode, ...(ctx.databaseUrl ? { databaseUrl: ctx.databaseUrl } : {}), ...(ctx.replayCacheDir ? { cacheDir: ctx.replayCacheDir, log: ctx.log } : {}) };
  const schemaPath = ctx.config.replay['schema-file'];
  if (mode === 'off' || !schemaPath) return settings;
  const schemaText = await ctx.api.fileAt(schemaPath, baseSha);
  if (schemaText === undefined) throw new ConfigError(`key "replay.schema-file": ${schemaPath} does not exist on the base commit ${baseSha.slice(0, 7)}`, ctx.configPath);
  return { ...settings, schemaFile: { path: schemaPath, text: schemaText } };
}

function pullAnalysis({ report, files, advice }: CheckResult, notices: string[]): PullAnalysis {
  const changedFiles = changedMigrations(files);
  return { report, files, digest: migrationDigest(changedFiles), changedCount: changedFiles.length, advice, notices };
}

/**
 * The production stats file (`stats-file:`), read from the base commit like the config: a
 * pull request must not shrink its own tables to turn its findings into notices.
 */
async function statsFileAt(ctx: AnalysisContext, baseSha: string): Promise<{ stats?: { path: string; text: string } }> {
  const statsPath = ctx.config['stats-file'];
  if (statsPath === undefined) return {};
  const text = await ctx.api.fileAt(statsPath, baseSha);
  if (text === undefined) throw new ConfigError(`key "stats-file": ${statsPath} does not exist on the base commit ${baseSha.slice(0, 7)}`, ctx.configPath);
  return { stats: { path: statsPath, text } };
}

/** For a merge queue: what the group's head changes against its base, from the checkout. */
export async function analyzeCommits(ctx: AnalysisContext, baseSha: string): Promise<PullAnalysis> {
  const notices: string[] = [];
  const result = await check({
    config: ctx.config,
    log: ctx.log,
    scope: 'change',
    replay: await replaySettings(ctx, baseSha),
    ...(await statsFileAt(ctx, baseSha)),
    gather: async (onRead) => {
      const changed = await changedSince(baseSha, ctx.workspace, migrationMatcher(ctx.config)).catch((error: Error) => {
        throw new Error(`cannot compare the merge group with its base ${baseSha.slice(0, 7)} in the checkout (${error.message}); use "fetch-depth: 0" in actions/checkout`);
      });
      for (const file of changed.files) onRead(file);
      const history = await historyIn(ctx.workspace, changed.mergeBase, notices);
      return { files: changed.files, ...(history ? { history } : {}) };
    },
  });
  return pullAnalysis(result, notices);
}

/** The checkout as the source of history facts, when it has the base commit (`baseInCheckout`, when the caller knows). */
async function historyIn(workspace: string, baseSha: string, notices: string[], headRevision?: string, baseInCheckout?: boolean): Promise<GatheredInputs['history']> {
  if (!(baseInCheckout ?? (await hasCommit(workspace, baseSha)))) {
    notices.push(`the base commit ${baseSha.slice(0, 7)} is not in the checkout, so contract-too-early cannot read when the expand step landed: use "fetch-depth: 0" in actions/checkout`);
    return undefined;
  }
  return { root: workspace, baseCommit: baseSha, ...(headRevision ? { headRevision } : {}) };
}

/** Fetches the PR head (refs/pull/N/head) into the checkout, without checking it out. */
async function fetchHead(workspace: string, pull: { number: number; headSha: string }, notices: string[]): Promise<string | undefined> {
  if (!existsSync(path.join(workspace, '.git'))) {
    notices.push('there is no git checkout, so migration files were read through the API and contract-too-early and code-still-references did not run: add actions/checkout (default branch, "fetch-depth: 0") before the action');
    return undefined;
  }
  const ref = 'refs/migration-guard/head';
  try {
    await git(workspace, ['fetch', '--quiet', '--no-tags', 'origin', `+refs/pull/${pull.number}/head:${ref}`]);
    const fetched = (await git(workspace, ['rev-parse', ref])).trim();
    if (fetched === pull.headSha) return fetched;
    notices.push(`refs/pull/${pull.number}/head is ${fetched.slice(0, 7)}, not ${pull.headSha.slice(0, 7)}: the pull request moved; migration files were read through the API at ${pull.headSha.slice(0, 7)} and the expand/contract rules did not run`);
  } catch (error) {
    notices.push(`cannot fetch the pull request head (${(error as Error).message}): migration files were read through the API and the expand/contract rules did not run`);
  }
  return undefined;
}

/** Whether the checkout has commit `sha`. */
async function hasCommit(workspace: string, sha: string): Promise<boolean> {
  if (!existsSync(path.join(workspace, '.git'))) return false;
  return git(workspace, ['cat-file', '-e', `${sha}^{commit}`]).then(
    () => true,
    () => false,
  );
}

/** Fetches commit `sha` (the PR's base) into the checkout as data; false when it cannot. */
async function fetchCommit(workspace: string, sha: string, notices: string[]): Promise<boolean> {
  try {
    await git(workspace, ['fetch', '--quiet', '--no-tags', 'origin', sha]);
    if (await hasCommit(workspace, sha)) return true;
    notices.push(`fetching the base commit ${sha.slice(0, 7)} did not bring it into the checkout: base contents of migration files were read through the API`);
  } catch (error) {
    notices.push(`cannot fetch the base commit ${sha.slice(0, 7)} (${(error as Error).message}): base contents of migration files were read through the API`);
  }
  return false;
}

/**
 * Reads files at commit `sha` from the checkout's git objects, as data, decoded like every
 * other reader (pull-inputs.ts ReadAt); symbolic links through the API, which resolves them as
 * GitHub does.
 */
function objectReader(ctx: AnalysisContext, sha: string): ReadAllAt {
  return async (paths) => {
    const { files, symlinks } = await filesAt(ctx.workspace, sha, paths);
    const texts = new Map([...files].map(([file, bytes]) => [file, decodeMigrationBytes(bytes)] as const));
    for (const [file, decoded] of await readEach(async (p) => decodedBytes(await ctx.api.fileBytesAt(p, sha)))([...symlinks])) texts.set(file, decoded);
    return texts;
  };
}

function decodedBytes(bytes: Uint8Array | undefined): Decoded | undefined {
  return bytes && decodeMigrationBytes(bytes);
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
