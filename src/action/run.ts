/**
 * The action: reads the event, analyses the pull request, publishes. One function per
 * kind of trigger; the entry point (src/action/index.ts) only calls `runAction`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import * as z from '../core/zod.js';
import { COMMENT_MARKER, parseCommands, POST_DEPLOYMENT_MARKER, REPLY_MARKER } from '../core/comment-format.js';
import { commandRefusal } from '../core/gate.js';
import { renderPostDeployment } from '../render/markdown.js';
import { analyzeCommits, analyzePull, loadConfigAt, migrationMatcher, type PullAnalysis } from './analysis.js';
import { GitHubApi, type PullInfo } from '../github/api.js';
import { createClient } from '../github/client.js';
import { parseTrigger, type Trigger } from '../github/event.js';
import { Authoriser } from './gate-commands.js';
import { applyInputs, type ActionInputs, InputError, parseInputs } from './inputs.js';
import { annotate, decide, type Decision, publish, type PublishContext, STATUS_CONTEXT, statusDescription, tryWrite, writeRunOutputs, writeStatus } from './publish.js';
import { isBotComment } from './sticky.js';

/** The runner's environment, read once by the entry point. */
export interface ActionEnv {
  eventName: string;
  eventPath: string;
  /** `owner/name`. */
  repository: string;
  workspace: string;
  runnerTemp: string;
  apiUrl: string;
  serverUrl: string;
  runId: string;
}

/** Requests one run may make: enough for 3,000 files and a long comment thread, bounded. */
export const MAX_API_CALLS = 400;

/** Of MAX_API_CALLS, the requests only the final status write may use (the `error` status included). */
export const STATUS_RESERVE = 3;

/**
 * Why `pull_request_target` is refused. NOTE: it runs with a write token and the secrets in
 * the base repository's context, on an event any fork can trigger: reading the PR's files
 * from a checkout or sending its SQL to `database-url` there is the classic "pwn request".
 */
export const PULL_REQUEST_TARGET_REFUSAL =
  'migration-guard does not run on "pull_request_target": that event runs with a write token and secrets on code any fork controls. Run it on "pull_request" (read-only for forks), and publish for fork pull requests from a separate "workflow_run" workflow; see docs/github-action.md, "Pull requests from forks".';

/** Returns the process exit code: 0 pass (or nothing to do), 1 blocked or failed. */
export async function runAction(env: ActionEnv): Promise<number> {
  let inputs: ActionInputs;
  try {
    inputs = parseInputs((name) => core.getInput(name));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    core.setFailed(error.message);
    return 1;
  }
  const [owner, repo] = env.repository.split('/');
  if (!owner || !repo) {
    core.setFailed(`GITHUB_REPOSITORY is "${env.repository}"; expected "owner/name". Is this running on GitHub Actions?`);
    return 1;
  }
  let trigger: Trigger;
  try {
    trigger = parseTrigger(env.eventName, JSON.parse(await readFile(env.eventPath, 'utf8')));
  } catch (error) {
    core.setFailed(`Cannot read the ${env.eventName || 'triggering'} event from GITHUB_EVENT_PATH (${env.eventPath}): ${(error as Error).message}`);
    return 1;
  }
  if (env.eventName === 'pull_request_target') {
    core.setFailed(PULL_REQUEST_TARGET_REFUSAL);
    return 1;
  }
  if (trigger.kind === 'ignored') {
    core.info(`migration-guard: nothing to do: ${trigger.reason}.`);
    return 0;
  }
  const client = createClient({ token: inputs.token, baseUrl: env.apiUrl, maxCalls: MAX_API_CALLS, reserve: STATUS_RESERVE, warn: (m) => core.warning(m) });
  const api = new GitHubApi(client.octokit, { owner, repo });
  const run = new Run(api, inputs, env, client.releaseReserve);
  try {
    return await run.handle(trigger);
  } catch (error) {
    core.debug((error as Error).stack ?? String(error));
    const message = `migration-guard failed: ${(error as Error).message}`;
    core.setFailed(message);
    // NOTE: fail closed: whatever the status said before, it says `error` now.
    client.releaseReserve();
    if (run.statusSha) await api.setStatus(run.statusSha, 'error', message, STATUS_CONTEXT, run.runUrl).catch((e: Error) => core.warning(`Could not write the error status: ${e.message}`));
    return 1;
  } finally {
    core.info(`migration-guard: ${client.calls()} GitHub API requests in this run.`);
    if (run.refused.length) {
      core.warning(
        `GitHub refused ${run.refused.length} write${run.refused.length === 1 ? '' : 's'} (403): ${run.refused.join('; ')}. The token is read-only, as it is for pull requests from forks, or the workflow lacks "permissions:". Annotations, the job summary and the exit code still work; for the comment and status on fork pull requests use the fork-safe setup (README: "Pull requests from forks").`,
      );
    }
  }
}

class Run {
  readonly runUrl: string;
  readonly refused: string[] = [];
  /** The commit whose status this run owns (set once known), for the `error` status. */
  statusSha: string | undefined;

  constructor(
    private readonly api: GitHubApi,
    private readonly inputs: ActionInputs,
    private readonly env: ActionEnv,
    private readonly releaseReserve: () => void,
  ) {
    this.runUrl = `${env.serverUrl}/${env.repository}/actions/runs/${env.runId}`;
  }

  handle(trigger: Exclude<Trigger, { kind: 'ignored' }>): Promise<number> {
    switch (trigger.kind) {
      case 'pull-request':
        return this.pullRequest(trigger);
      case 'merge-group':
        return this.mergeGroup(trigger);
      case 'comment':
        return this.comment(trigger);
      case 'workflow-run':
        return this.workflowRun(trigger);
      case 'merged':
        return this.merged(trigger);
    }
  }

  private async context(baseSha: string): Promise<PublishContext> {
    const loaded = await loadConfigAt(this.api, this.inputs.configPath, baseSha);
    for (const note of loaded.notes) core.info(`migration-guard: ${note}`);
    const config = applyInputs(loaded.config, this.inputs);
    const repoUrl = `${this.env.serverUrl}/${this.env.repository}`;
    const blobUrl = (sha: string, file: string, line: number) => `${repoUrl}/blob/${sha}/${file.split('/').map(encodeURIComponent).join('/')}#L${line}`;
    return { api: this.api, inputs: this.inputs, config, runUrl: this.runUrl, refused: this.refused, releaseReserve: this.releaseReserve, blobUrl };
  }

  /**
   * @param privileged a comment or workflow_run run (write token, default branch): its
   * replay stays in PGlite's in-process sandbox and never sends the PR's SQL to a server.
   */
  private analysisContext(ctx: PublishContext, privileged: boolean) {
    const server = this.inputs.databaseUrl && !privileged ? { databaseUrl: this.inputs.databaseUrl } : {};
    // NOTE: nor the replay cache: pull request runs, whose code the workflow may run, can write that directory.
    const cache = this.inputs.replayCacheDir && !privileged ? { replayCacheDir: path.resolve(this.env.workspace, this.inputs.replayCacheDir) } : {};
    return { api: this.api, config: ctx.config, configPath: this.inputs.configPath, workspace: this.env.workspace, log: (line: string) => core.info(`migration-guard: ${line}`), ...server, ...cache };
  }

  private async pullRequest(trigger: Extract<Trigger, { kind: 'pull-request' }>): Promise<number> {
    this.statusSha = trigger.headSha;
    const ctx = await this.context(trigger.baseSha);
    // NOTE: read while the analysis runs, which they do not depend on (a comment posted
    // meanwhile starts a comment run of its own); awaited below, so a failure is not lost.
    const commentsRead = this.api.comments(trigger.number);
    commentsRead.catch(() => undefined);
    const analysis = await analyzePull(this.analysisContext(ctx, false), trigger, true);
    logNotices(analysis);
    const pull = { number: trigger.number, headSha: trigger.headSha, author: trigger.author };
    const comments = await commentsRead;
    const decision = await decide(ctx, trigger.headSha, analysis, comments, new Authoriser(this.api, ctx.config, this.inputs.botLogin, trigger.author));
    if (analysis.changedCount > 0) await annotate(ctx, trigger.headSha, analysis.report);
    await publish(ctx, pull, analysis, decision);
    await writeRunOutputs(ctx, this.env.runnerTemp, this.env.workspace, pull, analysis, decision);
    return this.finish(ctx, decision.verdict, decision.outcome.verdict.unresolved.length);
  }

  private async mergeGroup(trigger: Extract<Trigger, { kind: 'merge-group' }>): Promise<number> {
    this.statusSha = trigger.headSha;
    const ctx = await this.context(trigger.baseSha);
    const analysis = await analyzeCommits(this.analysisContext(ctx, false), trigger.baseSha);
    logNotices(analysis);
    // NOTE: approvals and acknowledgements given on the pull request carry into the queue.
    const pull = trigger.number !== undefined ? await this.api.pull(trigger.number) : undefined;
    const comments = pull ? await this.api.comments(pull.number) : [];
    const target = { number: pull?.number ?? 0, headSha: trigger.headSha, author: pull?.author ?? '' };
    const decision = await decide(ctx, trigger.headSha, analysis, comments, new Authoriser(this.api, ctx.config, this.inputs.botLogin, target.author));
    await annotate(ctx, trigger.headSha, analysis.report);
    await writeStatus(ctx, trigger.headSha, decision.verdict === 'pass' ? 'success' : 'failure', statusDescription(analysis, decision));
    await writeRunOutputs(ctx, this.env.runnerTemp, this.env.workspace, undefined, analysis, decision);
    return this.finish(ctx, decision.verdict, decision.outcome.verdict.unresolved.length);
  }

  /**
   * A comment created, edited or deleted: one that holds (or held) a command, or the bot's
   * own comment changed by someone else. The whole gate state is derived again from all
   * comments and published: a deleted or edited command is withdrawn at once, and a command
   * whose run was cancelled is counted by the next run.
   */
  private async comment(trigger: Extract<Trigger, { kind: 'comment' }>): Promise<number> {
    const { comment, sender } = trigger;
    const bot = this.inputs.botLogin.toLowerCase();
    // NOTE: the bot's own events are ignored (its edits must not loop), and so are comments
    // other bots create: their commands never count. Their edits and deletions still run.
    if (sender.login.toLowerCase() === bot || (trigger.action === 'created' && (sender.type === 'Bot' || sender.login.endsWith('[bot]')))) {
      core.info(`migration-guard: ignoring a comment event sent by the bot ${sender.login}.`);
      return 0;
    }
    const ownComment = isBotComment(comment, this.inputs.botLogin, COMMENT_MARKER);
    const commands = comment.login.toLowerCase() === bot ? [] : await parseCommands(comment.body);
    const heldCommand = trigger.previousBody !== undefined && (await parseCommands(trigger.previousBody)).length > 0;
    if (!ownComment && commands.length === 0 && !heldCommand) {
      core.info('migration-guard: the comment holds no command; nothing to do.');
      return 0;
    }
    const pull = await this.api.pull(trigger.number);
    this.statusSha = pull.headSha;
    const ctx = await this.context(pull.baseSha);
    const answer = trigger.action !== 'deleted' && commands.length > 0 ? commands.at(-1)! : undefined;
    const reply = async (reason: string, consequence: string) => {
      await tryWrite(ctx, 'the reply', async () => {
        await this.api.react(comment.id, 'confused');
        await this.api.createComment(trigger.number, `${REPLY_MARKER}\n@${comment.login}: \`/${answer!.kind}\` was not accepted: ${reason}. ${consequence}`);
      });
      core.notice(`/${answer!.kind} by @${comment.login} refused: ${reason}`);
    };
    if (!pull.open) {
      if (answer && trigger.action === 'created') await reply('the pull request is closed', 'Nothing changed.');
      else core.info('migration-guard: the pull request is closed; nothing to publish.');
      return 0;
    }
    const analysis = await analyzePull(this.analysisContext(ctx, true), pull, false);
    logNotices(analysis);
    const comments = await this.api.comments(pull.number);
    const decision = await decide(ctx, pull.headSha, analysis, comments, new Authoriser(this.api, ctx.config, this.inputs.botLogin, pull.author));
    if (answer) await this.answer(ctx, comment.id, analysis, decision, reply);
    return this.publishPull(ctx, pull, analysis, decision);
  }

  /** Reacts to the triggering command: +1 when it counts, else a reply that says why not. */
  private async answer(ctx: PublishContext, commentId: number, analysis: PullAnalysis, decision: Decision, reply: (reason: string, consequence: string) => Promise<void>): Promise<void> {
    if (analysis.changedCount === 0) return reply('this pull request changes no migration files, so there is nothing to approve', 'Nothing changed.');
    const entry = decision.outcome.entries.filter((e) => e.commentId === commentId).at(-1);
    // NOTE: the comment changed again since the event (its command is gone): nothing to answer.
    if (!entry) return;
    const refusal = await commandRefusal(entry, decision.outcome.context);
    if (refusal) return reply(refusal, entry.edited ? 'A command in an edited comment no longer counts.' : 'Nothing changed.');
    await tryWrite(ctx, 'the reaction', () => this.api.react(commentId, '+1'));
  }

  /**
   * Publishes what a read-only `pull_request` run of a fork could not. The artifact is
   * untrusted (a fork controls that run's workflow): it only names the pull request, and
   * that claim must match the API and this event. The analysis runs again here, on the PR's
   * files read through the API (never a checkout of PR code).
   */
  private async workflowRun(trigger: Extract<Trigger, { kind: 'workflow-run' }>): Promise<number> {
    if (trigger.event !== 'pull_request') {
      core.info(`migration-guard: the triggering run was a "${trigger.event}" run, not a pull_request run; nothing to publish.`);
      return 0;
    }
    if (!this.inputs.reportFile) throw new InputError('Input "report-file" is empty; on workflow_run, pass the path of the report.json downloaded from the pull_request run\'s artifact.');
    const claim = await readArtifact(this.inputs.reportFile);
    if (claim.headSha !== trigger.headSha) {
      throw new Error(`refusing the artifact: it claims head ${claim.headSha.slice(0, 7)}, but the workflow run that uploaded it ran on ${trigger.headSha.slice(0, 7)}`);
    }
    const pull = await this.api.pull(claim.number);
    if (pull.headSha !== trigger.headSha || (trigger.headRepo && pull.headRepo !== trigger.headRepo)) {
      throw new Error(
        `refusing the artifact: pull request #${claim.number} is at ${pull.headSha.slice(0, 7)} from ${pull.headRepo}, but the workflow run ran on ${trigger.headSha.slice(0, 7)} from ${trigger.headRepo}`,
      );
    }
    this.statusSha = pull.headSha;
    const ctx = await this.context(pull.baseSha);
    const analysis = await analyzePull(this.analysisContext(ctx, true), pull, false);
    logNotices(analysis);
    const comments = await this.api.comments(pull.number);
    const decision = await decide(ctx, pull.headSha, analysis, comments, new Authoriser(this.api, ctx.config, this.inputs.botLogin, pull.author));
    const code = await this.publishPull(ctx, pull, analysis, decision);
    if (claim.verdict !== undefined && claim.verdict !== analysis.report.verdict) {
      core.warning(`The artifact said "${claim.verdict}", this run's own analysis says "${analysis.report.verdict}"; the artifact is untrusted, so this run's analysis was published.`);
    }
    return code;
  }

  /** The post-deployment checklist as a follow-up comment, once, on merge. */
  private async merged(trigger: Extract<Trigger, { kind: 'merged' }>): Promise<number> {
    const ctx = await this.context(trigger.baseSha);
    if (!ctx.config['post-deployment'].comment) return 0;
    const isMigration = migrationMatcher(ctx.config);
    const { files } = await this.api.pullFiles(trigger.number);
    const migrations = files.filter((f) => f.status !== 'removed' && isMigration(f.path)).map((f) => f.path);
    if (migrations.length === 0) {
      core.info('migration-guard: the merged pull request changed no migration files; no follow-up.');
      return 0;
    }
    const comments = await this.api.comments(trigger.number);
    if (comments.some((c) => isBotComment(c, this.inputs.botLogin, POST_DEPLOYMENT_MARKER))) return 0;
    await tryWrite(ctx, 'the post-deployment comment', () => this.api.createComment(trigger.number, renderPostDeployment(migrations, ctx.config['post-deployment'].checklist)));
    return 0;
  }

  private async publishPull(ctx: PublishContext, pull: PullInfo, analysis: PullAnalysis, decision: Decision): Promise<number> {
    const target = { number: pull.number, headSha: pull.headSha, author: pull.author };
    await publish(ctx, target, analysis, decision);
    await writeRunOutputs(ctx, this.env.runnerTemp, this.env.workspace, target, analysis, decision);
    // NOTE: a comment run does not gate anything by its own exit code; the status does.
    return 0;
  }

  private finish(ctx: PublishContext, verdict: 'pass' | 'blocked', unresolved: number): number {
    if (verdict === 'pass' || ctx.config['fail-on'] === 'never') return 0;
    core.setFailed(unresolved ? `${unresolved} blocking finding${unresolved === 1 ? '' : 's'}: see the annotations and the pull request comment.` : 'the pre-deployment checklist is not complete.');
    return 1;
  }
}

function logNotices(analysis: PullAnalysis): void {
  for (const notice of analysis.notices) core.notice(notice);
}

/** The pull request run's report artifact: only the fields trusted after checking. */
const artifactSchema = z.object({
  pullRequest: z.strictObject({ number: z.int().check(z.positive()), headSha: z.string().check(z.regex(/^[0-9a-f]{40}$/)) }),
  verdict: z.optional(z.enum(['pass', 'blocked'])),
  report: z.looseObject({ version: z.literal(1) }),
});

async function readArtifact(file: string): Promise<{ number: number; headSha: string; verdict?: 'pass' | 'blocked' }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`refusing the artifact ${file}: not readable JSON (${(error as Error).message})`);
  }
  const parsed = artifactSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`refusing the artifact ${file}: "${issue.path.join('.') || '(top level)'}": ${issue.message}`);
  }
  return { ...parsed.data.pullRequest, ...(parsed.data.verdict ? { verdict: parsed.data.verdict } : {}) };
}
