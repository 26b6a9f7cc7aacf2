/**
 * Publishing a pull request's result: the sticky comment (display only), the
 * commit status `migration-guard` on the head SHA, check-run annotations beyond what
 * workflow commands show, and the run's own outputs (summary, outputs, files).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import type { Config } from '../core/config.js';
import { COMMENT_MARKER, listedItems } from '../core/comment-format.js';
import { checklistKey, shortDigest } from '../core/gate.js';
import { GITHUB_COMMENT_MAX_LENGTH, renderMarkdown } from '../render/markdown.js';
import { renderGithubAnnotations } from '../render/github-annotations.js';
import { toJsonReport } from '../render/json.js';
import { renderSarif } from '../render/sarif.js';
import { allRules } from '../rules/index.js';
import { VERSION } from '../version.js';
import { type CheckAnnotation, type GitHubPort, isForbidden, statusText } from '../github/api.js';
import type { PullAnalysis } from './analysis.js';
import type { CommentInfo } from '../github/event.js';
import { type Authoriser, evaluateGate, type GateOutcome } from './gate-commands.js';
import type { ActionInputs } from './inputs.js';
import { findSticky, upsertSticky } from './sticky.js';

/** The commit status context: the required check users configure. */
export const STATUS_CONTEXT = 'migration-guard';

/** Workflow commands show at most this many annotations per severity per step. */
const WORKFLOW_COMMAND_ANNOTATIONS = 10;

/** The run, as publishing needs it. */
export interface PublishContext {
  api: GitHubPort;
  inputs: ActionInputs;
  config: Config;
  /** Link to this workflow run (the job summary holds the full report). */
  runUrl: string;
  /** Writes GitHub refused (403): reported once as a warning at the end. */
  refused: string[];
  /** Lets the final status write use the API budget held back for it. */
  releaseReserve: () => void;
  /** The web link to a file's line at a commit. */
  blobUrl: (sha: string, file: string, line: number) => string;
}

/** Runs a write; a 403 is recorded (read-only token) instead of failing the run. */
export async function tryWrite(ctx: PublishContext, what: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!isForbidden(error)) throw error;
    ctx.refused.push(`${what} (${(error as Error).message})`);
  }
}

export interface PullTarget {
  number: number;
  headSha: string;
  author: string;
}

/** What a run decided: the gate's verdict and how many findings block before people resolve them. */
export interface Decision {
  verdict: 'pass' | 'blocked';
  outcome: GateOutcome;
  /** The comment body (also the job summary's core). */
  body: string;
  /** The bot's sticky comment as it was before this run, if any. */
  sticky: CommentInfo | undefined;
}

/** Derives the gate state and renders the comment; no writes. */
export async function decide(ctx: PublishContext, headSha: string, analysis: PullAnalysis, comments: readonly CommentInfo[], authoriser: Authoriser): Promise<Decision> {
  const sticky = findSticky(comments, ctx.inputs.botLogin, COMMENT_MARKER);
  const outcome = await evaluateGate(authoriser, ctx.config, ctx.inputs.botLogin, { comments, blocking: analysis.report.blocking, digest: analysis.digest });
  const current = new Set(analysis.report.blocking.map(checklistKey));
  // NOTE: display only ("fixed since the last run"): the gate never counts what is read here.
  const fixed = sticky ? listedItems(sticky.body).filter((item) => !current.has(item.key)) : [];
  const body = renderMarkdown(analysis.report, {
    advice: analysis.advice,
    fixed,
    resolutions: outcome.verdict.resolutions,
    checklist: outcome.verdict.checklist,
    gateNotes: outcome.notes,
    digest: analysis.digest,
    sourceUrl: (file, line) => ctx.blobUrl(headSha, file, line),
    fullReportUrl: ctx.runUrl,
    maxLength: GITHUB_COMMENT_MAX_LENGTH,
  });
  const verdict = analysis.changedCount === 0 ? 'pass' : outcome.verdict.verdict;
  return { verdict, outcome, body, sticky };
}

/**
 * Writes the comment and the status, unless a newer commit arrived while this run worked
 * (then the newer run publishes; a stale write could turn its result green).
 */
export async function publish(ctx: PublishContext, pull: PullTarget, analysis: PullAnalysis, decision: Decision): Promise<boolean> {
  const latest = await ctx.api.pull(pull.number);
  if (latest.headSha !== pull.headSha) {
    core.notice(`Not publishing: pull request #${pull.number} moved from ${pull.headSha.slice(0, 7)} to ${latest.headSha.slice(0, 7)} while this run worked; the run for the new commit publishes.`);
    return false;
  }
  const { sticky } = decision;
  const mode = ctx.config.comment;
  const hasSomething = analysis.report.findings.some((f) => !f.suppression) || decision.outcome.notes.length > 0;
  const wantComment = mode === 'always' || (mode === 'on-findings' && (sticky !== undefined || (analysis.changedCount > 0 && hasSomething)));
  if (wantComment) await tryWrite(ctx, 'the pull request comment', () => upsertSticky(ctx.api, pull.number, sticky, decision.body, ctx.inputs.botLogin, COMMENT_MARKER));
  await writeStatus(ctx, pull.headSha, decision.verdict === 'pass' ? 'success' : 'failure', statusDescription(analysis, decision));
  return true;
}

/**
 * The run's last write: the status, with the API budget held back for it; none when the
 * bot's newest status already says the same (its link may name an earlier run of the same
 * result). NOTE: a status by anyone else is written over, whatever it says.
 */
export async function writeStatus(ctx: PublishContext, sha: string, state: 'success' | 'failure', description: string): Promise<void> {
  ctx.releaseReserve();
  const published = await ctx.api.latestStatus(sha, STATUS_CONTEXT);
  if (published && published.state === state && published.description === statusText(description) && published.creator.toLowerCase() === ctx.inputs.botLogin.toLowerCase()) {
    core.info(`migration-guard: the ${STATUS_CONTEXT} status already says "${published.description}"; not written again.`);
    return;
  }
  await tryWrite(ctx, `the ${STATUS_CONTEXT} commit status`, () => ctx.api.setStatus(sha, state, description, STATUS_CONTEXT, ctx.runUrl));
}

/** The status's one line: why it is green or red. */
export function statusDescription(analysis: PullAnalysis, decision: Decision): string {
  if (analysis.changedCount === 0) return 'No migration files changed';
  const unresolved = decision.outcome.verdict.unresolved.length;
  if (decision.verdict === 'blocked') {
    if (unresolved === 0) return `Pre-deployment checklist not acknowledged (digest ${shortDigest(analysis.digest)})`;
    return `${unresolved} blocking finding${unresolved === 1 ? '' : 's'} (digest ${shortDigest(analysis.digest)}): see comment`;
  }
  const approval = decision.outcome.state.approval;
  if (analysis.report.blocking.length > 0) return approval ? `Maintenance approved by @${approval.by}` : 'Blocking findings acknowledged';
  return `${analysis.changedCount} migration file${analysis.changedCount === 1 ? '' : 's'} checked: no blocking findings`;
}

/**
 * Annotations for every unsuppressed finding: workflow commands (the runner shows 10 per
 * severity), and above that a check run that carries all of them, 50 per request.
 */
export async function annotate(ctx: PublishContext, headSha: string, report: PullAnalysis['report']): Promise<void> {
  process.stdout.write(renderGithubAnnotations(report));
  const shown = report.findings.filter((f) => !f.suppression);
  const perSeverity = new Map<string, number>();
  for (const f of shown) perSeverity.set(f.severity, (perSeverity.get(f.severity) ?? 0) + 1);
  if (![...perSeverity.values()].some((n) => n > WORKFLOW_COMMAND_ANNOTATIONS)) return;
  const annotations: CheckAnnotation[] = shown.map((f) => ({
    path: f.file,
    start_line: f.span.start.line,
    end_line: f.span.end.line,
    annotation_level: f.severity === 'error' ? 'failure' : f.severity,
    title: `${f.ruleId}${f.lock ? ` (${f.lock.mode})` : ''}`,
    message: [f.message, f.fix ? `Safe alternative:\n${f.fix}` : ''].filter(Boolean).join('\n\n').slice(0, 64 * 1024 - 1),
  }));
  const summary = `${shown.length} findings; the workflow log shows only ${WORKFLOW_COMMAND_ANNOTATIONS} per severity, so all of them are here.`;
  await tryWrite(ctx, 'the annotations check run', () => ctx.api.checkRunWithAnnotations(headSha, `${STATUS_CONTEXT} annotations`, `${shown.length} findings`, summary, annotations));
}

/** Outputs, job summary, the JSON report file (the fork-safe artifact) and SARIF. */
export async function writeRunOutputs(ctx: PublishContext, runnerTemp: string, workspace: string, pull: PullTarget | undefined, analysis: PullAnalysis, decision: Decision): Promise<void> {
  const report = analysis.report;
  const dir = path.join(runnerTemp, 'migration-guard');
  await mkdir(dir, { recursive: true });
  const reportPath = path.join(dir, 'report.json');
  const envelope = { ...(pull ? { pullRequest: { number: pull.number, headSha: pull.headSha } } : {}), verdict: decision.verdict, report: toJsonReport(report) };
  await writeFile(reportPath, `${JSON.stringify(envelope, null, 2)}\n`);
  if (ctx.inputs.sarifFile) {
    const sarifPath = path.resolve(workspace, ctx.inputs.sarifFile);
    await mkdir(path.dirname(sarifPath), { recursive: true });
    await writeFile(sarifPath, renderSarif(report, { rules: allRules, toolVersion: VERSION }));
  }
  core.setOutput('verdict', decision.verdict);
  core.setOutput('findings-count', String(report.findings.filter((f) => !f.suppression).length));
  core.setOutput('blocking-count', String(decision.outcome.verdict.unresolved.length));
  core.setOutput('report-json', reportPath);
  const full = renderMarkdown(report, {
    advice: analysis.advice,
    resolutions: decision.outcome.verdict.resolutions,
    checklist: decision.outcome.verdict.checklist,
    gateNotes: decision.outcome.notes,
    maxLength: 1_000_000,
  });
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(full).write();
}
