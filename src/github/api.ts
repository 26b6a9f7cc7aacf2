/**
 * The GitHub REST calls the action makes, as plain typed functions over one repository.
 * Everything else in the action works with these types, never with Octokit responses.
 */
import type { Permission } from '../core/gate.js';
import type { Octokit } from './client.js';
import type { CommentInfo, RepoRef } from './event.js';

/** GitHub lists at most this many files of a pull request (REST and UI). */
export const GITHUB_PR_FILES_CAP = 3000;

/** A file changed by a pull request, as `pulls.listFiles` reports it. */
export interface PullFile {
  path: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  previousPath?: string;
}

export interface PullInfo {
  number: number;
  headSha: string;
  baseSha: string;
  author: string;
  open: boolean;
  /** `owner/name` of the head repository (a fork's, for fork PRs). */
  headRepo: string;
}

export type CommitState = 'success' | 'failure' | 'error' | 'pending';

/** A commit status as GitHub holds it. */
export interface PublishedStatus {
  state: CommitState;
  description: string;
  /** Who posted it. */
  creator: string;
}

/** GitHub rejects status descriptions over 140 characters: what it stores for `description`. */
export function statusText(description: string): string {
  return description.length > 140 ? `${description.slice(0, 139)}…` : description;
}

/** One check-run annotation, as the Checks API takes it. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  message: string;
  title: string;
}

/** The Checks API takes at most 50 annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50;

/**
 * The GitHub calls the action's orchestration makes (src/action/): the port the gate and
 * publishing work through. `GitHubApi` is its REST implementation; the unit tests use an
 * in-memory one (test/action/fake-github.ts), the e2e tests the real client against the
 * OpenAPI-validating server.
 */
export interface GitHubPort {
  readonly repo: RepoRef;
  pull(number: number): Promise<PullInfo>;
  pullFiles(number: number): Promise<{ files: PullFile[]; capped: boolean }>;
  comments(number: number): Promise<CommentInfo[]>;
  createComment(number: number, body: string): Promise<CommentInfo>;
  updateComment(id: number, body: string): Promise<void>;
  deleteComment(id: number): Promise<void>;
  react(commentId: number, content: Reaction): Promise<void>;
  setStatus(sha: string, state: CommitState, description: string, context: string, targetUrl?: string): Promise<void>;
  /** The newest status of `context` on `sha` among the newest 100 statuses, if any. */
  latestStatus(sha: string, context: string): Promise<PublishedStatus | undefined>;
  permission(login: string): Promise<Permission>;
  inTeam(org: string, team: string, login: string): Promise<boolean>;
  checkRunWithAnnotations(sha: string, name: string, title: string, summary: string, annotations: readonly CheckAnnotation[]): Promise<void>;
}

export type Reaction = '+1' | 'confused' | 'eyes';

export class GitHubApi implements GitHubPort {
  constructor(
    readonly octokit: Octokit,
    readonly repo: RepoRef,
  ) {}

  async pull(number: number): Promise<PullInfo> {
    const { data } = await this.octokit.rest.pulls.get({ ...this.repo, pull_number: number });
    return {
      number: data.number,
      headSha: data.head.sha,
      baseSha: data.base.sha,
      author: data.user?.login ?? '',
      open: data.state === 'open',
      headRepo: data.head.repo?.full_name ?? '',
    };
  }

  /** All pages. `capped` when GitHub's 3,000-file cap may have cut the list. */
  async pullFiles(number: number): Promise<{ files: PullFile[]; capped: boolean }> {
    const data = await this.octokit.paginate(this.octokit.rest.pulls.listFiles, { ...this.repo, pull_number: number, per_page: 100 });
    const files = data.map((f) => ({ path: f.filename, status: f.status, ...(f.previous_filename ? { previousPath: f.previous_filename } : {}) }));
    return { files, capped: files.length >= GITHUB_PR_FILES_CAP };
  }

  /** A file's text (UTF-8) at a commit, or undefined when it does not exist there. */
  async fileAt(path: string, ref: string): Promise<string | undefined> {
    return (await this.fileBytesAt(path, ref))?.toString('utf8');
  }

  /** A file's bytes at a commit, or undefined when it does not exist there. */
  async fileBytesAt(path: string, ref: string): Promise<Buffer | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getContent({ ...this.repo, path, ref });
      if (Array.isArray(data) || data.type !== 'file') return undefined;
      if ('content' in data && typeof data.content === 'string' && data.encoding === 'base64') return Buffer.from(data.content, 'base64');
      // NOTE: files over 1 MB come without content from this endpoint; ask for the raw media type.
      // Octokit gives a body it cannot tell is text as an ArrayBuffer, else as a string.
      const raw = await this.octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { ...this.repo, path, ref, mediaType: { format: 'raw' } });
      const body: unknown = raw.data;
      return body instanceof ArrayBuffer ? Buffer.from(body) : Buffer.from(String(body), 'utf8');
    } catch (error) {
      if (status(error) === 404) return undefined;
      throw error;
    }
  }

  async comments(number: number): Promise<CommentInfo[]> {
    const data = await this.octokit.paginate(this.octokit.rest.issues.listComments, { ...this.repo, issue_number: number, per_page: 100 });
    return data.map(toComment);
  }

  async createComment(number: number, body: string): Promise<CommentInfo> {
    const { data } = await this.octokit.rest.issues.createComment({ ...this.repo, issue_number: number, body });
    return toComment(data);
  }

  async updateComment(id: number, body: string): Promise<void> {
    await this.octokit.rest.issues.updateComment({ ...this.repo, comment_id: id, body });
  }

  /** Deletes a comment; one that is already gone (a concurrent run deleted it) is fine. */
  async deleteComment(id: number): Promise<void> {
    try {
      await this.octokit.rest.issues.deleteComment({ ...this.repo, comment_id: id });
    } catch (error) {
      if (status(error) !== 404) throw error;
    }
  }

  async react(commentId: number, content: Reaction): Promise<void> {
    await this.octokit.rest.reactions.createForIssueComment({ ...this.repo, comment_id: commentId, content });
  }

  async setStatus(sha: string, state: CommitState, description: string, context: string, targetUrl?: string): Promise<void> {
    await this.octokit.rest.repos.createCommitStatus({ ...this.repo, sha, state, description: statusText(description), context, ...(targetUrl ? { target_url: targetUrl } : {}) });
  }

  async latestStatus(sha: string, context: string): Promise<PublishedStatus | undefined> {
    // NOTE: GitHub lists a ref's statuses newest first.
    const { data } = await this.octokit.rest.repos.listCommitStatusesForRef({ ...this.repo, ref: sha, per_page: 100 });
    const latest = data.find((status) => status.context === context);
    return latest && { state: latest.state as CommitState, description: latest.description ?? '', creator: latest.creator?.login ?? '' };
  }

  /**
   * The user's permission on the repository. `role_name` tells maintain and triage apart
   * (`permission` folds them into write and read); a custom role falls back to `permission`.
   * NOTE: never `author_association`: it shows private organisation members as CONTRIBUTOR.
   */
  async permission(login: string): Promise<Permission> {
    try {
      const { data } = await this.octokit.rest.repos.getCollaboratorPermissionLevel({ ...this.repo, username: login });
      const role = (data as { role_name?: string }).role_name;
      for (const candidate of [role, data.permission]) {
        if (candidate === 'admin' || candidate === 'maintain' || candidate === 'write' || candidate === 'triage' || candidate === 'read') return candidate;
      }
      return 'none';
    } catch (error) {
      if (status(error) === 404) return 'none';
      throw error;
    }
  }

  /** Whether `login` is an active member of `org/team`. */
  async inTeam(org: string, team: string, login: string): Promise<boolean> {
    try {
      const { data } = await this.octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: team, username: login });
      return data.state === 'active';
    } catch (error) {
      if (status(error) === 404) return false;
      throw error;
    }
  }

  /** Creates a completed check run carrying every annotation, 50 per request. */
  async checkRunWithAnnotations(sha: string, name: string, title: string, summary: string, annotations: readonly CheckAnnotation[]): Promise<void> {
    const batch = (i: number) => annotations.slice(i, i + ANNOTATIONS_PER_REQUEST);
    const { data } = await this.octokit.rest.checks.create({
      ...this.repo,
      name,
      head_sha: sha,
      status: 'completed',
      conclusion: 'neutral',
      output: { title, summary, annotations: batch(0) },
    });
    for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      await this.octokit.rest.checks.update({ ...this.repo, check_run_id: data.id, output: { title, summary, annotations: batch(i) } });
    }
  }
}

function toComment(data: { id: number; body?: string | null; user: { login: string; type?: string } | null; created_at: string; updated_at: string }): CommentInfo {
  return {
    id: data.id,
    body: data.body ?? '',
    login: data.user?.login ?? '',
    userType: data.user?.type ?? 'User',
    createdAt: data.created_at,
    updatedAt: data.updated_at,
  };
}

/** The HTTP status of an Octokit error, if it has one. */
export function status(error: unknown): number | undefined {
  const value = (error as { status?: unknown } | null)?.status;
  return typeof value === 'number' ? value : undefined;
}

/** A write the token may not make: a fork PR's read-only token, or missing `permissions:`. */
export function isForbidden(error: unknown): boolean {
  return status(error) === 403;
}
