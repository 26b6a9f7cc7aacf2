/**
 * An in-memory GitHubPort: the gate's and publishing's decisions, unit-tested without
 * dist/ or a server. It records every call, so tests can assert how few a decision makes.
 */
import type { Permission } from '../../src/core/gate.js';
import type { CheckAnnotation, CommitState, GitHubPort, PublishedStatus, PullFile, PullInfo, Reaction } from '../../src/github/api.js';
import type { CommentInfo, RepoRef } from '../../src/github/event.js';

export class FakeGitHub implements GitHubPort {
  readonly repo: RepoRef = { owner: 'octo-org', repo: 'app' };
  readonly calls: string[] = [];
  readonly comments_: CommentInfo[] = [];
  readonly statuses: Array<{ sha: string; state: CommitState; description: string; context: string }> = [];
  readonly reactions: Array<{ commentId: number; content: Reaction }> = [];
  permissions: Record<string, Permission> = {};
  teams: Record<string, string[]> = {};
  pulls: Record<number, PullInfo> = {};
  files: Record<number, PullFile[]> = {};
  botLogin = 'github-actions[bot]';
  private nextId = 1;
  private clock = Date.UTC(2026, 0, 1);

  /** Adds a comment as GitHub would store it (creation times increase). */
  add(login: string, body: string, options: { userType?: string; edited?: boolean } = {}): CommentInfo {
    const createdAt = new Date((this.clock += 1000)).toISOString();
    const comment = { id: this.nextId++, body, login, userType: options.userType ?? (login.endsWith('[bot]') ? 'Bot' : 'User'), createdAt, updatedAt: options.edited ? new Date(this.clock + 500).toISOString() : createdAt };
    this.comments_.push(comment);
    return comment;
  }

  async pull(number: number): Promise<PullInfo> {
    this.calls.push(`pull ${number}`);
    const pull = this.pulls[number];
    if (!pull) throw Object.assign(new Error('Not Found'), { status: 404 });
    return pull;
  }

  async pullFiles(number: number): Promise<{ files: PullFile[]; capped: boolean }> {
    this.calls.push(`pullFiles ${number}`);
    return { files: this.files[number] ?? [], capped: false };
  }

  async comments(number: number): Promise<CommentInfo[]> {
    this.calls.push(`comments ${number}`);
    return this.comments_.map((c) => ({ ...c }));
  }

  async createComment(number: number, body: string): Promise<CommentInfo> {
    this.calls.push(`createComment ${number}`);
    return this.add(this.botLogin, body);
  }

  async updateComment(id: number, body: string): Promise<void> {
    this.calls.push(`updateComment ${id}`);
    const comment = this.comments_.find((c) => c.id === id);
    if (!comment) throw Object.assign(new Error('Not Found'), { status: 404 });
    comment.body = body;
    comment.updatedAt = new Date((this.clock += 1000)).toISOString();
  }

  async deleteComment(id: number): Promise<void> {
    this.calls.push(`deleteComment ${id}`);
    const index = this.comments_.findIndex((c) => c.id === id);
    if (index >= 0) this.comments_.splice(index, 1);
  }

  async react(commentId: number, content: Reaction): Promise<void> {
    this.calls.push(`react ${commentId} ${content}`);
    this.reactions.push({ commentId, content });
  }

  async setStatus(sha: string, state: CommitState, description: string, context: string): Promise<void> {
    this.calls.push(`setStatus ${state}`);
    this.statuses.push({ sha, state, description, context });
  }

  async latestStatus(sha: string, context: string): Promise<PublishedStatus | undefined> {
    this.calls.push(`latestStatus ${context}`);
    const latest = this.statuses.filter((s) => s.sha === sha && s.context === context).at(-1);
    return latest && { state: latest.state, description: latest.description, creator: this.botLogin };
  }

  async permission(login: string): Promise<Permission> {
    this.calls.push(`permission ${login}`);
    return this.permissions[login] ?? 'none';
  }

  async inTeam(org: string, team: string, login: string): Promise<boolean> {
    this.calls.push(`inTeam ${org}/${team} ${login}`);
    return (this.teams[`${org}/${team}`] ?? []).includes(login);
  }

  async checkRunWithAnnotations(_sha: string, name: string, _title: string, _summary: string, annotations: readonly CheckAnnotation[]): Promise<void> {
    this.calls.push(`checkRun ${name} ${annotations.length}`);
  }
}
