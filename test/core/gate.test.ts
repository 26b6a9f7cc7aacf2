import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GateCommand, parseCommands } from '../../src/core/comment-format.js';
import {
  type ApprovalPolicy,
  checklistItemKey,
  checklistKey,
  type CommandEntry,
  commandRefusal,
  deriveGateState,
  type GateContext,
  migrationDigest,
  type Permission,
  resolveGate,
} from '../../src/core/gate.js';
import type { Finding } from '../../src/core/finding.js';

describe('migrationDigest', () => {
  it('depends on paths and contents but not on order', () => {
    const a = { path: 'm/1.sql', text: 'SELECT 1;' };
    const b = { path: 'm/2.sql', text: 'SELECT 2;' };
    expect(migrationDigest([a, b])).toBe(migrationDigest([b, a]));
    expect(migrationDigest([a, b])).not.toBe(migrationDigest([a, { ...b, text: 'SELECT 3;' }]));
    expect(migrationDigest([a])).not.toBe(migrationDigest([a, { ...b, deleted: true }]));
  });
});

const DIGEST = 'a'.repeat(64);
const OTHER_DIGEST = 'b'.repeat(64);
const PREFIX = DIGEST.slice(0, 16);
const KEY = '0123456789abcdef';
let nextId = 100;
/** One command as the gate weighs it (commands parsed once, before the tests). */
const parsed = new Map<string, GateCommand>();
beforeAll(async () => {
  const commands = [
    `/approve-maintenance ${PREFIX} Sunday 02:00 UTC`,
    `/approve-maintenance ${OTHER_DIGEST.slice(0, 16)} ok`,
    `/approve-maintenance ${OTHER_DIGEST.slice(0, 16)}`,
    `/approve-maintenance ${PREFIX}`,
    '/approve-maintenance',
    '/approve-maintenance aaaaaaaa',
    '/revoke-maintenance',
    '/acknowledge',
    `/acknowledge ${KEY}`,
    `/acknowledge ${'f'.repeat(16)}`,
  ];
  for (const command of commands) parsed.set(command, (await parseCommands(command))[0]!);
});
function entry(author: string, command: string, overrides: Partial<CommandEntry> = {}): CommandEntry {
  const one = parsed.get(command);
  if (!one) throw new Error(`not parsed before the tests: ${command}`);
  return { commentId: nextId++, author, authorType: author.endsWith('[bot]') ? 'Bot' : 'User', edited: false, command: one, ...overrides };
}
const permissions: Record<string, Permission> = { maria: 'maintain', dev: 'write', admin: 'admin', outsider: 'read' };

/** A context whose permission lookups are recorded, to assert how few a run makes. */
function context(overrides: Partial<ApprovalPolicy> = {}, liveKeys: string[] = [KEY]): GateContext & { lookedUp: string[] } {
  const lookedUp: string[] = [];
  return {
    digest: DIGEST,
    liveKeys: new Set(liveKeys),
    lookedUp,
    policy: {
      required: 'maintain',
      allowedUsers: [],
      prAuthor: 'author',
      allowAuthor: false,
      botLogin: 'github-actions[bot]',
      permissionOf: async (login) => {
        lookedUp.push(login);
        return permissions[login] ?? 'none';
      },
      inAllowedTeam: async () => false,
      ...overrides,
    },
  };
}
describe('deriveGateState', () => {
  it('counts the newest authorised approval that names the current digest', async () => {
    const state = await deriveGateState([entry('maria', `/approve-maintenance ${PREFIX} Sunday 02:00 UTC`)], context());
    expect(state.approval).toMatchObject({ by: 'maria', reason: 'Sunday 02:00 UTC', digest: DIGEST });
  });

  it('does not count an approval of another digest, and says whose approval it was', async () => {
    const state = await deriveGateState([entry('maria', `/approve-maintenance ${OTHER_DIGEST.slice(0, 16)} ok`)], context());
    expect(state.approval).toBeUndefined();
    expect(state.voided).toEqual({ by: 'maria', digest: OTHER_DIGEST.slice(0, 16) });
  });

  it('counts no edited command, no bot, no user below the permission, and not the PR author', async () => {
    const entries = [
      entry('maria', `/approve-maintenance ${PREFIX}`, { edited: true }),
      entry('renovate[bot]', `/approve-maintenance ${PREFIX}`),
      entry('dev', `/approve-maintenance ${PREFIX}`),
      entry('admin', `/acknowledge ${KEY}`),
    ];
    const state = await deriveGateState(entries, context());
    expect(state.approval).toBeUndefined();
    expect(state.acks).toEqual(new Map([[KEY, 'admin']]));
    const authorIsAdmin = await deriveGateState(entries, context({ prAuthor: 'admin' }));
    expect(authorIsAdmin.acks.size).toBe(0);
  });

  it('a later revoke withdraws the approval; a later approval wins over an earlier revoke', async () => {
    const approve = entry('maria', `/approve-maintenance ${PREFIX}`);
    const revoke = entry('admin', '/revoke-maintenance');
    expect((await deriveGateState([approve, revoke], context())).approval).toBeUndefined();
    expect((await deriveGateState([revoke, approve], context())).approval?.by).toBe('maria');
    expect((await deriveGateState([approve, entry('dev', '/revoke-maintenance')], context())).approval?.by).toBe('maria');
  });

  it('looks up only the authors whose commands would change the answer', async () => {
    const crowd = Array.from({ length: 30 }, (_, i) => entry(`user${i}`, `/approve-maintenance ${OTHER_DIGEST.slice(0, 16)}`));
    const ctx = context();
    await deriveGateState([...crowd, entry('maria', `/approve-maintenance ${PREFIX}`)], ctx);
    // the newest command decides: the crowd before it costs nothing
    expect(ctx.lookedUp).toEqual(['maria']);
    const after = context();
    await deriveGateState([entry('maria', `/approve-maintenance ${PREFIX}`), ...crowd], after);
    // approvals of another digest need no lookup, but the newest one (for the note)
    expect(after.lookedUp).toEqual(['user29', 'maria']);
  });

  it('lets approvals.users approve whatever their permission', async () => {
    expect((await deriveGateState([entry('Outsider', `/approve-maintenance ${PREFIX}`)], context({ allowedUsers: ['outsider'] }))).approval?.by).toBe('Outsider');
  });
});

describe('commandRefusal', () => {
  it('says why a command does not count, naming the current digest', async () => {
    expect(await commandRefusal(entry('maria', '/approve-maintenance'), context())).toContain(`\`/approve-maintenance ${PREFIX} <reason>\``);
    expect(await commandRefusal(entry('maria', '/approve-maintenance aaaaaaaa'), context())).toContain('too short');
    expect(await commandRefusal(entry('maria', `/approve-maintenance ${OTHER_DIGEST.slice(0, 16)}`), context())).toContain(`the migration files' digest now is \`${PREFIX}\``);
    expect(await commandRefusal(entry('maria', '/acknowledge'), context())).toContain('must name the keys');
    expect(await commandRefusal(entry('maria', `/acknowledge ${'f'.repeat(16)}`), context())).toContain('is a blocking finding or checklist item');
    expect(await commandRefusal(entry('dev', `/acknowledge ${KEY}`), context())).toBe('@dev has "write" permission on this repository; "maintain" or higher is needed');
    expect(await commandRefusal(entry('maria', `/acknowledge ${KEY}`), context())).toBeUndefined();
  });
});

describe('resolveGate', () => {
  const finding = (statement: string): Finding =>
    ({ ruleId: 'ban-drop-column', file: 'm.sql', statement, message: statement }) as unknown as Finding;
  const drop = finding('ALTER TABLE users DROP COLUMN email');
  const rename = finding('ALTER TABLE users RENAME COLUMN a TO b');
  const checklist = ['Backup taken', 'Team notified'];
  const allChecklist = new Map(checklist.map((t) => [checklistItemKey(t), 'maria']));

  it('passes with nothing blocking and asks for no checklist', () => {
    expect(resolveGate([], new Map(), undefined, checklist)).toMatchObject({ verdict: 'pass', checklist: [] });
  });

  it('needs every blocking finding resolved and every checklist item ticked', () => {
    const acks = new Map([[checklistKey(drop), 'maria'], ...allChecklist]);
    const partly = resolveGate([drop, rename], acks, undefined, checklist);
    expect(partly.verdict).toBe('blocked');
    expect(partly.unresolved).toEqual([rename]);
    const approval = { by: 'admin', reason: '', digest: DIGEST, commentId: 1 };
    const done = resolveGate([drop, rename], acks, approval, checklist);
    expect(done.verdict).toBe('pass');
    expect(done.resolutions.get(drop)).toEqual({ kind: 'acknowledged', by: 'maria' });
    expect(done.resolutions.get(rename)).toEqual({ kind: 'approved', by: 'admin', digest: DIGEST });
    expect(resolveGate([drop], new Map([[checklistKey(drop), 'maria']]), undefined, checklist).verdict).toBe('blocked');
  });

  it('lets a maintenance approval answer for the unticked checklist, and says so per item', () => {
    const approval = { by: 'admin', reason: '', digest: DIGEST, commentId: 1 };
    const ticked = new Map([[checklistItemKey('Backup taken'), 'maria']]);
    const gate = resolveGate([drop], ticked, approval, checklist);
    expect(gate.verdict).toBe('pass');
    expect(gate.checklist).toEqual([
      { text: 'Backup taken', key: checklistItemKey('Backup taken'), by: 'maria' },
      { text: 'Team notified', key: checklistItemKey('Team notified'), approvedBy: 'admin' },
    ]);
    expect(resolveGate([drop], ticked, undefined, checklist).verdict).toBe('blocked');
  });

  it('keys a finding by rule, file and statement with white space folded', () => {
    expect(checklistKey(finding('ALTER TABLE users\n   DROP COLUMN email'))).toBe(checklistKey(drop));
    expect(checklistKey(finding('ALTER TABLE users DROP COLUMN phone'))).not.toBe(checklistKey(drop));
  });
});

describe('who may approve (authorise, through deriveGateState and commandRefusal)', () => {
  const approve = `/approve-maintenance ${PREFIX}`;
  it('ignores bots by account type, by the [bot] suffix and by the bot login in any case', async () => {
    for (const bot of [entry('admin', approve, { authorType: 'Bot' }), entry('helper[bot]', approve, { authorType: 'User' }), entry('GitHub-Actions[bot]', approve, { authorType: 'User' })]) {
      expect(await commandRefusal(bot, context())).toBe('commands from bots are ignored');
    }
    const botLogin = entry('admin', approve);
    expect(await commandRefusal(botLogin, context({ botLogin: 'ADMIN' }))).toBe('commands from bots are ignored');
  });

  it('lets the PR author approve only with approvals.allow-author', async () => {
    const own = entry('admin', approve);
    expect(await commandRefusal(own, context({ prAuthor: 'Admin' }))).toContain('may not approve or acknowledge their own pull request');
    expect(await commandRefusal(own, context({ prAuthor: 'Admin', allowAuthor: true }))).toBeUndefined();
  });

  it('lets a member of an allowed team approve below the permission, and asks the team only then', async () => {
    const asked: string[] = [];
    const teams = context({ inAllowedTeam: async (login) => (asked.push(login), login === 'dev') });
    expect(await commandRefusal(entry('dev', approve), teams)).toBeUndefined();
    expect(await commandRefusal(entry('maria', approve), teams)).toBeUndefined();
    expect(await commandRefusal(entry('outsider', approve), teams)).toBe('@outsider has "read" permission on this repository; "maintain" or higher is needed');
    expect(asked).toEqual(['dev', 'outsider']);
  });

  it('needs exactly the required permission or more', async () => {
    expect(await commandRefusal(entry('dev', approve), context({ required: 'write' }))).toBeUndefined();
    expect(await commandRefusal(entry('dev', approve), context({ required: 'admin' }))).toContain('"admin" or higher is needed');
  });
});

describe('commandRefusal, each reason on its own', () => {
  it('refuses an edited comment before anything else', async () => {
    expect(await commandRefusal(entry('maria', `/approve-maintenance ${PREFIX}`, { edited: true }), context())).toBe('edited comments are not accepted; post the command in a new comment');
  });

  it('tells a full-length wrong digest from a too-short one', async () => {
    const wrong = await commandRefusal(entry('maria', `/approve-maintenance ${OTHER_DIGEST.slice(0, 16)}`), context());
    expect(wrong).toBe(`it approves digest \`${OTHER_DIGEST.slice(0, 16)}\`, but the migration files' digest now is \`${PREFIX}\`: review the changes since, then approve \`${PREFIX}\``);
    const short = await commandRefusal(entry('maria', '/approve-maintenance aaaaaaaa'), context());
    expect(short).toBe(`the digest \`aaaaaaaa\` is too short: give its first 16 characters; the migration files' digest now is \`${PREFIX}\``);
  });

  it('accepts an acknowledgement when at least one of its keys is live, and names the dead ones otherwise', async () => {
    const both = { kind: 'acknowledge' as const, keys: ['f'.repeat(16), KEY], reason: '' };
    expect(await commandRefusal(entry('maria', `/acknowledge ${KEY}`, { command: both }), context())).toBeUndefined();
    const dead = { kind: 'acknowledge' as const, keys: ['f'.repeat(16), 'e'.repeat(16)], reason: '' };
    expect(await commandRefusal(entry('maria', `/acknowledge ${KEY}`, { command: dead }), context())).toBe(
      `none of \`${'f'.repeat(16)}\`, \`${'e'.repeat(16)}\` is a blocking finding or checklist item of the pull request now`,
    );
  });
});

describe('deriveGateState, in detail', () => {
  it('keeps the window and the comment of the approval in force', async () => {
    const command = { kind: 'approve-maintenance' as const, digest: PREFIX, reason: 'quiet hours', window: '2026-12-06T02:00Z' };
    const approval = entry('maria', `/approve-maintenance ${PREFIX}`, { command });
    expect((await deriveGateState([approval], context())).approval).toEqual({ by: 'maria', reason: 'quiet hours', window: '2026-12-06T02:00Z', digest: DIGEST, commentId: approval.commentId });
    expect((await deriveGateState([entry('maria', `/approve-maintenance ${PREFIX}`)], context())).approval).not.toHaveProperty('window');
  });

  it('reports as voided only an authorised approval that names a full digest', async () => {
    expect((await deriveGateState([entry('maria', '/approve-maintenance aaaaaaaa')], context())).voided).toBeUndefined();
    expect((await deriveGateState([entry('dev', `/approve-maintenance ${OTHER_DIGEST.slice(0, 16)}`)], context())).voided).toBeUndefined();
    const older = entry('maria', `/approve-maintenance ${OTHER_DIGEST.slice(0, 16)}`);
    const newer = entry('dev', `/approve-maintenance ${OTHER_DIGEST.slice(0, 16)}`);
    // only the newest is looked at: an unauthorised newest one leaves no note
    expect((await deriveGateState([older, newer], context())).voided).toBeUndefined();
  });

  it('ignores an edited approval even when it is the newest', async () => {
    const state = await deriveGateState([entry('maria', `/approve-maintenance ${PREFIX}`), entry('admin', '/revoke-maintenance', { edited: true })], context());
    expect(state.approval?.by).toBe('maria');
  });

  it('credits each live key to the newest authorised acknowledgement of it, and no dead key', async () => {
    const other = '1'.repeat(16);
    const first = { kind: 'acknowledge' as const, keys: [KEY, other, 'f'.repeat(16)], reason: '' };
    const second = { kind: 'acknowledge' as const, keys: [KEY], reason: '' };
    const entries = [entry('maria', `/acknowledge ${KEY}`, { command: first }), entry('admin', `/acknowledge ${KEY}`, { command: second }), entry('dev', `/acknowledge ${KEY}`, { command: second })];
    const state = await deriveGateState(entries, context({}, [KEY, other]));
    expect(state.acks).toEqual(new Map([[KEY, 'admin'], [other, 'maria']]));
  });
});

describe('digests and keys', () => {
  it('tells a deleted file from an emptied one, and a path from its contents', () => {
    expect(migrationDigest([{ path: 'm/1.sql', text: '', deleted: true }])).not.toBe(migrationDigest([{ path: 'm/1.sql', text: '' }]));
    expect(migrationDigest([{ path: 'm/1.sql', text: 'x' }])).not.toBe(migrationDigest([{ path: 'm/1.sqlx', text: '' }]));
    expect(migrationDigest([])).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives a finding 16 hex digits and a checklist item check- and 10, folding case and outer space', () => {
    const finding = { ruleId: 'ban-drop-column', file: 'm.sql', statement: 'DROP TABLE t' } as unknown as Finding;
    expect(checklistKey(finding)).toMatch(/^[0-9a-f]{16}$/);
    expect(checklistItemKey('Backup taken')).toMatch(/^check-[0-9a-f]{10}$/);
    expect(checklistItemKey('  BACKUP taken \n')).toBe(checklistItemKey('Backup taken'));
    expect(checklistItemKey('Backup not taken')).not.toBe(checklistItemKey('Backup taken'));
    // NOTE: people post these keys in comments: a new version must compute the same ones.
    expect(checklistItemKey('Backup taken')).toBe(`check-${createHash('sha256').update('backup taken').digest('hex').slice(0, 10)}`);
  });
});

describe('deriveGateState, what it looks up and skips', () => {
  it('keeps an approval when a newer authorised acknowledgement follows it', async () => {
    const state = await deriveGateState([entry('maria', `/approve-maintenance ${PREFIX}`), entry('admin', `/acknowledge ${KEY}`)], context());
    expect(state.approval?.by).toBe('maria');
    expect(state.acks).toEqual(new Map([[KEY, 'admin']]));
  });

  it('looks up no author of an acknowledgement that names no live key, or once every key is taken', async () => {
    const ctx = context();
    await deriveGateState([entry('outsider', `/acknowledge ${KEY}`), entry('admin', `/acknowledge ${KEY}`), entry('dev', `/acknowledge ${'f'.repeat(16)}`)], ctx);
    expect(ctx.lookedUp).toEqual(['admin']);
  });
});

describe('resolveGate, the checklist items', () => {
  it('lists an unticked item without an approval by text and key only', () => {
    const blocking = [{ ruleId: 'ban-drop-column', file: 'm.sql', statement: 'DROP TABLE t' } as unknown as Finding];
    expect(resolveGate(blocking, new Map(), undefined, ['Backup taken']).checklist).toEqual([{ text: 'Backup taken', key: checklistItemKey('Backup taken') }]);
  });
});
