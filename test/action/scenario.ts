/**
 * A pull request for end-to-end tests of the bundled action: a real git checkout (base and
 * head commits), the local GitHub API server holding the same PR (files, contents at both
 * SHAs), and helpers to run the action on events and read what the server holds.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTempRepo, type TempRepo } from '../support/git-repo.js';
import { issueCommentEvent, pullRequestEvent, workflowRunEvent } from '../support/events.js';
import { startGitHubServer, type GitHubServer, type PullFile } from '../support/github-server.js';
import { REPO_ROOT, runAction as runBundledAction } from '../support/run-action.js';

/**
 * A copy of dist/ alone, away from node_modules, as the runner has it: the bundle must not
 * resolve anything from the repository's node_modules. One per test file.
 */
const distCopy = mkdtempSync(path.join(os.tmpdir(), 'mg-dist-'));
cpSync(path.join(REPO_ROOT, 'dist'), path.join(distCopy, 'dist'), { recursive: true });
process.on('exit', () => rmSync(distCopy, { recursive: true, force: true }));

/** Runs the copied bundle. */
export const runAction: typeof runBundledAction = (options) => runBundledAction({ entry: path.join(distCopy, 'dist', 'index.js'), ...options });

export const PR = 7;
export const BOT = 'github-actions[bot]';
export const AUTHOR = 'contributor';
export const MIGRATIONS = 'db/migrations';

/** A migration that blocks: ban-drop-column (old code still reads the column). */
export const DROP_EMAIL = 'ALTER TABLE users DROP COLUMN email;\n';
/** A migration that passes. */
export const ADD_PHONE = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN phone text;\n";

const BASE_FILES: Record<string, string> = {
  'README.md': '# shop\n',
  [`${MIGRATIONS}/001_users.up.sql`]: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n',
  [`${MIGRATIONS}/001_users.down.sql`]: 'DROP TABLE users;\n',
};

export class Scenario {
  readonly repo: TempRepo;
  readonly baseSha: string;
  headSha: string;
  private readonly temp: string[] = [];
  private headFiles: Record<string, string | Buffer>;
  private readonly baseFiles: Record<string, string>;

  private constructor(
    readonly server: GitHubServer,
    repo: TempRepo,
    baseSha: string,
    /** The head repository: a fork's for fork PRs. */
    readonly headRepo: string,
    baseFiles: Record<string, string>,
  ) {
    this.repo = repo;
    this.baseSha = baseSha;
    this.headSha = baseSha;
    this.baseFiles = baseFiles;
    this.headFiles = { ...baseFiles };
  }

  /**
   * A PR whose head adds or changes `changes` (null deletes) on top of a base with one
   * migration (and `options.base`'s files).
   */
  static async open(changes: Record<string, string | Buffer | null>, permissions: Record<string, string> = {}, options: { fork?: boolean; base?: Record<string, string> } = {}): Promise<Scenario> {
    const repo = createTempRepo();
    const baseFiles: Record<string, string> = { ...BASE_FILES, ...options.base };
    const baseSha = repo.commit(baseFiles, 'base');
    repo.git('branch', 'base');
    const server = await startGitHubServer({
      permissions: { maintainer: 'maintain', writer: 'write', admin: 'admin', [AUTHOR]: 'write', ...permissions } as never,
      trees: { [baseSha]: { ...baseFiles } },
    });
    const scenario = new Scenario(server, repo, baseSha, options.fork ? `${AUTHOR}/app` : server.state.repository, baseFiles);
    scenario.push(changes);
    return scenario;
  }

  /** Commits `changes` on the PR head and updates the server's PR to it. */
  push(changes: Record<string, string | Buffer | null>): string {
    this.headSha = this.repo.commit(changes, `push ${Object.keys(changes).join(', ')}`);
    for (const [file, text] of Object.entries(changes)) {
      if (text === null) delete this.headFiles[file];
      else this.headFiles[file] = text;
    }
    const files: PullFile[] = [];
    for (const file of new Set([...Object.keys(this.baseFiles), ...Object.keys(this.headFiles)])) {
      const before = this.baseFiles[file];
      const after = this.headFiles[file];
      if (before === after) continue;
      files.push({ filename: file, status: before === undefined ? 'added' : after === undefined ? 'removed' : 'modified' });
    }
    this.server.state.pulls[PR] = { head: { sha: this.headSha, ref: 'feature', repo: this.headRepo }, base: { sha: this.baseSha, ref: 'main' }, user: AUTHOR, files };
    this.server.state.trees[this.headSha] = { ...this.headFiles };
    this.repo.git('update-ref', `refs/pull/${PR}/head`, this.headSha);
    return this.headSha;
  }

  /** The action on `pull_request` with the checkout at the head. */
  async pullRequest(options: { inputs?: Record<string, string>; headSha?: string; action?: 'opened' | 'synchronize'; timeout?: number } = {}) {
    const result = await runAction({
      server: this.server,
      event: 'pull_request',
      payload: pullRequestEvent({ action: options.action ?? 'synchronize', number: PR, headSha: options.headSha ?? this.headSha, baseSha: this.baseSha, user: AUTHOR, headRepo: this.headRepo }),
      inputs: { replay: 'off', ...options.inputs },
      workspace: this.repo.root,
      // NOTE: kept for the report-json output the fork-safe tests read; removed in close().
      keepTemp: true,
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    });
    this.temp.push(path.dirname(result.env.RUNNER_TEMP!));
    return result;
  }

  /**
   * A checkout of the default branch with full history, as comment and workflow_run jobs
   * have (actions/checkout with fetch-depth: 0): a clone whose origin serves refs/pull/N/head.
   */
  defaultBranchCheckout(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-default-'));
    this.temp.push(dir);
    execFileSync('git', ['clone', '-q', '--branch', 'base', this.repo.root, dir]);
    return dir;
  }

  /**
   * Stores a comment on the PR as GitHub would, without running the action (as when its
   * run was cancelled). Comments get increasing creation times.
   */
  addComment(user: string, body: string, options: { userType?: 'User' | 'Bot'; edited?: boolean } = {}) {
    const id = this.server.state.nextId++;
    const createdAt = new Date(Date.UTC(2026, 0, 1) + id * 1000).toISOString();
    const updatedAt = options.edited ? new Date(Date.UTC(2026, 0, 1) + id * 1000 + 500).toISOString() : createdAt;
    const login = { login: user, type: options.userType ?? 'User' };
    this.server.state.comments.push({ id, issue_number: PR, body, user: login, created_at: createdAt, updated_at: updatedAt });
    return { id, createdAt, updatedAt, login };
  }

  /** Posts a comment on the PR (as GitHub would store it) and runs the action on the event. */
  async comment(user: string, body: string, options: { userType?: 'User' | 'Bot'; edited?: boolean; timeout?: number } = {}) {
    const { id, createdAt, updatedAt, login } = this.addComment(user, body, options);
    const result = await runAction({
      server: this.server,
      event: 'issue_comment',
      payload: issueCommentEvent({
        action: options.edited ? 'edited' : 'created',
        commentId: id,
        prNumber: PR,
        body,
        user: login,
        sender: login,
        createdAt,
        updatedAt,
        ...(options.edited ? { changes: { body: { from: 'an earlier text' } } } : {}),
      }),
      inputs: { replay: 'off' },
      workspace: this.defaultBranchCheckout(),
      ...(options.timeout ? { timeout: options.timeout } : {}),
    });
    return { id, result };
  }

  /** `editor` (default: the comment's author) edits comment `id`, and the edit event runs. */
  async editComment(id: number, edit: (body: string) => string, editor?: string) {
    const comment = this.server.state.comments.find((c) => c.id === id);
    if (!comment) throw new Error(`no comment ${id} to edit`);
    const before = comment.body;
    comment.body = edit(before);
    comment.updated_at = new Date().toISOString();
    return runAction({
      server: this.server,
      event: 'issue_comment',
      payload: issueCommentEvent({
        action: 'edited',
        commentId: id,
        prNumber: PR,
        body: comment.body,
        user: comment.user,
        sender: editor ?? comment.user,
        createdAt: comment.created_at,
        updatedAt: comment.updated_at,
        changes: { body: { from: before } },
      }),
      inputs: { replay: 'off' },
      workspace: this.defaultBranchCheckout(),
    });
  }

  /** `by` deletes comment `id`, and the `deleted` event runs (its payload holds the comment as it was). */
  async deleteComment(id: number, by: string) {
    const index = this.server.state.comments.findIndex((c) => c.id === id);
    const [comment] = this.server.state.comments.splice(index, 1);
    if (!comment) throw new Error(`no comment ${id} to delete`);
    return runAction({
      server: this.server,
      event: 'issue_comment',
      payload: issueCommentEvent({
        action: 'deleted',
        commentId: id,
        prNumber: PR,
        body: comment.body,
        user: comment.user,
        sender: by,
        createdAt: comment.created_at,
        updatedAt: comment.updated_at,
      }),
      inputs: { replay: 'off' },
      workspace: this.defaultBranchCheckout(),
    });
  }

  /** The digest the sticky comment tells an approver to name (as a maintainer would copy it). */
  shownDigest(): string {
    const match = /\/approve-maintenance ([0-9a-f]{16}) <reason>/.exec(this.sticky()?.body ?? '');
    if (!match) throw new Error(`the sticky comment shows no digest to approve:\n${this.sticky()?.body}`);
    return match[1]!;
  }

  /** The keys the sticky comment tells a reviewer to acknowledge. */
  shownKeys(): string[] {
    const match = /\/acknowledge ((?:[0-9a-f]{16}|check-[0-9a-f]{10})(?: (?:[0-9a-f]{16}|check-[0-9a-f]{10}))*) <reason>/.exec(this.sticky()?.body ?? '');
    if (!match) throw new Error(`the sticky comment shows no keys to acknowledge:\n${this.sticky()?.body}`);
    return match[1]!.split(' ');
  }

  /** `editor` edits the bot's sticky comment and the edit event runs. */
  editSticky(editor: string, edit: (body: string) => string) {
    const sticky = this.sticky();
    if (!sticky) throw new Error('no sticky comment to edit');
    return this.editComment(sticky.id, edit, editor);
  }

  /** The fork-safe publisher: a workflow_run event with the downloaded artifact. */
  async workflowRun(reportFile: string, headSha = this.headSha) {
    return runAction({
      server: this.server,
      event: 'workflow_run',
      payload: workflowRunEvent({ headSha, event: 'pull_request', prNumber: PR, headRepo: this.headRepo, ...(this.headRepo === this.server.state.repository ? {} : { pull_requests: [] }) }),
      inputs: { replay: 'off', 'report-file': reportFile },
      workspace: this.defaultBranchCheckout(),
    });
  }

  /** The bot's comments carrying the sticky marker. */
  stickies() {
    return this.server.state.comments.filter((c) => typeof c.user !== 'string' && c.user.login === BOT && c.body.includes('<!-- migration-guard:comment -->'));
  }

  sticky() {
    return this.stickies()[0];
  }

  /** The newest `migration-guard` status on a commit. */
  status(sha = this.headSha) {
    return this.server.state.statuses.filter((s) => s.sha === sha && s.context === 'migration-guard').at(-1);
  }

  replies() {
    return this.server.state.comments.filter((c) => c.body.includes('<!-- migration-guard:reply -->'));
  }

  async close() {
    await this.server.close();
    this.repo.remove();
    for (const dir of this.temp) rmSync(dir, { recursive: true, force: true });
  }
}
