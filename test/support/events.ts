/**
 * Realistic GitHub webhook payloads (the file GitHub writes to GITHUB_EVENT_PATH) and the REST
 * object shapes they share with test/support/github-server.ts (users, repositories, pull requests).
 * Every builder's output is validated against the `x-webhooks` schemas of GitHub's OpenAPI
 * description in test/github-server.test.ts, so the shapes are provably real.
 */
import { createHash } from 'node:crypto';

export type UserType = 'User' | 'Bot' | 'Organization';

export interface User {
  login: string;
  id: number;
  type: UserType;
}

/** A user given by login (type inferred: `x[bot]` → Bot) or in full. */
export type UserRef = string | (Pick<User, 'login'> & Partial<User>);

export interface Urls {
  /** REST base, e.g. https://api.github.com or the test server's url. */
  apiUrl: string;
  /** Web base, e.g. https://github.com. */
  serverUrl: string;
}

export const GITHUB_URLS: Urls = { apiUrl: 'https://api.github.com', serverUrl: 'https://github.com' };

export const DEFAULT_REPOSITORY = 'octo-org/app';

/** A stable positive id derived from a string (so the same login always has the same id). */
export function stableId(text: string, min = 1_000_000): number {
  const digest = createHash('sha256').update(text).digest();
  return min + (digest.readUInt32BE(0) % 900_000_000);
}

/** A fake 40-hex sha derived from a seed. */
export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

export function nodeId(prefix: string, id: number): string {
  return `${prefix}_kwDO${Buffer.from(String(id)).toString('base64').replace(/=+$/, '')}`;
}

export function toUser(ref: UserRef): User {
  if (typeof ref === 'string') return { login: ref, id: stableId(`user:${ref}`), type: ref.endsWith('[bot]') ? 'Bot' : 'User' };
  return {
    login: ref.login,
    id: ref.id ?? stableId(`user:${ref.login}`),
    type: ref.type ?? (ref.login.endsWith('[bot]') ? 'Bot' : 'User'),
  };
}

/** GitHub's `simple-user` object. */
export function userObject(ref: UserRef, urls: Urls = GITHUB_URLS): Record<string, unknown> {
  const user = toUser(ref);
  const api = `${urls.apiUrl}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type === 'Bot' ? 'BOT' : user.type === 'Organization' ? 'O' : 'U', user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: user.type === 'Bot' ? `${urls.serverUrl}/apps/${user.login.replace(/\[bot\]$/, '')}` : `${urls.serverUrl}/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

const TIME = '2024-01-15T10:00:00Z';

export interface RepositoryOptions {
  /** owner/name */
  fullName: string;
  private?: boolean;
  fork?: boolean;
  defaultBranch?: string;
  ownerType?: UserType;
}

/** GitHub's full `repository` object (as in pulls' head/base and in webhook payloads). */
export function repositoryObject(options: RepositoryOptions, urls: Urls = GITHUB_URLS): Record<string, unknown> {
  const [ownerLogin = 'octo-org', name = 'app'] = options.fullName.split('/');
  const id = stableId(`repo:${options.fullName.toLowerCase()}`);
  const ownerType = options.ownerType ?? (ownerLogin.endsWith('-org') || ownerLogin.endsWith('org') ? 'Organization' : 'User');
  const api = `${urls.apiUrl}/repos/${options.fullName}`;
  const html = `${urls.serverUrl}/${options.fullName}`;
  const host = new URL(urls.serverUrl).host;
  return {
    id,
    node_id: nodeId('R', id),
    name,
    full_name: options.fullName,
    private: options.private ?? false,
    owner: userObject({ login: ownerLogin, type: ownerType }, urls),
    html_url: html,
    description: null,
    fork: options.fork ?? false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://${host}/${options.fullName}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${host}:${options.fullName}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: html,
    homepage: null,
    language: 'TypeScript',
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 1024,
    default_branch: options.defaultBranch ?? 'main',
    open_issues_count: 1,
    open_issues: 1,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: options.private ? 'private' : 'public',
    pushed_at: TIME,
    created_at: '2023-03-01T09:00:00Z',
    updated_at: TIME,
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
  };
}

export interface PullRequestShape {
  number: number;
  title?: string;
  body?: string | null;
  user: UserRef;
  state?: 'open' | 'closed';
  merged?: boolean;
  draft?: boolean;
  /** Base repository, owner/name. */
  repository: string;
  head: { sha: string; ref: string; repo?: string };
  base: { sha: string; ref: string };
  labels?: string[];
  createdAt?: string;
  updatedAt?: string;
  mergeCommitSha?: string | null;
  /** Counts; default from nothing (0). */
  additions?: number;
  deletions?: number;
  changedFiles?: number;
  commits?: number;
  comments?: number;
}

function labelObject(name: string, repository: string, urls: Urls): Record<string, unknown> {
  const id = stableId(`label:${repository}:${name}`);
  return {
    id,
    node_id: nodeId('LA', id),
    url: `${urls.apiUrl}/repos/${repository}/labels/${encodeURIComponent(name)}`,
    name,
    color: 'ededed',
    default: false,
    description: null,
  };
}

/** GitHub's full `pull-request` object (GET /pulls/{n}; `pull_request` in webhooks). */
export function pullRequestObject(pr: PullRequestShape, urls: Urls = GITHUB_URLS): Record<string, unknown> {
  const id = stableId(`pull:${pr.repository}#${pr.number}`);
  const api = `${urls.apiUrl}/repos/${pr.repository}`;
  const html = `${urls.serverUrl}/${pr.repository}/pull/${pr.number}`;
  const headRepo = pr.head.repo ?? pr.repository;
  const isFork = headRepo.toLowerCase() !== pr.repository.toLowerCase();
  const headOwner = headRepo.split('/')[0] ?? 'octo-org';
  const baseOwner = pr.repository.split('/')[0] ?? 'octo-org';
  const merged = pr.merged ?? false;
  const state = pr.state ?? (merged ? 'closed' : 'open');
  const created = pr.createdAt ?? TIME;
  const updated = pr.updatedAt ?? created;
  const link = (href: string) => ({ href });
  return {
    url: `${api}/pulls/${pr.number}`,
    id,
    node_id: nodeId('PR', id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    number: pr.number,
    state,
    locked: false,
    title: pr.title ?? `Pull request #${pr.number}`,
    user: userObject(pr.user, urls),
    body: pr.body ?? null,
    created_at: created,
    updated_at: updated,
    closed_at: state === 'closed' ? updated : null,
    merged_at: merged ? updated : null,
    merge_commit_sha: pr.mergeCommitSha === undefined ? fakeSha(`merge:${pr.repository}#${pr.number}:${pr.head.sha}`) : pr.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: (pr.labels ?? []).map((name) => labelObject(name, pr.repository, urls)),
    milestone: null,
    draft: pr.draft ?? false,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.head.sha}`,
    head: {
      label: `${headOwner}:${pr.head.ref}`,
      ref: pr.head.ref,
      sha: pr.head.sha,
      user: userObject(headOwner, urls),
      repo: repositoryObject({ fullName: headRepo, fork: isFork }, urls),
    },
    base: {
      label: `${baseOwner}:${pr.base.ref}`,
      ref: pr.base.ref,
      sha: pr.base.sha,
      user: userObject(baseOwner, urls),
      repo: repositoryObject({ fullName: pr.repository }, urls),
    },
    _links: {
      self: link(`${api}/pulls/${pr.number}`),
      html: link(html),
      issue: link(`${api}/issues/${pr.number}`),
      comments: link(`${api}/issues/${pr.number}/comments`),
      review_comments: link(`${api}/pulls/${pr.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${pr.number}/commits`),
      statuses: link(`${api}/statuses/${pr.head.sha}`),
    },
    author_association: isFork ? 'CONTRIBUTOR' : 'MEMBER',
    auto_merge: null,
    active_lock_reason: null,
    merged,
    mergeable: state === 'open' ? true : null,
    rebaseable: state === 'open' ? true : null,
    mergeable_state: state === 'open' ? 'clean' : 'unknown',
    merged_by: merged ? userObject(baseOwner, urls) : null,
    comments: pr.comments ?? 0,
    review_comments: 0,
    maintainer_can_modify: isFork,
    commits: pr.commits ?? 1,
    additions: pr.additions ?? 0,
    deletions: pr.deletions ?? 0,
    changed_files: pr.changedFiles ?? 0,
  };
}

/** GitHub's `pull-request-simple` (list endpoints) derived from the full object. */
export function pullRequestSimpleObject(pr: PullRequestShape, urls: Urls = GITHUB_URLS): Record<string, unknown> {
  const full = pullRequestObject(pr, urls);
  for (const key of ['merged', 'mergeable', 'rebaseable', 'mergeable_state', 'merged_by', 'comments', 'review_comments', 'maintainer_can_modify', 'commits', 'additions', 'deletions', 'changed_files']) {
    delete full[key];
  }
  return full;
}

// ---------------------------------------------------------------------------------------------
// Webhook payloads
// ---------------------------------------------------------------------------------------------

export interface PullRequestEventOptions {
  action?: 'opened' | 'synchronize' | 'reopened' | 'edited' | 'closed' | 'ready_for_review' | 'labeled' | 'converted_to_draft';
  number?: number;
  /** Base repository, owner/name (default octo-org/app). */
  repository?: string;
  headSha?: string;
  baseSha?: string;
  headRef?: string;
  baseRef?: string;
  /** Head repository full name; a different one than `repository` makes a fork PR. */
  headRepo?: string;
  /** Shorthand: head repo `<user>/<repo name>`. */
  fork?: boolean;
  user?: UserRef;
  sender?: UserRef;
  title?: string;
  body?: string | null;
  draft?: boolean;
  merged?: boolean;
  labels?: string[];
  /** For `synchronize`: previous head sha (default a fake one). */
  before?: string;
  /** For `labeled`: the label added. */
  label?: string;
  /** For `edited`. */
  changes?: { title?: { from: string }; body?: { from: string }; base?: { ref: { from: string }; sha: { from: string } } };
}

export function pullRequestEvent(options: PullRequestEventOptions = {}, urls: Urls = GITHUB_URLS): Record<string, unknown> {
  const action = options.action ?? 'opened';
  const number = options.number ?? 1;
  const repository = options.repository ?? DEFAULT_REPOSITORY;
  const user = options.user ?? 'contributor';
  const login = toUser(user).login;
  const headRepo = options.headRepo ?? (options.fork ? `${login}/${repository.split('/')[1] ?? 'app'}` : repository);
  const headSha = options.headSha ?? fakeSha(`head:${repository}#${number}`);
  const pr = pullRequestObject(
    {
      number,
      repository,
      user,
      title: options.title,
      body: options.body,
      draft: options.draft ?? action === 'converted_to_draft',
      merged: options.merged ?? false,
      state: action === 'closed' ? 'closed' : 'open',
      labels: options.labels ?? (options.label ? [options.label] : []),
      head: { sha: headSha, ref: options.headRef ?? 'feature', repo: headRepo },
      base: { sha: options.baseSha ?? fakeSha(`base:${repository}`), ref: options.baseRef ?? 'main' },
    },
    urls,
  );
  const payload: Record<string, unknown> = {
    action,
    number,
    pull_request: pr,
    repository: repositoryObject({ fullName: repository }, urls),
    sender: userObject(options.sender ?? user, urls),
  };
  if (action === 'synchronize') {
    payload.before = options.before ?? fakeSha(`before:${headSha}`);
    payload.after = headSha;
  }
  if (action === 'labeled') payload.label = labelObject(options.label ?? 'migrations', repository, urls);
  if (action === 'edited') payload.changes = options.changes ?? {};
  return payload;
}

export interface IssueCommentEventOptions {
  action?: 'created' | 'edited' | 'deleted';
  body?: string;
  user?: UserRef;
  commentId?: number;
  /** The PR (or issue) number. */
  prNumber?: number;
  repository?: string;
  /** For `edited`: `{ body: { from } }`. */
  changes?: { body?: { from: string } };
  /** false: a comment on a plain issue (no `issue.pull_request`). */
  issueIsPullRequest?: boolean;
  /** The issue/PR author (default contributor). */
  issueUser?: UserRef;
  authorAssociation?: 'OWNER' | 'MEMBER' | 'COLLABORATOR' | 'CONTRIBUTOR' | 'FIRST_TIME_CONTRIBUTOR' | 'FIRST_TIMER' | 'NONE';
  sender?: UserRef;
  createdAt?: string;
  updatedAt?: string;
}

export function issueCommentObject(
  comment: { id: number; body: string; user: UserRef; issueNumber: number; repository: string; createdAt?: string; updatedAt?: string; authorAssociation?: string; reactions?: Record<string, number> },
  urls: Urls = GITHUB_URLS,
): Record<string, unknown> {
  const api = `${urls.apiUrl}/repos/${comment.repository}`;
  const created = comment.createdAt ?? TIME;
  const counts = comment.reactions ?? {};
  const reaction = (key: string) => counts[key] ?? 0;
  return {
    id: comment.id,
    node_id: nodeId('IC', comment.id),
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${urls.serverUrl}/${comment.repository}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: userObject(comment.user, urls),
    created_at: created,
    updated_at: comment.updatedAt ?? created,
    issue_url: `${api}/issues/${comment.issueNumber}`,
    author_association: comment.authorAssociation ?? 'NONE',
    performed_via_github_app: null,
    reactions: {
      url: `${api}/issues/comments/${comment.id}/reactions`,
      total_count: Object.values(counts).reduce((a, b) => a + b, 0),
      '+1': reaction('+1'),
      '-1': reaction('-1'),
      laugh: reaction('laugh'),
      hooray: reaction('hooray'),
      confused: reaction('confused'),
      heart: reaction('heart'),
      rocket: reaction('rocket'),
      eyes: reaction('eyes'),
    },
  };
}

export function issueCommentEvent(options: IssueCommentEventOptions = {}, urls: Urls = GITHUB_URLS): Record<string, unknown> {
  const action = options.action ?? 'created';
  const repository = options.repository ?? DEFAULT_REPOSITORY;
  const number = options.prNumber ?? 1;
  const user = options.user ?? 'reviewer';
  const issueUser = options.issueUser ?? 'contributor';
  const api = `${urls.apiUrl}/repos/${repository}`;
  const issueId = stableId(`issue:${repository}#${number}`);
  const isPr = options.issueIsPullRequest ?? true;
  const html = `${urls.serverUrl}/${repository}/${isPr ? 'pull' : 'issues'}/${number}`;
  const issue: Record<string, unknown> = {
    url: `${api}/issues/${number}`,
    repository_url: api,
    labels_url: `${api}/issues/${number}/labels{/name}`,
    comments_url: `${api}/issues/${number}/comments`,
    events_url: `${api}/issues/${number}/events`,
    html_url: html,
    id: issueId,
    node_id: nodeId(isPr ? 'PR' : 'I', issueId),
    number,
    title: `Pull request #${number}`,
    user: userObject(issueUser, urls),
    labels: [],
    state: 'open',
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: 1,
    created_at: TIME,
    updated_at: TIME,
    closed_at: null,
    author_association: 'CONTRIBUTOR',
    active_lock_reason: null,
    body: null,
    reactions: {
      url: `${api}/issues/${number}/reactions`,
      total_count: 0, '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0,
    },
    timeline_url: `${api}/issues/${number}/timeline`,
    performed_via_github_app: null,
    state_reason: null,
  };
  if (isPr) {
    issue.draft = false;
    issue.pull_request = {
      url: `${api}/pulls/${number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: null,
    };
  }
  const createdAt = options.createdAt ?? TIME;
  const comment = issueCommentObject(
    {
      id: options.commentId ?? stableId(`comment:${repository}#${number}:${options.body ?? ''}`),
      body: options.body ?? '',
      user,
      issueNumber: number,
      repository,
      createdAt,
      updatedAt: options.updatedAt ?? (action === 'edited' ? '2024-01-15T10:05:00Z' : createdAt),
      authorAssociation: options.authorAssociation ?? 'MEMBER',
    },
    urls,
  );
  if (!isPr) comment.html_url = String(comment.html_url).replace(`/pull/${number}#`, `/issues/${number}#`);
  const payload: Record<string, unknown> = {
    action,
    issue,
    comment,
    repository: repositoryObject({ fullName: repository }, urls),
    sender: userObject(options.sender ?? user, urls),
  };
  if (action === 'edited') payload.changes = options.changes ?? { body: { from: '' } };
  return payload;
}

export interface WorkflowRunEventOptions {
  action?: 'completed' | 'requested' | 'in_progress';
  repository?: string;
  headSha?: string;
  headBranch?: string;
  /** Head repository full name (a fork when different from `repository`). */
  headRepo?: string;
  /** The event that triggered the upstream run. */
  event?: string;
  conclusion?: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | 'stale' | null;
  /** Default: the PR for same-repo heads, [] for forks (as GitHub does). */
  pull_requests?: Array<{ number: number; headSha?: string; headRef?: string; baseSha?: string; baseRef?: string }>;
  prNumber?: number;
  runId?: number;
  runNumber?: number;
  workflowName?: string;
  workflowPath?: string;
  actor?: UserRef;
}

export function workflowRunEvent(options: WorkflowRunEventOptions = {}, urls: Urls = GITHUB_URLS): Record<string, unknown> {
  const action = options.action ?? 'completed';
  const repository = options.repository ?? DEFAULT_REPOSITORY;
  const headRepo = options.headRepo ?? repository;
  const isFork = headRepo.toLowerCase() !== repository.toLowerCase();
  const headSha = options.headSha ?? fakeSha(`head:${repository}#1`);
  const headBranch = options.headBranch ?? 'feature';
  const runId = options.runId ?? 9_000_000_001;
  const workflowId = stableId(`workflow:${repository}:${options.workflowPath ?? '.github/workflows/migrations.yml'}`);
  const api = `${urls.apiUrl}/repos/${repository}`;
  const actor = options.actor ?? (isFork ? headRepo.split('/')[0] ?? 'contributor' : 'contributor');
  const conclusion = action === 'completed' ? (options.conclusion === undefined ? 'success' : options.conclusion) : null;
  const baseSha = fakeSha(`base:${repository}`);
  const pullRequests =
    options.pull_requests ?? (isFork ? [] : [{ number: options.prNumber ?? 1, headSha, headRef: headBranch, baseSha, baseRef: 'main' }]);
  const repoRef = (fullName: string) => {
    const id = stableId(`repo:${fullName.toLowerCase()}`);
    return { id, url: `${urls.apiUrl}/repos/${fullName}`, name: fullName.split('/')[1] ?? fullName };
  };
  const commitTime = '2024-01-15T09:59:00Z';
  const createdAt = TIME;
  const updatedAt = action === 'completed' ? '2024-01-15T10:03:00Z' : TIME;
  const workflowRun = {
    id: runId,
    name: options.workflowName ?? 'Migrations',
    node_id: nodeId('WFR', runId),
    head_branch: headBranch,
    head_sha: headSha,
    path: options.workflowPath ?? '.github/workflows/migrations.yml',
    display_title: 'Add users table',
    run_number: options.runNumber ?? 42,
    event: options.event ?? 'pull_request',
    status: action === 'completed' ? 'completed' : action === 'in_progress' ? 'in_progress' : 'queued',
    conclusion,
    workflow_id: workflowId,
    check_suite_id: stableId(`suite:${runId}`),
    check_suite_node_id: nodeId('CS', stableId(`suite:${runId}`)),
    url: `${api}/actions/runs/${runId}`,
    html_url: `${urls.serverUrl}/${repository}/actions/runs/${runId}`,
    pull_requests: pullRequests.map((p) => ({
      url: `${api}/pulls/${p.number}`,
      id: stableId(`pull:${repository}#${p.number}`),
      number: p.number,
      head: { ref: p.headRef ?? headBranch, sha: p.headSha ?? headSha, repo: repoRef(repository) },
      base: { ref: p.baseRef ?? 'main', sha: p.baseSha ?? baseSha, repo: repoRef(repository) },
    })),
    created_at: createdAt,
    updated_at: updatedAt,
    actor: userObject(actor, urls),
    triggering_actor: userObject(actor, urls),
    run_attempt: 1,
    referenced_workflows: [],
    run_started_at: createdAt,
    jobs_url: `${api}/actions/runs/${runId}/jobs`,
    logs_url: `${api}/actions/runs/${runId}/logs`,
    check_suite_url: `${api}/check-suites/${stableId(`suite:${runId}`)}`,
    artifacts_url: `${api}/actions/runs/${runId}/artifacts`,
    cancel_url: `${api}/actions/runs/${runId}/cancel`,
    rerun_url: `${api}/actions/runs/${runId}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${api}/actions/workflows/${workflowId}`,
    head_commit: {
      id: headSha,
      tree_id: fakeSha(`tree:${headSha}`),
      message: 'Add users table',
      timestamp: commitTime,
      author: { name: 'Contributor', email: 'contributor@example.com' },
      committer: { name: 'Contributor', email: 'contributor@example.com' },
    },
    repository: repositoryObject({ fullName: repository }, urls),
    head_repository: repositoryObject({ fullName: headRepo, fork: isFork }, urls),
  };
  const workflow = {
    badge_url: `${urls.serverUrl}/${repository}/workflows/Migrations/badge.svg`,
    created_at: '2023-03-01T09:00:00.000Z',
    html_url: `${urls.serverUrl}/${repository}/blob/main/${workflowRun.path}`,
    id: workflowId,
    name: workflowRun.name,
    node_id: nodeId('W', workflowId),
    path: workflowRun.path,
    state: 'active',
    updated_at: '2023-03-01T09:00:00.000Z',
    url: `${api}/actions/workflows/${workflowId}`,
  };
  return {
    action,
    workflow_run: workflowRun,
    workflow,
    repository: repositoryObject({ fullName: repository }, urls),
    sender: userObject(actor, urls),
  };
}

export interface MergeGroupEventOptions {
  action?: 'checks_requested' | 'destroyed';
  repository?: string;
  headSha?: string;
  baseSha?: string;
  baseRef?: string;
  prNumber?: number;
  reason?: 'merged' | 'invalidated' | 'dequeued';
}

export function mergeGroupEvent(options: MergeGroupEventOptions = {}, urls: Urls = GITHUB_URLS): Record<string, unknown> {
  const action = options.action ?? 'checks_requested';
  const repository = options.repository ?? DEFAULT_REPOSITORY;
  const baseRef = options.baseRef ?? 'main';
  const baseSha = options.baseSha ?? fakeSha(`base:${repository}`);
  const headSha = options.headSha ?? fakeSha(`merge-group:${repository}`);
  const payload: Record<string, unknown> = {
    action,
    merge_group: {
      head_sha: headSha,
      head_ref: `refs/heads/gh-readonly-queue/${baseRef}/pr-${options.prNumber ?? 1}-${baseSha}`,
      base_sha: baseSha,
      base_ref: `refs/heads/${baseRef}`,
      head_commit: {
        id: headSha,
        tree_id: fakeSha(`tree:${headSha}`),
        message: `Merge pull request #${options.prNumber ?? 1} from contributor/feature`,
        timestamp: '2024-01-15T10:00:00Z',
        author: { name: 'Contributor', email: 'contributor@example.com' },
        committer: { name: 'GitHub', email: 'noreply@github.com' },
      },
    },
    repository: repositoryObject({ fullName: repository }, urls),
    sender: userObject('github-merge-queue[bot]', urls),
  };
  if (action === 'destroyed') payload.reason = options.reason ?? 'merged';
  return payload;
}
