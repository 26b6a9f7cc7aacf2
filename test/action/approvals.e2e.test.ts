/**
 * Maintenance approvals and checklist acknowledgements, end to end: the bundled action on
 * real issue_comment payloads against the local GitHub API server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checklistItemKey } from '../../src/core/gate.js';
import { DEFAULT_CHECKLIST } from '../../src/core/config.js';
import { mergeGroupEvent } from '../support/events.js';
import { ADD_PHONE, AUTHOR, DROP_EMAIL, MIGRATIONS, PR, runAction, Scenario } from './scenario.js';

let scenario: Scenario | undefined;
afterEach(async () => {
  expect(scenario?.server.violations ?? []).toEqual([]);
  await scenario?.close();
  scenario = undefined;
});

/** A PR that blocks on ban-drop-column (with a down file, so only that blocks) and has run once. */
async function blockedPr(): Promise<Scenario> {
  const s = (scenario = await Scenario.open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL, [`${MIGRATIONS}/002_drop_email.down.sql`]: 'ALTER TABLE users ADD COLUMN email text;\n' }));
  // NOTE: the base's users table was created just now, so contract-too-early also blocks: a real expand step would be older.
  await s.pullRequest();
  expect(s.status()).toMatchObject({ state: 'failure' });
  return s;
}

const reactions = (s: Scenario, id: number) => (s.server.state.comments.find((c) => c.id === id)?.reactions ?? []).map((r) => r.content);

const approve = (s: Scenario, reason = 'Sunday 02:00 UTC window, DBA on call') => `/approve-maintenance ${s.shownDigest()} ${reason}`;

describe('/approve-maintenance', () => {
  it('from a maintainer naming the shown digest turns the status green and reacts; the comment says who approved', async () => {
    const s = await blockedPr();
    const digest = s.shownDigest();
    const { id, result } = await s.comment('maintainer', approve(s));
    expect(result.code, result.stdout).toBe(0);
    expect(reactions(s, id)).toEqual(['+1']);
    expect(s.status()).toMatchObject({ state: 'success', description: 'Maintenance approved by @maintainer' });
    const body = s.sticky()!.body;
    expect(body).toContain(`Maintenance window approved by @maintainer for migration digest \`${digest}\`: Sunday 02:00 UTC window, DBA on call.`);
    expect(body).toContain('covered by the maintenance approval of @maintainer');
    expect(s.replies()).toEqual([]);
  });

  it.each([
    ['an unauthorised user', 'writer', (s: Scenario) => approve(s), {}, 'was not accepted: @writer has "write" permission on this repository; "maintain" or higher is needed. Nothing changed.'],
    ['an edited comment', 'maintainer', (s: Scenario) => approve(s), { edited: true }, 'was not accepted: edited comments are not accepted; post the command in a new comment. A command in an edited comment no longer counts.'],
    ['a command without a digest', 'maintainer', () => '/approve-maintenance looks fine', {}, 'was not accepted: an approval must name the migration digest it approves, as `/approve-maintenance '],
    ['a digest prefix too short to bind', 'maintainer', (s: Scenario) => `/approve-maintenance ${s.shownDigest().slice(0, 8)} ok`, {}, 'is too short: give its first 16 characters'],
  ])('from %s is refused with a reply that says why, and nothing changes', async (_, user, body, options, reason) => {
    const s = await blockedPr();
    const before = s.sticky()!.body;
    const { id } = await s.comment(user, body(s), options);
    expect(s.replies().map((r) => r.body)).toEqual([expect.stringContaining(reason)]);
    expect(reactions(s, id)).toEqual(['confused']);
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.sticky()!.body).toBe(before);
  });

  it.each([
    ['a quoted command', (d: string) => `> /approve-maintenance ${d}\n\nWhy did you approve this?`],
    ['a command in a code block', (d: string) => `Use this:\n\`\`\`\n/approve-maintenance ${d} reason\n\`\`\``],
    ['a command in the middle of a line', (d: string) => `please do not /approve-maintenance ${d} yet`],
  ])('ignores %s: no approval, no reply', async (_, body) => {
    const s = await blockedPr();
    const { result } = await s.comment('maintainer', body(s.shownDigest()));
    expect(result.stdout).toContain('the comment holds no command; nothing to do');
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.replies()).toEqual([]);
    expect(s.server.requests.filter((r) => r.method !== 'GET')).toHaveLength(2); // the first run's comment and status
  });

  it('ignores commands that bots post (no loops with an App token)', async () => {
    const s = await blockedPr();
    const requests = s.server.requests.length;
    const { result } = await s.comment('deploy-bot[bot]', approve(s), { userType: 'Bot' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ignoring a comment event sent by the bot deploy-bot[bot]');
    expect(s.server.requests.length).toBe(requests);
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('refuses a command on a PR without migrations', async () => {
    const s = (scenario = await Scenario.open({ 'README.md': '# docs only\n' }));
    await s.pullRequest();
    await s.comment('maintainer', `/approve-maintenance ${'0'.repeat(16)}`);
    expect(s.replies().map((r) => r.body)).toEqual([expect.stringContaining('this pull request changes no migration files, so there is nothing to approve')]);
  });

  it('is voided by a push that changes a migration, and kept by a push that changes only other files', async () => {
    const s = await blockedPr();
    const digest = s.shownDigest();
    await s.comment('maintainer', approve(s, 'window agreed'));
    expect(s.status()).toMatchObject({ state: 'success' });

    s.push({ 'README.md': '# shop\n\nNow documented.\n' });
    const readmeOnly = await s.pullRequest();
    expect(readmeOnly.code).toBe(0);
    expect(s.status()).toMatchObject({ state: 'success', description: 'Maintenance approved by @maintainer' });

    s.push({ [`${MIGRATIONS}/002_drop_email.up.sql`]: `${DROP_EMAIL}ALTER TABLE users DROP COLUMN name;\n` });
    const changed = await s.pullRequest();
    expect(changed.code).toBe(1);
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.shownDigest()).not.toBe(digest);
    expect(s.sticky()!.body).toContain(`The maintenance approval by @maintainer for digest \`${digest}\` does not apply: the migration files' digest is \`${s.shownDigest()}\` now.`);
  });

  it('no longer counts once its comment is edited', async () => {
    const s = await blockedPr();
    const { id } = await s.comment('maintainer', approve(s, 'ok'));
    expect(s.status()).toMatchObject({ state: 'success' });
    await s.editComment(id, (body) => `${body}, and also the next three migrations`);
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.replies().map((r) => r.body)).toEqual([expect.stringContaining('A command in an edited comment no longer counts.')]);
  });

  it('is withdrawn by /revoke-maintenance', async () => {
    const s = await blockedPr();
    await s.comment('maintainer', approve(s, 'ok'));
    expect(s.status()).toMatchObject({ state: 'success' });
    const { id } = await s.comment('admin', '/revoke-maintenance not this week');
    expect(reactions(s, id)).toEqual(['+1']);
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.sticky()!.body).not.toContain('Maintenance window approved');
  });

  it('ends consistent after two quick commands', async () => {
    const s = await blockedPr();
    await Promise.all([s.comment('maintainer', approve(s, 'first')), s.comment('admin', approve(s, 'second'))]);
    await s.pullRequest();
    expect(s.stickies()).toHaveLength(1);
    expect(s.status()).toMatchObject({ state: 'success' });
  });
});

describe('writes', () => {
  const writes = (s: Scenario) => s.server.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(/\/[0-9a-f]{40}|\/\d+/g, '/:id')}`);

  it('a run that finds everything as published writes nothing; a change writes the comment and the status once', async () => {
    const s = await blockedPr();
    const before = writes(s);
    const again = await s.pullRequest();
    expect(again.stdout).toContain('status already says');
    expect(writes(s)).toEqual(before);
    await s.comment('maintainer', approve(s, 'ok'));
    expect(writes(s).slice(before.length)).toEqual([
      'POST /repos/octo-org/app/issues/comments/:id/reactions',
      'PATCH /repos/octo-org/app/issues/comments/:id',
      'POST /repos/octo-org/app/statuses/:id',
    ]);
  });

  it('a status someone else wrote is written over even when it says the same', async () => {
    const s = await blockedPr();
    const ours = s.status()!;
    s.server.state.statuses.push({ ...ours, id: s.server.state.nextId++, creator: 'writer' });
    await s.pullRequest();
    const creator = s.status()!.creator;
    expect(typeof creator === 'string' ? creator : creator.login).toBe('github-actions[bot]');
    expect(s.status()).toMatchObject({ state: 'failure', description: ours.description });
  });
});

describe('who may approve, configured', () => {
  const configured = async (config: string) => {
    const s = (scenario = await Scenario.open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: DROP_EMAIL, [`${MIGRATIONS}/002_drop_email.down.sql`]: 'ALTER TABLE users ADD COLUMN email text;\n' }));
    s.server.state.trees[s.baseSha]!['.github/migration-guard.yml'] = config;
    await s.pullRequest();
    return s;
  };

  it('lets members of approvals.teams approve whatever their repository permission', async () => {
    const s = await configured('approvals:\n  teams: [octo-org/dba]\n');
    s.server.state.teams['octo-org/dba'] = ['dana'];
    s.server.state.permissions['dana'] = 'read';
    await s.comment('dana', approve(s, 'DBA approved'));
    expect(s.status()).toMatchObject({ state: 'success', description: 'Maintenance approved by @dana' });
  });

  it('refuses the PR author by default, even with admin permission', async () => {
    const s = await configured('');
    s.server.state.permissions[AUTHOR] = 'admin';
    await s.comment(AUTHOR, approve(s, 'my own'));
    expect(s.replies().map((r) => r.body)).toEqual([expect.stringContaining('the pull request author may not approve or acknowledge their own pull request (approvals.allow-author: false)')]);
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('lets the PR author with the permission approve under approvals.allow-author: true', async () => {
    const s = await configured('approvals:\n  allow-author: true\n');
    s.server.state.permissions[AUTHOR] = 'maintain';
    await s.comment(AUTHOR, approve(s, 'my own, agreed with the team'));
    expect(s.status()).toMatchObject({ state: 'success', description: `Maintenance approved by @${AUTHOR}` });
  });

  it('counts an approval under comment: off, its digest given in the reply to a command without one', async () => {
    const s = await configured('comment: off\n');
    expect(s.stickies()).toEqual([]);
    await s.comment('maintainer', '/approve-maintenance ok');
    const digest = /approve-maintenance ([0-9a-f]{16}) <reason>/.exec(s.replies()[0]!.body)![1]!;
    await s.comment('maintainer', `/approve-maintenance ${digest} ok`);
    expect(s.status()).toMatchObject({ state: 'success' });
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'success', description: 'Maintenance approved by @maintainer' });
    expect(s.stickies()).toEqual([]);
  });

  it('refuses a command on a closed pull request', async () => {
    const s = await configured('');
    s.server.state.pulls[PR]!.state = 'closed';
    await s.comment('maintainer', approve(s, 'late'));
    expect(s.replies().map((r) => r.body)).toEqual([expect.stringContaining('was not accepted: the pull request is closed')]);
  });
});

describe('the merge queue', () => {
  it('checks the group and honours the approval given on its pull request', async () => {
    const s = await blockedPr();
    const queue = () =>
      runAction({
        server: s.server,
        event: 'merge_group',
        payload: mergeGroupEvent({ headSha: s.headSha, baseSha: s.baseSha, prNumber: PR }),
        inputs: { replay: 'off' },
        workspace: s.repo.root,
      });
    const blocked = await queue();
    expect(blocked.code).toBe(1);
    expect(s.status()).toMatchObject({ state: 'failure' });
    await s.comment('maintainer', approve(s, 'queue it'));
    const approved = await queue();
    expect(approved.code, approved.stdout).toBe(0);
    expect(s.status()).toMatchObject({ state: 'success' });
  });
});

describe('/acknowledge', () => {
  it('by an authorised reviewer resolves the named findings and checklist items, and survives an unrelated push', async () => {
    const s = await blockedPr();
    const keys = s.shownKeys();
    expect(keys).toContain(checklistItemKey(DEFAULT_CHECKLIST[0]!));
    const { id, result } = await s.comment('maintainer', `/acknowledge ${keys.join(' ')} deliberate: the column is unused since v2`);
    expect(result.code, result.stdout).toBe(0);
    expect(reactions(s, id)).toEqual(['+1']);
    const body = s.sticky()!.body;
    expect(body).toContain('acknowledged by @maintainer');
    expect(body).toContain(`- ${DEFAULT_CHECKLIST[0]}: ✅ acknowledged by @maintainer <!-- mg:key=${checklistItemKey(DEFAULT_CHECKLIST[0]!)} -->`);
    expect(s.status()).toMatchObject({ state: 'success', description: 'Blocking findings acknowledged' });

    s.push({ 'src/app.ts': 'export const unrelated = 1;\n' });
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'success' });

    // A changed statement is a new finding: it needs a new acknowledgement.
    s.push({ [`${MIGRATIONS}/002_drop_email.up.sql`]: 'ALTER TABLE users DROP COLUMN email CASCADE;\n' });
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.sticky()!.body).toMatch(/- \[`db\/migrations\/002_drop_email.up.sql:1`\]\([^)]+\) \*\*ban-drop-column\*\*: .*\(key `[0-9a-f]{16}`\)/);
  });

  it('by a user without the permission is refused with a reply, and nothing changes', async () => {
    const s = await blockedPr();
    const before = s.sticky()!.body;
    await s.comment('writer', `/acknowledge ${s.shownKeys().join(' ')}`);
    expect(s.replies().map((r) => r.body)).toEqual([expect.stringContaining('@writer has "write" permission on this repository; "maintain" or higher is needed')]);
    expect(s.sticky()!.body).toBe(before);
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('naming no current key is refused', async () => {
    const s = await blockedPr();
    await s.comment('maintainer', `/acknowledge ${'f'.repeat(16)}`);
    expect(s.replies().map((r) => r.body)).toEqual([expect.stringContaining(`none of \`${'f'.repeat(16)}\` is a blocking finding or checklist item of the pull request now`)]);
  });
});

describe('the resolved gate explains itself', () => {
  it('says how each blocking finding was resolved', async () => {
    const s = (scenario = await Scenario.open({
      [`${MIGRATIONS}/002_changes.up.sql`]: `-- migration-guard:ignore ban-drop-column reason: phase 3 of the email rename (#12)\n${DROP_EMAIL}${ADD_PHONE}CREATE INDEX users_phone ON users (phone);\n`,
      [`${MIGRATIONS}/002_changes.down.sql`]: 'DROP INDEX users_phone;\nALTER TABLE users DROP COLUMN phone;\nALTER TABLE users ADD COLUMN email text;\n',
    }));
    await s.pullRequest();
    const indexKey = /\*\*require-concurrent-index-creation\*\*: .*\(key `([0-9a-f]{16})`\)/.exec(s.sticky()!.body)![1]!;
    await s.comment('maintainer', `/acknowledge ${indexKey} small table`);
    const body = s.sticky()!.body;
    expect(body).toMatch(/require-concurrent-index-creation\*\*.*acknowledged by @maintainer/);
    expect(body).toContain('- `db/migrations/002_changes.up.sql:2` **ban-drop-column**: ignored inline: phase 3 of the email rename \\(\\#12\\)');

    // A push that removes the index: its finding is listed as fixed.
    s.push({ [`${MIGRATIONS}/002_changes.up.sql`]: `-- migration-guard:ignore ban-drop-column reason: phase 3 of the email rename (#12)\n${DROP_EMAIL}${ADD_PHONE}` });
    await s.pullRequest();
    expect(s.sticky()!.body).toContain('- `db/migrations/002_changes.up.sql:5` **require-concurrent-index-creation**: fixed since the last run');
  });
});
