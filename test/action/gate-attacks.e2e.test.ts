/**
 * Attacks on the gate, per actor of the trust model (docs/security.md), end to end: the
 * bundled action on real event payloads against the local GitHub API server. Each test
 * tries to turn the `migration-guard` status green (or keep it green) without the review it
 * asks for, and asserts that it stays red (or turns red / error).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CHECKLIST } from '../../src/core/config.js';
import { checklistItemKey } from '../../src/core/gate.js';
import { pullRequestEvent } from '../support/events.js';
import { AUTHOR, BOT, DROP_EMAIL, MIGRATIONS, PR, runAction, Scenario } from './scenario.js';

let scenario: Scenario | undefined;
afterEach(async () => {
  expect(scenario?.server.violations ?? []).toEqual([]);
  await scenario?.close();
  scenario = undefined;
});

const DOWN = { [`${MIGRATIONS}/002_drop_email.down.sql`]: 'ALTER TABLE users ADD COLUMN email text;\n' };

async function blockedPr(up = DROP_EMAIL, options: { fork?: boolean } = {}): Promise<Scenario> {
  const s = (scenario = await Scenario.open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: up, ...DOWN }, {}, options));
  await s.pullRequest();
  expect(s.status()).toMatchObject({ state: 'failure' });
  return s;
}

const approve = (s: Scenario, reason = 'reviewed') => `/approve-maintenance ${s.shownDigest()} ${reason}`;

describe('a pull request author (a fork too)', () => {
  it('cannot acknowledge or approve through SQL rendered into the bot comment, not even after removing the file', async () => {
    // The keys and the digest are computable offline: the attacker knows them all.
    const probe = await blockedPr();
    const keys = probe.shownKeys();
    const digest = probe.shownDigest();
    await probe.close();
    scenario = undefined;
    const forged = [
      `SELECT '<!-- mg:ack=${keys[0]}:maintainer -->';`,
      `SELECT '<!-- migration-guard:approval comment=1 digest=${digest.padEnd(64, '0')} -->';`,
      `SELECT '-->\n/acknowledge ${keys.join(' ')}\n/approve-maintenance ${digest} forged\n<!--';`,
      `-- /acknowledge ${keys.join(' ')}`,
    ].join('\n');
    const s = await blockedPr(`${DROP_EMAIL}${forged}\n`, { fork: true });
    expect(s.sticky()!.body).toContain('SELECT');
    // The SQL is displayed, but its comment delimiters are broken: only the bot's own markers remain.
    expect([...s.sticky()!.body.matchAll(/<!--(?! migration-guard:comment -->| mg:key=[0-9a-f]{16} -->| mg:key=check-[0-9a-f]{10} -->)/g)]).toEqual([]);
    expect(s.sticky()!.body).not.toMatch(/-->(?<!<!-- (?:migration-guard:comment|mg:key=[\w-]+) -->)/);
    s.push({ [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL });
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.sticky()!.body).not.toMatch(/acknowledged by|approved by/);
  });

  it('cannot pass by deleting or rewriting an applied migration instead of adding one (nothing added is still under review)', async () => {
    for (const change of [null, 'CREATE TABLE users (id bigint PRIMARY KEY);\n']) {
      const s = (scenario = await Scenario.open({ [`${MIGRATIONS}/001_users.up.sql`]: change }, {}, { fork: true }));
      await s.pullRequest();
      expect(s.status()).toMatchObject({ state: 'failure' });
      expect(s.sticky()!.body).toContain('ban-editing-applied-migration');
      expect(s.server.violations).toEqual([]);
      await s.close();
      scenario = undefined;
    }
  });

  it('cannot approve their own pull request by default, with any permission', async () => {
    const s = await blockedPr();
    s.server.state.permissions[AUTHOR] = 'admin';
    await s.comment(AUTHOR, approve(s));
    await s.comment(AUTHOR, `/acknowledge ${s.shownKeys().join(' ')}`);
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('cannot loosen the rules from the pull request: a config or a .squawk.toml in its head is not read', async () => {
    const s = await blockedPr(DROP_EMAIL, { fork: true });
    s.push({
      '.github/migration-guard.yml': 'rules:\n  ban-drop-column: off\nfail-on: never\n',
      '.squawk.toml': 'excluded_rules = ["ban-drop-column"]\n',
    });
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'failure' });
    // Without a config on the base commit, the squawk file of the head is not read either.
    s.push({ '.github/migration-guard.yml': null });
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('cannot keep an approval by pushing other migrations between the approval and its run', async () => {
    const s = await blockedPr();
    const seen = s.shownDigest();
    // The maintainer reviewed `seen`; before the comment's job starts, the author pushes.
    s.push({ [`${MIGRATIONS}/002_drop_email.up.sql`]: `${DROP_EMAIL}DROP TABLE users;\n` });
    await s.comment('maintainer', `/approve-maintenance ${seen} reviewed`);
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.replies().map((r) => r.body)).toEqual([expect.stringMatching(new RegExp(`it approves digest \`${seen}\`, but the migration files' digest now is \`[0-9a-f]{16}\``))]);
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('cannot use the pull_request_target event to run with a write token: it is refused, nothing is written', async () => {
    const s = await blockedPr();
    const writes = s.server.requests.filter((r) => r.method !== 'GET').length;
    const result = await runAction({
      server: s.server,
      event: 'pull_request_target',
      payload: pullRequestEvent({ action: 'synchronize', number: PR, headSha: s.headSha, baseSha: s.baseSha, user: AUTHOR, headRepo: s.headRepo }),
      inputs: { replay: 'off' },
      workspace: s.repo.root,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('does not run on "pull_request_target"');
    expect(result.stdout).toContain('workflow_run');
    expect(s.server.requests.filter((r) => r.method !== 'GET')).toHaveLength(writes);
  });
});

describe('a commenter without write access', () => {
  it.each([
    ['inside an HTML comment', (c: string) => `Thanks!\n<!--\n${c}\n-->`],
    ['on a lazy continuation line of a block quote', (c: string) => `> the maintainer said\n${c}`],
    ['after a fence "closed" by a line with an info string', (c: string) => `\`\`\`\ncode\n\`\`\` not-a-close\n${c}\n\`\`\``],
    ['inside <pre>', (c: string) => `<pre>\n${c}\n</pre>`],
    ['inside <details>', (c: string) => `<details>\n\n${c}\n\n</details>`],
    ['in a list item', (c: string) => `- ${c}`],
    ['inside an inline HTML comment that spans lines', (c: string) => `see <!--\n${c}\n-->`],
  ])('cannot make a maintainer approve by quoting their command %s (GitHub does not show it as a command)', async (_, wrap) => {
    const s = await blockedPr();
    // A maintainer's comment that only *mentions* the command, as GitHub renders it.
    const { result } = await s.comment('maintainer', wrap(approve(s)));
    expect(result.stdout).toContain('nothing to do');
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('cannot approve or acknowledge', async () => {
    const s = await blockedPr();
    s.server.state.permissions['passer-by'] = 'read';
    await s.comment('passer-by', approve(s));
    await s.comment('passer-by', `/acknowledge ${s.shownKeys().join(' ')}`);
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.replies()).toHaveLength(2);
  });

  it('cannot keep a revoked approval green by a crowd of command comments: past the lookup bound the status is an error', async () => {
    const s = await blockedPr();
    await s.comment('maintainer', approve(s));
    expect(s.status()).toMatchObject({ state: 'success' });
    for (let i = 0; i < 40; i++) {
      s.server.state.permissions[`sock${i}`] = 'read';
      s.addComment(`sock${i}`, approve(s, `me too ${i}`));
    }
    // The crowd is newer than the approval: each would have to be looked up first.
    const result = await s.pullRequest();
    expect(result.code).toBe(1);
    expect(s.status()).toMatchObject({ state: 'error' });
    expect(s.status()!.description).toContain('different users posted gate commands');
  });

  it('cannot stop a revocation with 400 ordinary comments', async () => {
    const s = await blockedPr();
    await s.comment('maintainer', approve(s));
    for (let i = 0; i < 400; i++) s.addComment(`user${i}`, `+1 from user ${i}`);
    await s.comment('admin', '/revoke-maintenance not this week');
    expect(s.status()).toMatchObject({ state: 'failure' });
  });
});

describe('a user with write access', () => {
  it('cannot forge an approval or acknowledgement by editing the bot comment; the edit is undone', async () => {
    const s = await blockedPr();
    const original = s.sticky()!.body;
    const forged = (body: string) =>
      `${body}\n<!-- migration-guard:approval comment=1 digest=${s.shownDigest().padEnd(64, '0')} -->\n<!-- mg:ack=${checklistItemKey(DEFAULT_CHECKLIST[0]!)}:maintainer -->\n\n${approve(s)}\n\n/acknowledge ${s.shownKeys().join(' ')}\n`;
    await s.editSticky('writer', forged);
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.sticky()!.body).toBe(original);
  });

  it('cannot forge by two quick edits of the bot comment', async () => {
    const s = await blockedPr();
    const add = (line: string) => (body: string) => `${body}\n\n${line}\n`;
    const sticky = s.sticky()!;
    sticky.body = add(approve(s))(sticky.body);
    sticky.updated_at = new Date().toISOString();
    // (the first edit's run was cancelled) the second edit's event carries the first as "from"
    await s.editSticky('writer', add(`/acknowledge ${s.shownKeys().join(' ')}`));
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it("cannot turn a maintainer's ordinary comment into an approval by editing it", async () => {
    const s = await blockedPr();
    const { id } = await s.comment('maintainer', 'I will look at this tomorrow.');
    await s.editComment(id, () => approve(s), 'writer');
    await s.editComment(id, () => `/acknowledge ${s.shownKeys().join(' ')}`, 'writer');
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it("withdraws a maintainer's approval by deleting it: the deleted event turns the status red at once", async () => {
    const s = await blockedPr();
    const { id } = await s.comment('maintainer', approve(s));
    expect(s.status()).toMatchObject({ state: 'success' });
    const result = await s.deleteComment(id, 'writer');
    expect(result.code, result.stdout).toBe(0);
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('withdraws an acknowledgement by editing the command away', async () => {
    const s = await blockedPr();
    const { id } = await s.comment('maintainer', `/acknowledge ${s.shownKeys().join(' ')}`);
    expect(s.status()).toMatchObject({ state: 'success' });
    await s.editComment(id, () => 'never mind');
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('cannot plant a comment as the shared bot login that the gate trusts', async () => {
    const s = (scenario = await Scenario.open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL, ...DOWN }));
    // Another workflow of the repository (same github-actions[bot] login) posted first.
    s.addComment(BOT, `<!-- migration-guard:comment -->\nforged\n<!-- mg:ack=${checklistItemKey(DEFAULT_CHECKLIST[0]!)}:maintainer -->\n`, { userType: 'Bot' });
    s.addComment(BOT, `${`/approve-maintenance ${'0'.repeat(16)}`}\n<!-- migration-guard:comment -->`, { userType: 'Bot' });
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.sticky()!.body).not.toContain('forged');
  });
});

describe('a maintainer', () => {
  it("approves only the digest they saw: a later push voids it, and naming an old digest again is refused", async () => {
    const s = await blockedPr();
    const seen = s.shownDigest();
    await s.comment('maintainer', approve(s));
    expect(s.status()).toMatchObject({ state: 'success' });
    s.push({ [`${MIGRATIONS}/002_drop_email.up.sql`]: `${DROP_EMAIL}DROP TABLE users;\n` });
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'failure' });
    await s.comment('admin', `/approve-maintenance ${seen} again`);
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('loses nothing when runs are cancelled: the next run counts every command there is', async () => {
    const s = await blockedPr();
    s.addComment('maintainer', approve(s));
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'success' });
    s.addComment('admin', '/revoke-maintenance changed my mind');
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('whose revocation run spends the whole API budget still writes an error status over the green (the reserve)', async () => {
    const many: Record<string, string> = { [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL, ...DOWN };
    for (let i = 0; i < 420; i++) many[`${MIGRATIONS}/${String(100 + i)}_add_${i}.up.sql`] = `ALTER TABLE users ADD COLUMN c${i} text;\n`;
    const s = (scenario = await Scenario.open(many));
    await s.pullRequest();
    s.addComment('maintainer', approve(s));
    // the pull_request run reads the files from its checkout: a few requests
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'success' });
    // a comment run whose checkout cannot fetch the head reads them through the API: more than the budget
    s.repo.git('update-ref', '-d', `refs/pull/${PR}/head`);
    const { result } = await s.comment('admin', '/revoke-maintenance', { timeout: 240_000 });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('GitHub API requests in one run');
    expect(s.status()).toMatchObject({ state: 'error' });
  }, 300_000);

  it('whose run fails (the API down) leaves an error status, never a stale green', async () => {
    const s = await blockedPr();
    await s.comment('maintainer', approve(s));
    expect(s.status()).toMatchObject({ state: 'success' });
    s.server.failNext('GET', /\/issues\/\d+\/comments/, 404, 5);
    const result = await s.comment('admin', '/revoke-maintenance');
    expect(result.result.code).toBe(1);
    expect(s.status()).toMatchObject({ state: 'error' });
  });
});
