/**
 * The gate's decisions through the port, on the in-memory fake: what counts, who is looked
 * up (and how often), and that it fails closed under a crowd. The wire format is the e2e
 * tests' job (approvals.e2e.test.ts, gate-attacks.e2e.test.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { Authoriser, commandEntries, evaluateGate, MAX_PERMISSION_LOOKUPS, TooManyLookupsError } from '../../src/action/gate-commands.js';
import { findSticky, upsertSticky } from '../../src/action/sticky.js';
import { COMMENT_MARKER } from '../../src/core/comment-format.js';
import { type Config, defaultConfig } from '../../src/core/config.js';
import type { Finding } from '../../src/core/finding.js';
import { checklistItemKey, checklistKey, shortDigest } from '../../src/core/gate.js';
import { FakeGitHub } from './fake-github.js';

const BOT = 'github-actions[bot]';
const DIGEST = '3f9a2c1b4d5e6f70'.padEnd(64, '1');
const drop = { ruleId: 'ban-drop-column', file: 'db/1.sql', statement: 'ALTER TABLE users DROP COLUMN email', message: 'drops a column' } as unknown as Finding;

let github: FakeGitHub;
let config: Config;
beforeEach(() => {
  github = new FakeGitHub();
  github.permissions = { maria: 'maintain', admin: 'admin', dev: 'write', author: 'admin' };
  config = defaultConfig();
});

const gate = () => evaluateGate(new Authoriser(github, config, BOT, 'author'), config, BOT, { comments: github.comments_, blocking: [drop], digest: DIGEST });
const everyKey = () => [checklistKey(drop), ...config.checklist.map(checklistItemKey)].join(' ');

describe('evaluateGate', () => {
  it('passes on an approval of the current digest, and says so', async () => {
    github.add('maria', `/approve-maintenance ${shortDigest(DIGEST)} Sunday window`);
    const outcome = await gate();
    expect(outcome.verdict.verdict).toBe('pass');
    expect(outcome.notes).toEqual([`Maintenance window approved by @maria for migration digest \`${shortDigest(DIGEST)}\`: Sunday window.`]);
  });

  it('passes when every finding and checklist item is acknowledged by an authorised reviewer', async () => {
    github.add('admin', `/acknowledge ${everyKey()} deliberate`);
    expect((await gate()).verdict.verdict).toBe('pass');
  });

  it('counts nothing from the bot, from edited comments, from the PR author or from users below the permission', async () => {
    github.add(BOT, `/approve-maintenance ${shortDigest(DIGEST)}\n\n/acknowledge ${everyKey()}`);
    github.add('maria', `/approve-maintenance ${shortDigest(DIGEST)}`, { edited: true });
    github.add('author', `/acknowledge ${everyKey()}`);
    github.add('dev', `/approve-maintenance ${shortDigest(DIGEST)}`);
    const outcome = await gate();
    expect(outcome.verdict.verdict).toBe('blocked');
    expect(github.calls.filter((c) => c.startsWith('permission'))).toEqual(['permission dev']);
  });

  it('looks a user up once, and a team only when the permission is not enough', async () => {
    config = { ...config, approvals: { ...config.approvals, teams: ['dba'] } };
    github.teams['octo-org/dba'] = ['dana'];
    github.add('maria', `/acknowledge ${checklistKey(drop)}`);
    github.add('maria', `/acknowledge ${checklistItemKey(config.checklist[0]!)}`);
    github.add('dana', `/approve-maintenance ${shortDigest(DIGEST)}`);
    expect((await gate()).state.approval?.by).toBe('dana');
    expect(github.calls.filter((c) => !c.startsWith('comments'))).toEqual(['permission dana', 'inTeam octo-org/dba dana', 'permission maria']);
  });

  it(`fails closed past ${MAX_PERMISSION_LOOKUPS} users whose commands would each change the answer`, async () => {
    github.add('maria', `/approve-maintenance ${shortDigest(DIGEST)}`);
    for (let i = 0; i <= MAX_PERMISSION_LOOKUPS; i++) github.add(`sock${i}`, '/revoke-maintenance');
    const error = await gate().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TooManyLookupsError);
    expect(error).toMatchObject({ name: 'TooManyLookupsError', message: expect.stringContaining(`more than ${MAX_PERMISSION_LOOKUPS} different users posted gate commands`) });
  });

  it('lets the PR author approve with approvals.allow-author', async () => {
    github.add('author', `/approve-maintenance ${shortDigest(DIGEST)}`);
    expect((await gate()).verdict.verdict).toBe('blocked');
    config = { ...config, approvals: { ...config.approvals, 'allow-author': true } };
    expect((await gate()).state.approval?.by).toBe('author');
  });
});

describe('the gate in detail', () => {
  it('shows the window and the reason of the approval in force, escaped', async () => {
    github.add('maria', `/approve-maintenance ${shortDigest(DIGEST)} window=sunday_02:00 Sunday #1 @ops`);
    expect((await gate()).notes).toEqual([`Maintenance window approved by @maria for migration digest \`${shortDigest(DIGEST)}\` (window sunday\\_02:00): Sunday \\#1 @\u200bops.`]);
    github = new FakeGitHub();
    github.permissions = { maria: 'maintain' };
    github.add('maria', `/approve-maintenance ${shortDigest(DIGEST)}`);
    expect((await gate()).notes).toEqual([`Maintenance window approved by @maria for migration digest \`${shortDigest(DIGEST)}\`.`]);
  });

  it('says when the newest authorised approval names other migration files', async () => {
    const other = 'c'.repeat(16);
    github.add('maria', `/approve-maintenance ${other} ok`);
    const outcome = await gate();
    expect(outcome.verdict.verdict).toBe('blocked');
    expect(outcome.notes).toEqual([`The maintenance approval by @maria for digest \`${other}\` does not apply: the migration files' digest is \`${shortDigest(DIGEST)}\` now. Approve again after reviewing them.`]);
  });

  it('weighs against the live keys of the findings, and of the checklist only while something blocks', async () => {
    const outcome = await gate();
    expect([...outcome.context.liveKeys]).toEqual([checklistKey(drop), ...config.checklist.map(checklistItemKey)]);
    expect(outcome.context.digest).toBe(DIGEST);
    const nothing = await evaluateGate(new Authoriser(github, config, BOT, 'author'), config, BOT, { comments: [], blocking: [], digest: DIGEST });
    expect([...nothing.context.liveKeys]).toEqual([]);
    expect(nothing.verdict.verdict).toBe('pass');
  });

  it('asks a team named org/slug in that organisation, and a bare slug in the repository owner', async () => {
    config = { ...config, approvals: { ...config.approvals, teams: ['platform', 'other-org/dba'] } };
    github.teams['other-org/dba'] = ['dana'];
    github.add('dana', `/approve-maintenance ${shortDigest(DIGEST)}`);
    expect((await gate()).state.approval?.by).toBe('dana');
    expect(github.calls.filter((c) => c.startsWith('inTeam'))).toEqual(['inTeam octo-org/platform dana', 'inTeam other-org/dba dana']);
  });

  it('counts each user once against the lookup limit, whatever the case of the login', async () => {
    const authoriser = new Authoriser(github, config, BOT, 'author');
    const policy = authoriser.policy();
    expect(await policy.permissionOf('maria')).toBe('maintain');
    // the fake knows only 'maria': 'Maria' is answered from the first lookup
    expect(await policy.permissionOf('Maria')).toBe('maintain');
    expect(authoriser.lookups).toBe(1);
    for (let i = 1; i < MAX_PERMISSION_LOOKUPS; i++) await policy.permissionOf(`user${i}`);
    expect(authoriser.lookups).toBe(MAX_PERMISSION_LOOKUPS);
    expect(() => policy.permissionOf('one-more')).toThrow(TooManyLookupsError);
    expect(await policy.permissionOf('MARIA')).toBe('maintain');
  });
});

describe('commandEntries', () => {
  it('reads every comment but those of the bot, oldest first (by id on the same second), marking edited ones, whatever order they come in', async () => {
    const at = '2026-12-06T10:00:00Z';
    const comment = (id: number, login: string, body: string, createdAt = at, updatedAt = createdAt) => ({ id, login, body, userType: 'User', createdAt, updatedAt });
    const comments = [
      comment(2, 'c', '/revoke-maintenance latest, lowest id', '2026-12-06T10:00:02Z'),
      comment(9, 'b', '/revoke-maintenance later', '2026-12-06T10:00:01Z'),
      comment(8, 'GitHub-Actions[bot]', '/revoke-maintenance mine'),
      comment(7, 'a', '/revoke-maintenance second'),
      comment(3, 'a', '/revoke-maintenance first\n\n/acknowledge 0123456789abcdef', at, '2026-12-06T11:00:00Z'),
    ];
    const expected = [
      [3, 'a', true, 'revoke-maintenance'],
      [3, 'a', true, 'acknowledge'],
      [7, 'a', false, 'revoke-maintenance'],
      [9, 'b', false, 'revoke-maintenance'],
      [2, 'c', false, 'revoke-maintenance'],
    ];
    const orders = (items: typeof comments): (typeof comments)[] => (items.length <= 1 ? [items] : items.flatMap((item, i) => orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest])));
    for (const order of orders(comments)) {
      const entries = await commandEntries(order, BOT);
      expect(entries.map((e) => [e.commentId, e.author, e.edited, e.command.kind])).toEqual(expected);
    }
    expect((await commandEntries(comments, BOT))[0]).toMatchObject({ authorType: 'User', command: { kind: 'revoke-maintenance', reason: 'first' } });
  });
});

describe('the sticky comment', () => {
  it('is only the bot comment that starts with the marker, and a race leaves exactly one', async () => {
    github.add(BOT, `note\n${COMMENT_MARKER}`);
    github.add('dev', `${COMMENT_MARKER}\nforged`);
    expect(findSticky(github.comments_, BOT, COMMENT_MARKER)).toBeUndefined();
    const other = github.add(BOT, `${COMMENT_MARKER}\nanother run's`);
    await upsertSticky(github, 7, undefined, `${COMMENT_MARKER}\nmine`, BOT, COMMENT_MARKER);
    const stickies = github.comments_.filter((c) => c.login === BOT && c.body.startsWith(COMMENT_MARKER));
    expect(stickies).toEqual([expect.objectContaining({ id: other.id, body: `${COMMENT_MARKER}\nmine` })]);
  });
});
