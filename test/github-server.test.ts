/**
 * Self-tests of the GitHub test server, the payload builders and the action runner harness
 * (not of the action itself).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getOctokit } from '@actions/github';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSha, issueCommentEvent, mergeGroupEvent, pullRequestEvent, workflowRunEvent } from './support/events.js';
import { formatAjvErrors, startGitHubServer, webhookValidator, type GitHubServer, type PullFile } from './support/github-server.js';
import { parseFileCommands, runAction } from './support/run-action.js';

const HEAD = fakeSha('head');
const BASE = fakeSha('base');

function files(n: number): PullFile[] {
  return Array.from({ length: n }, (_, i) => ({ filename: `db/migrations/${String(i).padStart(4, '0')}_step.sql`, status: 'added' as const, additions: 3 }));
}

let server: GitHubServer;
let octokit: ReturnType<typeof getOctokit>;

function client(token = 'test-token') {
  // No retries/throttling plugins here: failures must surface to the test as they happen.
  return getOctokit(token, { baseUrl: server.url, request: { retries: 0 } });
}

beforeAll(async () => {
  server = await startGitHubServer(
    {
      pulls: {
        1: { head: { sha: HEAD, ref: 'feature' }, base: { sha: BASE, ref: 'main' }, user: 'alice', files: files(250) },
        2: { head: { sha: fakeSha('fork'), ref: 'main', repo: 'mallory/app' }, base: { sha: BASE, ref: 'main' }, user: 'mallory', files: files(3100) },
      },
      tokens: { 'test-token': { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }, 'pat-alice': 'alice' },
      permissions: { alice: 'maintain', bob: 'admin' },
      teams: { 'octo-org/dba': ['carol'] },
      trees: { [BASE]: { 'db/migrations/0001_init.sql': 'create table t (id int);\n', 'migration-guard.yml': 'rules: {}\n' } },
    },
    { validateResponses: true },
  );
  octokit = client();
});

afterAll(async () => {
  await server.close();
});

describe('GitHub test server', () => {
  it('serves a pull request and paginates its files with Link headers (capped at 3000)', async () => {
    const { data: pr } = await octokit.rest.pulls.get({ owner: 'octo-org', repo: 'app', pull_number: 1 });
    expect(pr.head.sha).toBe(HEAD);
    expect(pr.user?.login).toBe('alice');
    expect(pr.head.repo?.full_name).toBe('octo-org/app');

    const first = await octokit.rest.pulls.listFiles({ owner: 'octo-org', repo: 'app', pull_number: 1, per_page: 100 });
    expect(first.data).toHaveLength(100);
    expect(first.headers.link).toMatch(/<[^>]+[?&]page=2[^>]*>; rel="next"/);
    expect(first.headers.link).toMatch(/page=3>; rel="last"/);

    const all = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: 'octo-org', repo: 'app', pull_number: 1, per_page: 100 });
    expect(all.map((f) => f.filename)).toEqual(files(250).map((f) => f.filename));

    const fork = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: 'octo-org', repo: 'app', pull_number: 2, per_page: 100 });
    expect(fork).toHaveLength(3000);
    const { data: forkPr } = await octokit.rest.pulls.get({ owner: 'octo-org', repo: 'app', pull_number: 2 });
    expect(forkPr.head.repo?.fork).toBe(true);
    expect(forkPr.head.repo?.full_name).toBe('mallory/app');

    await expect(octokit.rest.pulls.get({ owner: 'octo-org', repo: 'app', pull_number: 99 })).rejects.toMatchObject({ status: 404 });
  });

  it('creates, lists (paginated), edits, reacts to and deletes comments; the author comes from the token', async () => {
    server.state.comments.push({ id: 11, issue_number: 1, body: 'human comment', user: 'bob', created_at: '2024-01-01T00:00:00Z' });
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push((await octokit.rest.issues.createComment({ owner: 'octo-org', repo: 'app', issue_number: 1, body: `bot ${i}` })).data);
    }
    expect(created[0]?.user?.login).toBe('github-actions[bot]');
    expect(created[0]?.user?.type).toBe('Bot');
    const byAlice = await client('pat-alice').rest.issues.createComment({ owner: 'octo-org', repo: 'app', issue_number: 1, body: 'from alice' });
    expect(byAlice.data.user?.login).toBe('alice');

    const all = await octokit.paginate(octokit.rest.issues.listComments, { owner: 'octo-org', repo: 'app', issue_number: 1, per_page: 2 });
    expect(all.map((c) => c.body)).toEqual(['human comment', 'bot 0', 'bot 1', 'bot 2', 'bot 3', 'bot 4', 'from alice']);
    expect(all[0]?.user?.login).toBe('bob');

    const id = created[0]!.id;
    const updated = await octokit.rest.issues.updateComment({ owner: 'octo-org', repo: 'app', comment_id: id, body: 'edited' });
    expect(updated.data.body).toBe('edited');
    const reaction = await octokit.rest.reactions.createForIssueComment({ owner: 'octo-org', repo: 'app', comment_id: id, content: 'eyes' });
    expect(reaction.status).toBe(201);
    const again = await octokit.rest.reactions.createForIssueComment({ owner: 'octo-org', repo: 'app', comment_id: id, content: 'eyes' });
    expect(again.status).toBe(200);
    const reactions = await octokit.rest.reactions.listForIssueComment({ owner: 'octo-org', repo: 'app', comment_id: id });
    expect(reactions.data.map((r) => [r.content, r.user?.login])).toEqual([['eyes', 'github-actions[bot]']]);
    expect((await octokit.rest.issues.getComment({ owner: 'octo-org', repo: 'app', comment_id: id })).data.reactions?.eyes).toBe(1);

    await octokit.rest.issues.deleteComment({ owner: 'octo-org', repo: 'app', comment_id: id });
    await expect(octokit.rest.issues.getComment({ owner: 'octo-org', repo: 'app', comment_id: id })).rejects.toMatchObject({ status: 404 });
  });

  it('records commit statuses and combines them', async () => {
    await octokit.rest.repos.createCommitStatus({ owner: 'octo-org', repo: 'app', sha: HEAD, state: 'pending', context: 'migration-guard' });
    await octokit.rest.repos.createCommitStatus({ owner: 'octo-org', repo: 'app', sha: HEAD, state: 'success', context: 'migration-guard', description: 'ok' });
    await octokit.rest.repos.createCommitStatus({ owner: 'octo-org', repo: 'app', sha: HEAD, state: 'failure', context: 'other' });
    const list = await octokit.rest.repos.listCommitStatusesForRef({ owner: 'octo-org', repo: 'app', ref: HEAD });
    expect(list.data.map((s) => s.state)).toEqual(['failure', 'success', 'pending']);
    const combined = await octokit.rest.repos.getCombinedStatusForRef({ owner: 'octo-org', repo: 'app', ref: 'feature' });
    expect(combined.data.state).toBe('failure');
    expect(combined.data.statuses.map((s) => `${s.context}:${s.state}`).sort()).toEqual(['migration-guard:success', 'other:failure']);
  });

  it('rejects an invalid body with 422 and records a violation', async () => {
    const before = server.violations.length;
    await expect(
      octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', { owner: 'octo-org', repo: 'app', sha: HEAD, state: 'bogus' as 'success' }),
    ).rejects.toMatchObject({ status: 422 });
    const added = server.violations.slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toContain('repos/create-commit-status');
    expect(added[0]).toContain('/state must be equal to one of the allowed values');
    server.violations.splice(before);
  });

  it('records unknown paths, unknown query parameters, missing auth and unimplemented operations', async () => {
    const before = server.violations.length;
    await expect(octokit.request('GET /repos/{owner}/{repo}/no-such-thing', { owner: 'octo-org', repo: 'app' })).rejects.toMatchObject({ status: 404 });
    await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner: 'octo-org', repo: 'app', pull_number: 1, bogus_param: 'x' });
    const anonymous = await fetch(`${server.url}/repos/octo-org/app/pulls/1`);
    expect(anonymous.status).toBe(401);
    await expect(octokit.rest.repos.get({ owner: 'octo-org', repo: 'app' })).rejects.toMatchObject({ status: 501 });
    const added = server.violations.splice(before);
    expect(added).toEqual([
      expect.stringContaining('/repos/octo-org/app/no-such-thing: no such GitHub REST operation'),
      expect.stringContaining('unknown query parameter bogus_param'),
      expect.stringContaining('no authorization header'),
      expect.stringContaining('(repos/get): not implemented in the test server'),
    ]);
    const unknownToken = await client('nope').rest.pulls.get({ owner: 'octo-org', repo: 'app', pull_number: 1 }).catch((e: { status: number }) => e);
    expect(unknownToken).toMatchObject({ status: 401 });
  });

  it('failNext fails matching requests the given number of times, then recovers', async () => {
    server.failNext('GET', /\/pulls\/1$/, 502);
    await expect(octokit.rest.pulls.get({ owner: 'octo-org', repo: 'app', pull_number: 1 })).rejects.toMatchObject({ status: 502 });
    const ok = await octokit.rest.pulls.get({ owner: 'octo-org', repo: 'app', pull_number: 1 });
    expect(ok.status).toBe(200);
    expect(server.requestsTo('GET', /\/pulls\/1$/).slice(-2).map((r) => r.status)).toEqual([502, 200]);
  });

  it('forbidWrites answers every write with 403 like a fork token', async () => {
    server.forbidWrites(true);
    try {
      const error = await octokit.rest.issues.createComment({ owner: 'octo-org', repo: 'app', issue_number: 2, body: 'x' }).catch((e: { status: number; message: string }) => e);
      expect(error).toMatchObject({ status: 403 });
      expect((error as { message: string }).message).toContain('Resource not accessible by integration');
      expect((await octokit.rest.pulls.get({ owner: 'octo-org', repo: 'app', pull_number: 2 })).status).toBe(200);
    } finally {
      server.forbidWrites(false);
    }
  });

  it('accumulates check-run annotations and rejects more than 50 per request', async () => {
    const annotation = (i: number) => ({ path: 'db/migrations/0001.sql', start_line: i + 1, end_line: i + 1, annotation_level: 'warning' as const, message: `m${i}` });
    const { data: run } = await octokit.rest.checks.create({
      owner: 'octo-org', repo: 'app', name: 'migration-guard', head_sha: HEAD, status: 'in_progress',
      output: { title: 't', summary: 's', annotations: Array.from({ length: 50 }, (_, i) => annotation(i)) },
    });
    await octokit.rest.checks.update({
      owner: 'octo-org', repo: 'app', check_run_id: run.id, conclusion: 'failure',
      output: { title: 't', summary: 's', annotations: Array.from({ length: 20 }, (_, i) => annotation(50 + i)) },
    });
    const listed = await octokit.paginate(octokit.rest.checks.listAnnotations, { owner: 'octo-org', repo: 'app', check_run_id: run.id, per_page: 100 });
    expect(listed).toHaveLength(70);
    const stored = server.state.checkRuns.find((r) => r.id === run.id);
    expect(stored?.status).toBe('completed');
    expect(stored?.conclusion).toBe('failure');

    const before = server.violations.length;
    await expect(
      octokit.rest.checks.update({ owner: 'octo-org', repo: 'app', check_run_id: run.id, output: { title: 't', summary: 's', annotations: Array.from({ length: 51 }, (_, i) => annotation(i)) } }),
    ).rejects.toMatchObject({ status: 422 });
    expect(server.violations.splice(before)).toEqual([expect.stringContaining('checks/update')]);
    expect(server.state.checkRuns.find((r) => r.id === run.id)?.output.annotations).toHaveLength(70);
  });

  it('answers permission, team membership, contents and commit → pulls lookups from state', async () => {
    const perm = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: 'octo-org', repo: 'app', username: 'alice' });
    expect([perm.data.permission, perm.data.role_name]).toEqual(['write', 'maintain']);
    const mallory = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: 'octo-org', repo: 'app', username: 'mallory' });
    expect(mallory.data.permission).toBe('read');
    await expect(octokit.rest.repos.getCollaboratorPermissionLevel({ owner: 'octo-org', repo: 'app', username: 'ghost' })).rejects.toMatchObject({ status: 404 });

    const member = await octokit.rest.teams.getMembershipForUserInOrg({ org: 'octo-org', team_slug: 'dba', username: 'carol' });
    expect(member.data).toMatchObject({ state: 'active', role: 'member' });
    await expect(octokit.rest.teams.getMembershipForUserInOrg({ org: 'octo-org', team_slug: 'dba', username: 'alice' })).rejects.toMatchObject({ status: 404 });

    const content = await octokit.rest.repos.getContent({ owner: 'octo-org', repo: 'app', path: 'db/migrations/0001_init.sql', ref: BASE });
    expect(Buffer.from((content.data as { content: string }).content, 'base64').toString()).toBe('create table t (id int);\n');
    const viaBranch = await octokit.rest.repos.getContent({ owner: 'octo-org', repo: 'app', path: 'migration-guard.yml', ref: 'main' });
    expect((viaBranch.data as { type: string }).type).toBe('file');
    const dir = await octokit.rest.repos.getContent({ owner: 'octo-org', repo: 'app', path: 'db', ref: BASE });
    expect((dir.data as Array<{ name: string; type: string }>).map((e) => `${e.type}:${e.name}`)).toEqual(['dir:migrations']);
    await expect(octokit.rest.repos.getContent({ owner: 'octo-org', repo: 'app', path: 'missing.sql', ref: BASE })).rejects.toMatchObject({ status: 404 });

    const prs = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner: 'octo-org', repo: 'app', commit_sha: HEAD });
    expect(prs.data.map((p) => p.number)).toEqual([1]);
  });

  it('sends rate-limit headers and JSON content type, and all responses so far matched GitHub\'s response schemas', async () => {
    const response = await fetch(`${server.url}/repos/octo-org/app/pulls/1`, { headers: { authorization: 'token test-token' } });
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    const missing = await fetch(`${server.url}/repos/octo-org/app/pulls/404`, { headers: { authorization: 'token test-token' } });
    expect(await missing.json()).toMatchObject({ message: 'Not Found', documentation_url: expect.any(String) });
    expect(server.violations).toEqual([]);
    expect(server.requests.every((r) => r.status > 0)).toBe(true);
  });

  it('routes unencoded slashes in paths and refs', async () => {
    const raw = await fetch(`${server.url}/repos/octo-org/app/contents/db/migrations/0001_init.sql?ref=${BASE}`, { headers: { authorization: 'token test-token', accept: 'application/vnd.github.raw' } });
    expect(await raw.text()).toBe('create table t (id int);\n');
    server.state.pulls[3] = { head: { sha: fakeSha('slashy'), ref: 'feature/x' } };
    const status = await fetch(`${server.url}/repos/octo-org/app/commits/feature/x/status`, { headers: { authorization: 'token test-token' } });
    expect(((await status.json()) as { sha: string }).sha).toBe(fakeSha('slashy'));
    delete server.state.pulls[3];
    expect(server.violations).toEqual([]);
  });

  it('validateResponses catches a response that does not match GitHub\'s schema', async () => {
    const other = await startGitHubServer({}, { validateResponses: true });
    try {
      other.state.checkRuns.push({
        id: 5, name: 'x', head_sha: HEAD, status: 'bogus', conclusion: null, details_url: null, external_id: null, started_at: null, completed_at: null,
        output: { title: null, summary: null, text: null, annotations: [] }, updates: [],
      });
      await fetch(`${other.url}/repos/octo-org/app/check-runs/5`, { headers: { authorization: 'token test-token' } });
      expect(other.violations).toEqual([expect.stringMatching(/checks\/get.*server bug: response does not match the schema: \/status/)]);
    } finally {
      await other.close();
    }
  });
});

describe('event payload builders match GitHub\'s webhook schemas', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['pull-request-opened', pullRequestEvent({ action: 'opened', number: 7, headSha: HEAD, baseSha: BASE })],
    ['pull-request-opened', pullRequestEvent({ action: 'opened', fork: true, user: 'mallory' })],
    ['pull-request-synchronize', pullRequestEvent({ action: 'synchronize', headSha: HEAD })],
    ['pull-request-reopened', pullRequestEvent({ action: 'reopened' })],
    ['issue-comment-created', issueCommentEvent({ body: '/migration-guard ignore', user: { login: 'alice', type: 'User' }, commentId: 5, prNumber: 7 })],
    ['issue-comment-edited', issueCommentEvent({ action: 'edited', body: 'new', changes: { body: { from: 'old' } } })],
    ['issue-comment-created', issueCommentEvent({ issueIsPullRequest: false, user: 'dependabot[bot]' })],
    ['workflow-run-completed', workflowRunEvent({ headSha: HEAD, conclusion: 'success' })],
    ['workflow-run-completed', workflowRunEvent({ headRepo: 'mallory/app', conclusion: 'failure', runId: 123 })],
    ['merge-group-checks-requested', mergeGroupEvent({ headSha: HEAD, baseSha: BASE })],
  ];
  it.each(cases)('%s', (schema, payload) => {
    const validate = webhookValidator(schema);
    const ok = validate(payload);
    expect(ok ? '' : formatAjvErrors(validate.errors, 20)).toBe('');
  });

  it('rejects a payload that is not shaped like the webhook', () => {
    const payload = pullRequestEvent();
    delete (payload.pull_request as Record<string, unknown>).head;
    expect(webhookValidator('pull-request-opened')(payload)).toBe(false);
  });

  it('fork workflow runs carry no pull_requests, like GitHub', () => {
    const run = workflowRunEvent({ headRepo: 'mallory/app' }).workflow_run as { pull_requests: unknown[]; head_repository: { fork: boolean } };
    expect(run.pull_requests).toEqual([]);
    expect(run.head_repository.fork).toBe(true);
  });
});

describe('runAction harness', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mg-harness-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a script with the runner environment, file commands and API access', async () => {
    const script = path.join(dir, 'fake-action.mjs');
    // Mimics what @actions/core and @actions/github do, without depending on the bundle.
    writeFileSync(
      script,
      `
import { appendFileSync, readFileSync } from 'node:fs';
const event = JSON.parse(readFileSync(process.env.GITHUB_EVENT_PATH, 'utf8'));
const token = process.env['INPUT_GITHUB-TOKEN'];
const [owner, repo] = process.env.GITHUB_REPOSITORY.split('/');
const res = await fetch(\`\${process.env.GITHUB_API_URL}/repos/\${owner}/\${repo}/pulls/\${event.number}\`, { headers: { authorization: \`token \${token}\` } });
const pr = await res.json();
appendFileSync(process.env.GITHUB_OUTPUT, \`head-sha=\${pr.head.sha}\\n\`);
appendFileSync(process.env.GITHUB_OUTPUT, \`report<<ghadelimiter_1\\nline 1\\nline=2\\nghadelimiter_1\\n\`);
appendFileSync(process.env.GITHUB_OUTPUT, \`mode=\${process.env.INPUT_MODE}|\${process.env['INPUT_FAIL-ON']}|\${process.env.INPUT_WITH_SPACE}\\n\`);
appendFileSync(process.env.GITHUB_OUTPUT, \`env=\${process.env.GITHUB_EVENT_NAME}|\${process.env.GITHUB_REF}|\${process.env.CI}|\${process.env.HOME === process.env.REAL_HOME}|\${process.cwd() === process.env.GITHUB_WORKSPACE}\\n\`);
appendFileSync(process.env.GITHUB_STEP_SUMMARY, '# Summary\\n');
console.log('::error file=db/migrations/0001.sql,line=3,col=5,endColumn=9,title=ban-drop-column::Dropping a column%0Abreaks readers');
console.log('::warning file=db/a%2Cb.sql,line=1::careful');
console.log('::notice::fyi');
process.exitCode = 1;
`,
    );
    const payload = pullRequestEvent({ number: 1, headSha: HEAD, baseSha: BASE, user: 'alice' });
    const result = await runAction({
      server,
      event: 'pull_request',
      payload,
      inputs: { mode: 'lint', 'fail-on': 'error', 'with space': 'yes' },
      entry: script,
      env: { REAL_HOME: process.env.HOME },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.outputs).toEqual({
      'head-sha': HEAD,
      report: 'line 1\nline=2',
      mode: 'lint|error|yes',
      env: `pull_request|refs/pull/1/merge|true|false|true`,
    });
    expect(result.summary).toBe('# Summary\n');
    expect(result.annotations).toEqual([
      { level: 'error', message: 'Dropping a column\nbreaks readers', file: 'db/migrations/0001.sql', line: 3, col: 5, endColumn: 9, title: 'ban-drop-column' },
      { level: 'warning', message: 'careful', file: 'db/a,b.sql', line: 1 },
      { level: 'notice', message: 'fyi' },
    ]);
    expect(result.env['INPUT_GITHUB-TOKEN']).toBe('test-token');
    expect(result.env.GITHUB_API_URL).toBe(server.url);
    const last = server.requests.at(-1);
    expect(last).toMatchObject({ method: 'GET', path: '/repos/octo-org/app/pulls/1', status: 200, token: 'test-token' });
  });

  it('kills a script that outlives the timeout', async () => {
    const script = path.join(dir, 'hang.mjs');
    writeFileSync(script, 'setInterval(() => {}, 1000);\n');
    const result = await runAction({ server, event: 'issue_comment', payload: issueCommentEvent(), entry: script, timeout: 500 });
    expect(result.timedOut).toBe(true);
    expect(result.code).toBeNull();
  });

  it('parses both GITHUB_OUTPUT forms', () => {
    expect(parseFileCommands('a=1\nb<<EOF\nx\n\ny\nEOF\nc=d=e\n')).toEqual({ a: '1', b: 'x\n\ny', c: 'd=e' });
  });
});
