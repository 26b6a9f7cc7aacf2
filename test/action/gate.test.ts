/**
 * The gate's decisions through the port, on the in-memory fake: what counts, who is looked
 * up (and how often), and that it fails closed under a crowd. The wire format is the e2e
 * tests' job (approvals.e2e.test.ts, gate-attacks.e2e.test.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { Authoriser, evaluateGate, MAX_PERMISSION_LOOKUPS, TooManyLookupsError } from '../../src/action/gate.js';
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
    await expect(gate()).rejects.toBeInstanceOf(TooManyLookupsError);
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
