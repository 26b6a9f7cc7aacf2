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

describe('/approve-maintenance', () => {
  it('from a maintainer turns the status green, reacts, and records the approval in the comment', async () => {
    const s = await blockedPr();
    const { id, result } = await s.comment('maintainer', '/approve-maintenance Sunday 02:00 UTC window, DBA on call');
    expect(result.code, result.stdout).toBe(0);
    expect(reactions(s, id)).toEqual(['+1']);
    expect(s.status()).toMatchObject({ state: 'success', description: 'Maintenance approved by @maintainer' });
    const body = s.sticky()!.body;
    expect(body).toMatch(/Maintenance window approved by @maintainer for migration digest `[0-9a-f]{12}`: Sunday 02:00 UTC window, DBA on call\./);
    expect(body).toContain('(covered by the maintenance approval of @maintainer)');
    expect(body).toMatch(new RegExp(`<!-- migration-guard:approval comment=${id} digest=[0-9a-f]{64} -->`));
    expect(s.replies()).toEqual([]);
  });

  it.each([
    ['an unauthorised user', 'writer', '/approve-maintenance please', {}, '@writer has "write" permission on this repository; "maintain" or higher is needed. Nothing changed.'],
    ['an edited comment', 'maintainer', '/approve-maintenance typo fixed', { edited: true }, 'edited comments are not accepted; post the command in a new comment. An approval in an edited comment no longer counts.'],
  ])('from %s is refused with a reply that says why, and nothing changes', async (_, user, body, options, reason) => {
    const s = await blockedPr();
    const before = s.sticky()!.body;
    const { id } = await s.comment(user, body, options);
    expect(s.replies().map((r) => r.body)).toEqual([expect.stringContaining(`was not accepted: ${reason}`)]);
    expect(reactions(s, id)).toEqual(['confused']);
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.sticky()!.body).toBe(before);
  });

  it.each([
    ['a quoted command', '> /approve-maintenance\n\nWhy did you approve this?'],
    ['a command in a code block', 'Use this:\n```\n/approve-maintenance reason\n```'],
    ['a command in the middle of a line', 'please do not /approve-maintenance yet'],
  ])('ignores %s: no approval, no reply', async (_, body) => {
    const s = await blockedPr();
    const { result } = await s.comment('maintainer', body);
    expect(result.stdout).toContain('the comment holds no command; nothing to do');
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.replies()).toEqual([]);
    expect(s.server.requests.filter((r) => r.method !== 'GET')).toHaveLength(2); // the first run's comment and status
  });

  it('ignores commands from bots (no loops with an App token)', async () => {
    const s = await blockedPr();
    const requests = s.server.requests.length;
    const { result } = await s.comment('deploy-bot[bot]', '/approve-maintenance', { userType: 'Bot' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ignoring a comment event sent by the bot deploy-bot[bot]');
    expect(s.server.requests.length).toBe(requests);
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('refuses a command on a PR without migrations', async () => {
    const s = (scenario = await Scenario.open({ 'README.md': '# docs only\n' }));
    await s.pullRequest();
    await s.comment('maintainer', '/approve-maintenance');
    expect(s.replies().map((r) => r.body)).toEqual([expect.stringContaining('this pull request changes no migration files, so there is nothing to approve')]);
  });

  it('is voided by a push that changes a migration, and kept by a push that changes only other files', async () => {
    const s = await blockedPr();
    await s.comment('maintainer', '/approve-maintenance window agreed');
    expect(s.status()).toMatchObject({ state: 'success' });

    s.push({ 'README.md': '# shop\n\nNow documented.\n' });
    const readmeOnly = await s.pullRequest();
    expect(readmeOnly.code).toBe(0);
    expect(s.status()).toMatchObject({ state: 'success', description: 'Maintenance approved by @maintainer' });

    s.push({ [`${MIGRATIONS}/002_drop_email.up.sql`]: `${DROP_EMAIL}ALTER TABLE users DROP COLUMN name;\n` });
    const changed = await s.pullRequest();
    expect(changed.code).toBe(1);
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.sticky()!.body).toMatch(/The maintenance approval by @maintainer for digest `[0-9a-f]{12}` no longer applies: a push changed the migration files since\./);
  });

  it('no longer counts once its comment is edited', async () => {
    const s = await blockedPr();
    const { id } = await s.comment('maintainer', '/approve-maintenance ok');
    expect(s.status()).toMatchObject({ state: 'success' });
    await s.editComment(id, () => '/approve-maintenance ok, and also the next three migrations');
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.replies().map((r) => r.body)).toEqual([expect.stringContaining('An approval in an edited comment no longer counts.')]);
  });

  it('is withdrawn by /revoke-maintenance', async () => {
    const s = await blockedPr();
    await s.comment('maintainer', '/approve-maintenance ok');
    expect(s.status()).toMatchObject({ state: 'success' });
    const { id } = await s.comment('admin', '/revoke-maintenance not this week');
    expect(reactions(s, id)).toEqual(['+1']);
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.sticky()!.body).not.toContain('Maintenance window approved');
  });

  it('ends consistent after two quick commands', async () => {
    const s = await blockedPr();
    await Promise.all([s.comment('maintainer', '/approve-maintenance first'), s.comment('admin', '/approve-maintenance second')]);
    await s.pullRequest();
    expect(s.stickies()).toHaveLength(1);
    expect(s.status()).toMatchObject({ state: 'success' });
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
    await s.comment('dana', '/approve-maintenance DBA approved');
    expect(s.status()).toMatchObject({ state: 'success', description: 'Maintenance approved by @dana' });
  });

  it('refuses the PR author with approvals.allow-author: false, even with the permission', async () => {
    const s = await configured('approvals:\n  allow-author: false\n');
    s.server.state.permissions[AUTHOR] = 'admin';
    await s.comment(AUTHOR, '/approve-maintenance my own');
    expect(s.replies().map((r) => r.body)).toEqual([expect.stringContaining('the pull request author may not approve their own pull request (approvals.allow-author: false)')]);
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('records an approval even with comment: off (the comment is where it is kept)', async () => {
    const s = await configured('comment: off\n');
    expect(s.stickies()).toEqual([]);
    await s.comment('maintainer', '/approve-maintenance ok');
    expect(s.status()).toMatchObject({ state: 'success' });
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'success', description: 'Maintenance approved by @maintainer' });
  });

  it('refuses a command on a closed pull request', async () => {
    const s = await configured('');
    s.server.state.pulls[PR]!.state = 'closed';
    await s.comment('maintainer', '/approve-maintenance late');
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
    await s.comment('maintainer', '/approve-maintenance queue it');
    const approved = await queue();
    expect(approved.code, approved.stdout).toBe(0);
    expect(s.status()).toMatchObject({ state: 'success' });
  });
});

describe('checklist ticks', () => {
  const tickAll = (body: string) => body.replace(/^(\s*[-*]) \[ \]/gm, '$1 [x]');

  it('by an authorised reviewer count, are recorded with who ticked, and survive an unrelated push', async () => {
    const s = await blockedPr();
    const run = await s.editSticky('maintainer', tickAll);
    expect(run.code, run.stdout).toBe(0);
    const body = s.sticky()!.body;
    expect(body).toContain('(acknowledged by @maintainer)');
    expect(body).toContain(`- [x] ${DEFAULT_CHECKLIST[0]} (ticked by @maintainer) <!-- mg:key=${checklistItemKey(DEFAULT_CHECKLIST[0]!)} -->`);
    expect(s.status()).toMatchObject({ state: 'success', description: 'Blocking findings acknowledged' });

    s.push({ 'src/app.ts': 'export const unrelated = 1;\n' });
    await s.pullRequest();
    expect(s.sticky()!.body).toContain('(acknowledged by @maintainer)');
    expect(s.status()).toMatchObject({ state: 'success' });

    // A changed statement is a new finding: it needs a new tick.
    s.push({ [`${MIGRATIONS}/002_drop_email.up.sql`]: 'ALTER TABLE users DROP COLUMN email CASCADE;\n' });
    await s.pullRequest();
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.sticky()!.body).toMatch(/- \[ \] `db\/migrations\/002_drop_email.up.sql:1` \*\*ban-drop-column\*\*/);
  });

  it('by an unauthorised user are reverted with a note', async () => {
    const s = await blockedPr();
    const before = s.sticky()!.body;
    await s.editSticky(AUTHOR, tickAll);
    const body = s.sticky()!.body;
    expect(body).not.toMatch(/- \[x\]/);
    // (the reason's @mention is neutralised so the note does not ping)
    expect(body).toMatch(new RegExp(`Checkbox changes by @${AUTHOR} were reverted: @\u200b?${AUTHOR} has "write" permission on this repository; "maintain" or higher is needed\\.`));
    expect(body.replace(/> \[!NOTE\]\n> Checkbox changes[^\n]*\n\n/, '')).toBe(before);
    expect(s.status()).toMatchObject({ state: 'failure' });
  });

  it('cannot be forged by writing a record into the comment', async () => {
    const s = await blockedPr();
    const forged = (body: string) => `${tickAll(body)}\n<!-- mg:ack=${checklistItemKey(DEFAULT_CHECKLIST[0]!)}:maintainer -->`;
    await s.editSticky('writer', forged);
    expect(s.sticky()!.body).not.toContain('ticked by @maintainer');
    expect(s.status()).toMatchObject({ state: 'failure' });
  });
});

describe('the resolved gate explains itself', () => {
  it('says how each blocking finding was resolved', async () => {
    const s = (scenario = await Scenario.open({
      [`${MIGRATIONS}/002_changes.up.sql`]: `-- migration-guard:ignore ban-drop-column reason: phase 3 of the email rename (#12)\n${DROP_EMAIL}${ADD_PHONE}CREATE INDEX users_phone ON users (phone);\n`,
      [`${MIGRATIONS}/002_changes.down.sql`]: 'DROP INDEX users_phone;\nALTER TABLE users DROP COLUMN phone;\nALTER TABLE users ADD COLUMN email text;\n',
    }));
    await s.pullRequest();
    await s.editSticky('maintainer', (body) => body.replace(/- \[ \] (`db\/migrations\/002_changes.up.sql:\d+` \*\*require-concurrent-index-creation\*\*)/, '- [x] $1'));
    const body = s.sticky()!.body;
    expect(body).toMatch(/require-concurrent-index-creation\*\*.*\(acknowledged by @maintainer\)/);
    expect(body).toContain('- `db/migrations/002_changes.up.sql:2` **ban-drop-column**: ignored inline: phase 3 of the email rename \\(\\#12\\)');

    // A push that removes the index: its finding is listed as fixed.
    s.push({ [`${MIGRATIONS}/002_changes.up.sql`]: `-- migration-guard:ignore ban-drop-column reason: phase 3 of the email rename (#12)\n${DROP_EMAIL}${ADD_PHONE}` });
    await s.pullRequest();
    expect(s.sticky()!.body).toContain('- `db/migrations/002_changes.up.sql:5` **require-concurrent-index-creation**: fixed since the last run');
  });
});
