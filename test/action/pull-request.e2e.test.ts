/**
 * The bundled action (dist/index.js) run as the runner runs it, on real pull_request and
 * workflow_run payloads, against the local GitHub API server that validates every request
 * against GitHub's OpenAPI description.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ADD_PHONE, AUTHOR, BOT, DROP_EMAIL, MIGRATIONS, PR, runAction, Scenario } from './scenario.js';

let scenario: Scenario | undefined;
afterEach(async () => {
  // Every request the action made must be one GitHub would accept.
  expect(scenario?.server.violations ?? []).toEqual([]);
  await scenario?.close();
  scenario = undefined;
});

const open = async (changes: Record<string, string | null>) => (scenario = await Scenario.open(changes));

describe('the action on pull_request', () => {
  it('passes a clean PR: success status, outputs, exit 0', async () => {
    const s = await open({ [`${MIGRATIONS}/002_phone.up.sql`]: ADD_PHONE, [`${MIGRATIONS}/002_phone.down.sql`]: 'ALTER TABLE users DROP COLUMN phone;\n' });
    const run = await s.pullRequest();
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(s.status()).toMatchObject({ state: 'success', description: '2 migration files checked: no blocking findings' });
    expect(run.outputs).toMatchObject({ verdict: 'pass', 'blocking-count': '0' });
    const report = JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8'));
    expect(report.pullRequest).toEqual({ number: PR, headSha: s.headSha });
    expect(report.report.files.map((f: { path: string; change: string }) => `${f.path}:${f.change}`)).toContain(`${MIGRATIONS}/002_phone.up.sql:added`);
  });

  it('blocks a dangerous PR: failure status, one comment, annotations on the line, summary, exit 1', async () => {
    const s = await open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: `-- drop it\n${DROP_EMAIL}`, [`${MIGRATIONS}/002_drop_email.down.sql`]: 'ALTER TABLE users ADD COLUMN email text;\n' });
    const run = await s.pullRequest({ inputs: { 'sarif-file': 'out/mg.sarif' } });
    expect(run.code).toBe(1);
    // The checkout has the history: email was added moments ago, so its drop is also too early.
    expect(s.status()).toMatchObject({ state: 'failure', description: `2 blocking findings (digest ${s.shownDigest()}): see comment` });
    expect(s.stickies()).toHaveLength(1);
    const body = s.sticky()!.body;
    expect(body).toContain('❌ blocked: 2 blocking findings to resolve');
    expect(body).toContain('**contract-too-early**');
    expect(body).toContain('**ban-drop-column**');
    expect(body).toMatch(/- \[`db\/migrations\/002_drop_email.up.sql:2`\]\(https:\/\/github.com\/octo-org\/app\/blob\/[0-9a-f]{40}\/db\/migrations\/002_drop_email.up.sql#L2\) \*\*ban-drop-column\*\*: .*\(key `[0-9a-f]{16}`\)/);
    expect(run.annotations).toContainEqual(expect.objectContaining({ level: 'error', file: `${MIGRATIONS}/002_drop_email.up.sql`, line: 2, title: 'ban-drop-column (ACCESS EXCLUSIVE)' }));
    expect(run.summary).toContain('ban-drop-column');
    expect(run.outputs).toMatchObject({ verdict: 'blocked', 'blocking-count': '2' });
    const sarif = JSON.parse(readFileSync(`${s.repo.root}/out/mg.sarif`, 'utf8'));
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain('ban-drop-column');
  });

  it('updates the same comment on the next run, and flips the status when a push fixes the findings', async () => {
    const s = await open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL });
    await s.pullRequest();
    const first = s.sticky()!;
    const firstBody = first.body;
    await s.pullRequest();
    expect(s.stickies()).toHaveLength(1);
    s.push({ [`${MIGRATIONS}/002_drop_email.up.sql`]: null, [`${MIGRATIONS}/002_phone.up.sql`]: ADD_PHONE, [`${MIGRATIONS}/002_phone.down.sql`]: 'ALTER TABLE users DROP COLUMN phone;\n' });
    const fixed = await s.pullRequest();
    expect(fixed.code).toBe(0);
    expect(s.stickies().map((c) => c.id)).toEqual([first.id]);
    expect(s.sticky()!.body).not.toBe(firstBody);
    expect(s.sticky()!.body).toContain('✅ pass');
    expect(s.status()).toMatchObject({ state: 'success' });
  });

  it('annotates every finding beyond 50 through a check run, 50 per request', async () => {
    const statements = Array.from({ length: 60 }, (_, i) => `ALTER TABLE users DROP COLUMN c${i};`).join('\n');
    const s = await open({ [`${MIGRATIONS}/002_many.up.sql`]: `${statements}\n` });
    const run = await s.pullRequest();
    expect(run.code).toBe(1);
    const report = JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8')).report;
    const unsuppressed = report.findings.length;
    expect(unsuppressed).toBeGreaterThan(60);
    const [checkRun] = s.server.state.checkRuns;
    expect(checkRun!.output.annotations).toHaveLength(unsuppressed);
    expect(new Set(checkRun!.output.annotations.filter((a) => a.title?.startsWith('ban-drop-column')).map((a) => a.start_line))).toEqual(new Set(Array.from({ length: 60 }, (_, i) => i + 1)));
    for (const request of s.server.requestsTo('*', /check-runs/)) expect(((request.body as { output?: { annotations?: unknown[] } }).output?.annotations ?? []).length).toBeLessThanOrEqual(50);
  });

  it('lists the files with git when GitHub caps the list at 3,000, never checking a part', async () => {
    const docs = Object.fromEntries(Array.from({ length: 3001 }, (_, i) => [`docs/page-${i}.md`, `page ${i}\n`]));
    // The migration comes after 3,000 other files: GitHub's list would not include it.
    const s = await open({ ...docs, [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL });
    const run = await s.pullRequest();
    expect(run.code).toBe(1);
    const report = JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8')).report;
    expect(report.findings.map((f: { rule: string; file: string }) => `${f.rule} ${f.file}`)).toContain(`ban-drop-column ${MIGRATIONS}/002_drop_email.up.sql`);
  });

  it('parses migrations of over 512 KB in all on a worker thread from dist/ alone, and still finds their last statements', async () => {
    const inserts = (table: string) => Array.from({ length: 4500 }, (_, i) => `INSERT INTO ${table} (id, note) VALUES (${i}, 'row ${i}; with a semicolon');`).join('\n');
    const s = await open({
      [`${MIGRATIONS}/002_backfill.up.sql`]: `${inserts('audit_log')}\nDROP TABLE users;\n`,
      [`${MIGRATIONS}/003_backfill.up.sql`]: `${inserts('audit_log_archive')}\nDROP TABLE sessions;\n`,
    });
    const run = await s.pullRequest();
    expect(run.code, run.stderr).toBe(1);
    expect(2 * inserts('audit_log').length).toBeGreaterThan(512 * 1024);
    for (const [file, table] of [['002', 'users'], ['003', 'sessions']]) {
      expect(run.annotations).toContainEqual(expect.objectContaining({ file: `${MIGRATIONS}/${file}_backfill.up.sql`, line: 4501, title: expect.stringContaining('ban-drop-table') }));
      expect(run.annotations.find((a) => a.file?.includes(file) && a.title?.includes('ban-drop-table'))?.message).toContain(table);
    }
    const report = JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8'));
    expect(report.report.files.filter((f: { path: string }) => f.path.includes('_backfill')).map((f: { statements: number }) => f.statements)).toEqual([4501, 4501]);
    // NOTE: on one CPU everything parses on the main thread; CI machines have two or more.
    if (availableParallelism() > 1) expect(run.stdout).toMatch(/migration-guard: parsed 0\.\d MB of SQL in 2 pieces: 1 on 1 worker thread, the rest on the main thread \(1 started while the input was read\)\n/);
  });

  it('answers a PR without migrations with a quick success and no comment', async () => {
    const s = await open({ 'README.md': '# shop, now with docs\n', 'src/app.ts': 'export {};\n' });
    const run = await s.pullRequest();
    expect(run.code).toBe(0);
    expect(s.status()).toMatchObject({ state: 'success', description: 'No migration files changed' });
    expect(s.server.state.comments).toEqual([]);
    expect(run.outputs.verdict).toBe('pass');
  });

  it('ignores a marker planted in somebody else\'s comment', async () => {
    const s = await open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL });
    const planted = '<!-- migration-guard:comment -->\n## migration-guard: ✅ pass';
    s.server.state.comments.push({ id: 42, issue_number: PR, body: planted, user: { login: 'mallory', type: 'User' }, created_at: '2026-11-01T00:00:00Z', updated_at: '2026-11-01T00:00:00Z' });
    await s.pullRequest();
    expect(s.server.state.comments.find((c) => c.id === 42)!.body).toBe(planted);
    expect(s.stickies()).toHaveLength(1);
    expect(s.sticky()!.id).not.toBe(42);
    expect(s.server.requestsTo('PATCH', /comments\/42/)).toEqual([]);
  });

  it('on a fork PR with a read-only token: annotations, summary and exit code work, refused writes become one warning', async () => {
    const s = await open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL });
    s.server.forbidWrites(true);
    const run = await s.pullRequest();
    expect(run.code).toBe(1);
    expect(run.annotations.filter((a) => a.level === 'error').length).toBeGreaterThan(0);
    expect(run.summary).toContain('ban-drop-column');
    const warnings = run.annotations.filter((a) => a.level === 'warning' && a.message.includes('GitHub refused'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('fork-safe setup');
    expect(run.stdout).not.toMatch(/at .*dist\/index\.js/);
    expect(s.server.state.statuses).toEqual([]);
  });

  it('retries a 502 from the API and succeeds', async () => {
    const s = await open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL });
    s.server.failNext('GET', new RegExp(`/pulls/${PR}/files`), 502);
    const run = await s.pullRequest();
    expect(run.code).toBe(1);
    expect(s.server.requestsTo('GET', new RegExp(`/pulls/${PR}/files`)).map((r) => r.status)).toEqual([502, 200]);
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('reports a run that fails as an error status with a message, not a stack trace', async () => {
    const s = await open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL });
    s.server.state.trees[s.baseSha]!['.github/migration-guard.yml'] = 'fail-on: sometimes\n';
    const run = await s.pullRequest();
    expect(run.code).toBe(1);
    expect(run.annotations.find((a) => a.level === 'error')!.message).toContain('.github/migration-guard.yml: key "fail-on"');
    expect(s.status()).toMatchObject({ state: 'error', description: expect.stringContaining('migration-guard failed: .github/migration-guard.yml: key "fail-on"') });
  });

  it('cuts a comment over 65,536 characters at a section boundary with a pointer to the run', async () => {
    // NOTE: index creation, not drops: drops make each run search the history per column.
    const long = Array.from({ length: 400 }, (_, i) => `CREATE INDEX index_number_${i}_on_a_rather_long_column_name ON users (a_rather_long_column_name_${i});`).join('\n');
    const s = await open({ [`${MIGRATIONS}/002_many.up.sql`]: `${long}\n` });
    await s.pullRequest();
    const body = s.sticky()!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain("_The comment was cut to stay under GitHub's 65,536-character limit: [full report](https://github.com/");
    expect((body.match(/^- \[`[^`]+`\]\([^)]+\) \*\*require-concurrent-index-creation\*\*/gm) ?? []).length).toBeGreaterThan(20);
  });

  it('does not publish from a run for an older head SHA after a newer commit arrived', async () => {
    const s = await open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL });
    const old = s.headSha;
    s.push({ 'README.md': '# newer\n' });
    s.repo.git('checkout', '-q', old);
    const run = await s.pullRequest({ headSha: old });
    expect(run.stdout).toContain(`Not publishing: pull request #${PR} moved from ${old.slice(0, 7)} to ${s.headSha.slice(0, 7)}`);
    expect(s.server.state.statuses).toEqual([]);
    expect(s.server.state.comments).toEqual([]);
  });

  it('keeps one comment when two runs race', async () => {
    const s = await open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL });
    await Promise.all([s.pullRequest(), s.pullRequest()]);
    expect(s.stickies()).toHaveLength(1);
    expect(s.status()).toMatchObject({ state: 'failure' });
  });
});

describe('replay in the action', () => {
  it('replays on PGlite from dist/ alone and shows what Postgres did in the comment and the JSON report', async () => {
    const s = await open({
      [`${MIGRATIONS}/002_phone.up.sql`]: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN phone text;\nALTER TABLE users ALTER COLUMN email TYPE varchar(100);\n",
      [`${MIGRATIONS}/002_phone.down.sql`]: 'ALTER TABLE users DROP COLUMN phone;\n',
      // A contrib extension: its archive must ship in dist/ too.
      [`${MIGRATIONS}/003_nick.up.sql`]: 'CREATE EXTENSION IF NOT EXISTS citext;\nALTER TABLE users ADD COLUMN nick citext;\n',
    });
    const run = await s.pullRequest({ inputs: { replay: 'pglite' } });
    const report = JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8')).report;
    expect(report.findings.filter((f: { rule: string }) => f.rule === 'replay-incomplete')).toEqual([]);
    const nick = report.files.find((f: { path: string }) => f.path.endsWith('003_nick.up.sql')).statementDetails;
    expect(nick.map((st: { replay?: { error?: unknown } }) => st.replay && !st.replay.error)).toEqual([true, true]);
    const statements = report.files.find((f: { path: string }) => f.path.endsWith('002_phone.up.sql')).statementDetails;
    expect(statements.map((st: { replay?: { locks: Array<{ relation: string; mode: string }>; rewrites: string[] } }) => st.replay && { locks: st.replay.locks.filter((l) => l.relation === 'users'), rewrites: st.replay.rewrites })).toEqual([
      { locks: [], rewrites: [] },
      { locks: [{ relation: 'users', mode: 'ACCESS EXCLUSIVE' }], rewrites: [] },
      // the type change rewrites the table and rebuilds its primary key index
      { locks: [{ relation: 'users', mode: 'ACCESS EXCLUSIVE' }], rewrites: ['users', 'users_pkey'] },
    ]);
    const body = s.sticky()!.body;
    expect(body).toMatch(/\| line \| statement \| lock \| blocks \| rewrite \| replay \| status \|/);
    expect(body).toContain('rewrites users, users\\_pkey');
    // The down leaves email as varchar(100): the round trip names the difference.
    expect(body).toContain('**down-not-reversible**');
  });
});

describe('fork-safe publishing from workflow_run', () => {
  const open = async (changes: Record<string, string | null>) => (scenario = await Scenario.open(changes, {}, { fork: true }));
  /** The fork's read-only pull_request run: its report.json, as the artifact carries it. */
  const forkArtifact = async (s: Scenario) => {
    s.server.forbidWrites(true);
    const forkRun = await s.pullRequest();
    s.server.forbidWrites(false);
    const file = forkRun.outputs['report-json']!;
    return { file, artifact: JSON.parse(readFileSync(file, 'utf8')) };
  };
  it('publishes the comment and status for the PR the artifact names, from its own analysis', async () => {
    const s = await open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL });
    const { file } = await forkArtifact(s);
    const publish = await s.workflowRun(file);
    expect(publish.code, publish.stdout).toBe(0);
    // ban-drop-column, require-down-migration (no down file) and contract-too-early: the same
    // three as the pull_request run, which had the PR checked out.
    expect(s.status()).toMatchObject({ state: 'failure', description: `3 blocking findings (digest ${s.shownDigest()}): see comment` });
    expect(s.sticky()!.body).toContain('**contract-too-early**');
    expect(s.sticky()!.body).toContain('**ban-drop-column**');
    expect(s.sticky()!.body).toContain('**require-down-migration**');
    // Read from the head fetched as git objects, not through the API: the publishing job never
    // checks out PR code, and a PR with thousands of files costs no request per file.
    expect(s.server.requestsTo('GET', /contents\/db(%2F|\/)migrations/)).toEqual([]);
    expect(publish.stdout).not.toMatch(/read through the API/);
  });

  it('refuses a tampered artifact and publishes nothing', async () => {
    const s = await open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL });
    const { file, artifact } = await forkArtifact(s);
    const otherSha = 'f'.repeat(40);
    writeFileSync(file, JSON.stringify({ ...artifact, pullRequest: { number: PR, headSha: otherSha } }));
    const refused = await s.workflowRun(file);
    expect(refused.code).toBe(1);
    expect(refused.annotations.find((a) => a.level === 'error')!.message).toContain(`refusing the artifact: it claims head ${otherSha.slice(0, 7)}`);
    writeFileSync(file, JSON.stringify({ pullRequest: { number: '7; rm -rf /', headSha: s.headSha }, report: {} }));
    const malformed = await s.workflowRun(file);
    expect(malformed.code).toBe(1);
    expect(malformed.annotations.find((a) => a.level === 'error')!.message).toContain('refusing the artifact');
    expect(s.server.state.comments).toEqual([]);
    expect(s.server.state.statuses.filter((st) => st.state !== 'error')).toEqual([]);
  });

  it('publishes its own verdict when the artifact forges a pass', async () => {
    const s = await open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL });
    const { file, artifact } = await forkArtifact(s);
    writeFileSync(file, JSON.stringify({ ...artifact, verdict: 'pass', report: { ...artifact.report, verdict: 'pass', findings: [] } }));
    const publish = await s.workflowRun(file);
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(publish.annotations.some((a) => a.level === 'warning' && a.message.includes('the artifact is untrusted'))).toBe(true);
  });
});

describe('after the merge', () => {
  it('posts the post-deployment checklist once when a PR with migrations merges', async () => {
    const s = await open({ [`${MIGRATIONS}/002_phone.up.sql`]: ADD_PHONE });
    const { pullRequestEvent } = await import('../support/events.js');
    const merged = () =>
      runAction({
        server: s.server,
        event: 'pull_request',
        payload: pullRequestEvent({ action: 'closed', merged: true, number: PR, headSha: s.headSha, baseSha: s.baseSha, user: AUTHOR }),
        inputs: { replay: 'off' },
        workspace: s.defaultBranchCheckout(),
      });
    expect((await merged()).code).toBe(0);
    await merged();
    const followUps = s.server.state.comments.filter((c) => c.body.includes('<!-- migration-guard:post-deployment -->'));
    expect(followUps).toHaveLength(1);
    expect(followUps[0]!.body).toContain('- [ ] Keep the pre-migration backup for 7 days');
    expect(followUps[0]!.body).toContain('`db/migrations/002_phone.up.sql`');
    expect(typeof followUps[0]!.user === 'string' ? followUps[0]!.user : followUps[0]!.user.login).toBe(BOT);
  });
});
