import { describe, expect, it } from 'vitest';
import {
  ackRecord,
  approvalRecord,
  changedCheckboxes,
  checklistItemKey,
  checklistKey,
  deriveGateState,
  type GateComment,
  type GateStateInput,
  migrationDigest,
  parseCommands,
  type Permission,
  recordedAcks,
  resolveGate,
} from '../../src/core/gate.js';
import type { Finding } from '../../src/core/finding.js';

describe('parseCommands', () => {
  it('finds a command at the start of a line with window and reason', () => {
    expect(parseCommands('Looks good.\n/approve-maintenance window=2026-12-06T02:00Z Saturday window, DBA on call')).toEqual([
      { kind: 'approve-maintenance', window: '2026-12-06T02:00Z', reason: 'Saturday window, DBA on call' },
    ]);
    expect(parseCommands('/revoke-maintenance\r\n')).toEqual([{ kind: 'revoke-maintenance', reason: '' }]);
  });

  it('ignores quoted commands, commands in code blocks and mid-line mentions', () => {
    const body = [
      '> /approve-maintenance from the previous comment',
      '```',
      '/approve-maintenance inside a fence',
      '```',
      '~~~~',
      '/approve-maintenance in a tilde fence',
      '~~~~',
      '    /approve-maintenance indented code',
      'please run /approve-maintenance later',
      '/approve-maintenancex not the command',
    ].join('\n');
    expect(parseCommands(body)).toEqual([]);
  });
});

describe('migrationDigest', () => {
  it('depends on paths and contents but not on order', () => {
    const a = { path: 'm/1.sql', text: 'SELECT 1;' };
    const b = { path: 'm/2.sql', text: 'SELECT 2;' };
    expect(migrationDigest([a, b])).toBe(migrationDigest([b, a]));
    expect(migrationDigest([a, b])).not.toBe(migrationDigest([a, { ...b, text: 'SELECT 3;' }]));
    expect(migrationDigest([a])).not.toBe(migrationDigest([a, { ...b, deleted: true }]));
  });
});

const BOT = 'github-actions[bot]';
const DIGEST = 'a'.repeat(64);
const OLD_DIGEST = 'b'.repeat(64);
let nextId = 100;
function comment(author: string, body: string, overrides: Partial<GateComment> = {}): GateComment {
  const at = new Date(Date.UTC(2026, 10, 25, 10, 0, nextId)).toISOString();
  return { id: nextId++, author, authorType: author.endsWith('[bot]') ? 'Bot' : 'User', body, createdAt: at, updatedAt: at, ...overrides };
}
const permissions: Record<string, Permission> = { maria: 'maintain', dev: 'write', admin: 'admin', outsider: 'read' };
function input(comments: GateComment[], overrides: Partial<GateStateInput> = {}): GateStateInput {
  return {
    comments,
    botLogin: BOT,
    permissionOf: (login) => permissions[login] ?? 'none',
    required: 'maintain',
    allowedUsers: [],
    prAuthor: 'dev',
    allowAuthor: true,
    digest: DIGEST,
    ...overrides,
  };
}

describe('deriveGateState', () => {
  it('accepts an answered approval from an authorised user for the current digest', () => {
    const command = comment('maria', '/approve-maintenance Sunday 02:00 UTC');
    const reply = comment(BOT, `Approved.\n${approvalRecord(command.id, DIGEST)}`);
    const state = deriveGateState(input([command, reply]));
    expect(state.approval).toMatchObject({ by: 'maria', reason: 'Sunday 02:00 UTC', digest: DIGEST, commentId: command.id });
    expect(state.refused).toEqual([]);
  });

  it('marks an unanswered valid command as pending (the run records it)', () => {
    const command = comment('admin', '/approve-maintenance');
    expect(deriveGateState(input([command])).pending).toEqual([{ commentId: command.id, author: 'admin', command: { kind: 'approve-maintenance', reason: '' } }]);
  });

  it('voids an approval recorded for other migration contents', () => {
    const command = comment('maria', '/approve-maintenance ok');
    const state = deriveGateState(input([command, comment(BOT, approvalRecord(command.id, OLD_DIGEST))]));
    expect(state.approval).toBeUndefined();
    expect(state.voided.map((a) => a.by)).toEqual(['maria']);
  });

  it('refuses users below the required permission, bots, edited comments and (when configured) the author', () => {
    const comments = [
      comment('dev', '/approve-maintenance'),
      comment('renovate[bot]', '/approve-maintenance'),
      comment('maria', '/approve-maintenance', { updatedAt: '2026-11-26T00:00:00.000Z' }),
      comment('admin', '/approve-maintenance mine'),
    ];
    const state = deriveGateState(input(comments, { prAuthor: 'admin', allowAuthor: false }));
    expect(state.refused.map((r) => [r.author, r.reason])).toEqual([
      ['dev', '@dev has "write" permission on this repository; "maintain" or higher is needed'],
      ['renovate[bot]', 'commands from bots are ignored'],
      ['maria', expect.stringMatching(/edited comments are not accepted/)],
      ['admin', expect.stringMatching(/may not approve their own/)],
    ]);
    expect(state.approval).toBeUndefined();
    expect(state.pending).toEqual([]);
  });

  it('never trusts approval records in comments not written by the bot', () => {
    const command = comment('maria', '/approve-maintenance');
    const forged = comment('outsider', approvalRecord(command.id, DIGEST));
    const state = deriveGateState(input([command, forged]));
    expect(state.approval).toBeUndefined();
    expect(state.pending.map((p) => p.commentId)).toEqual([command.id]);
  });

  it('a later revoke removes the approval; an allowed user without permission may approve', () => {
    const command = comment('outsider', '/approve-maintenance');
    const reply = comment(BOT, approvalRecord(command.id, DIGEST));
    expect(deriveGateState(input([command, reply], { allowedUsers: ['Outsider'] })).approval?.by).toBe('outsider');
    const revoke = comment('maria', '/revoke-maintenance');
    expect(deriveGateState(input([command, reply, revoke], { allowedUsers: ['outsider'] })).approval).toBeUndefined();
  });
});

describe('checklist ticks', () => {
  const line = (key: string, on: boolean) => `- [${on ? 'x' : ' '}] something <!-- mg:key=${key} -->`;

  it('reports which boxes an edit ticked and unticked', () => {
    const before = [line('k1', false), line('k2', true), line('k3', false)].join('\n');
    const after = [line('k1', true), line('k2', false), line('k3', false)].join('\n');
    expect(changedCheckboxes(before, after)).toEqual({ ticked: ['k1'], unticked: ['k2'] });
  });

  it('reads the acknowledgements the bot recorded', () => {
    expect(recordedAcks(`x ${ackRecord('k1', 'maria')} y ${ackRecord('k2', 'renovate[bot]')}`)).toEqual(
      new Map([
        ['k1', 'maria'],
        ['k2', 'renovate[bot]'],
      ]),
    );
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
