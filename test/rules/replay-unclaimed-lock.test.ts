/**
 * replay-unclaimed-lock on built observations: which observed rewrites and ACCESS EXCLUSIVE
 * locks it reports, and which it leaves to the lock model or to another rule's claim.
 */
import { describe, expect, it } from 'vitest';
import type { ReplayObservation } from '../../src/core/finding.js';
import type { LockMode } from '../../src/core/locks.js';
import { defineRule, type ChangeSet, type ExampleFile } from '../../src/core/rule.js';
import { findRule } from '../../src/rules/index.js';
import { findingsWithObservations, statementOf } from './replay-observations.js';

const rule = findRule('replay-unclaimed-lock')!;
const INIT: ExampleFile = { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);', change: 'unchanged' };
const NEW = 'migrations/002_change.up.sql';

/** A rule (a test fixture) that claims `lock` for every statement, as a static rule's finding does. */
function claiming(lock: LockMode | null) {
  return defineRule({
    id: 'claims-a-lock',
    severity: 'warning',
    category: 'locking',
    summary: 'claims a lock on every statement',
    lock,
    rewrites: false,
    messages: { claim: 'claimed' },
    why: 'a fixture',
    references: [],
    examples: { valid: [], invalid: [] },
    statement({ report }) {
      report({ messageId: 'claim', tables: ['users'], lock });
    },
  });
}

/** The findings of replay-unclaimed-lock (and `others`) when replay observed `observation` for statement `index` of the new migration. */
async function findingsOn(sql: string, index: number, observation: Partial<ReplayObservation>, others = [] as ReturnType<typeof claiming>[]) {
  const observe = (changeSet: ChangeSet) => ({
    statements: new Map([[statementOf(changeSet, NEW, index), { locks: [], rewrites: [], locksObserved: true, ...observation }]]),
  });
  const findings = await findingsWithObservations([rule, ...others], [INIT, { path: NEW, text: sql }], observe);
  return findings.filter((f) => f.ruleId === rule.id);
}

const DO_BLOCK = "DO $$ BEGIN EXECUTE 'ALTER TABLE users ADD COLUMN note text'; END $$;";

describe('rewrites', () => {
  it('reports every rewritten relation of a statement the lock model does not know (a DO block), with rewrite set', async () => {
    const findings = await findingsOn(DO_BLOCK, 0, { rewrites: ['users', 'users_pkey'] });
    expect(findings.map((f) => [f.messageId, f.message, f.tables, f.rewrite])).toEqual([
      ['rewrite', 'Replay on Postgres rewrote users, users_pkey while running this statement, and no rule claimed a rewrite: every row is copied while users, users_pkey stay locked.', ['users', 'users_pkey'], true],
    ]);
  });

  it('reports the existing table of a statement on a new and an existing table', async () => {
    const findings = await findingsOn('CREATE TABLE drafts (id bigint);\nTRUNCATE drafts, users;', 1, { rewrites: ['drafts', 'users'] });
    expect(findings.map((f) => f.tables)).toEqual([['users']]);
  });

  it('leaves out the tables created earlier in the change', async () => {
    expect(await findingsOn(`CREATE TABLE drafts (id bigint);\n${DO_BLOCK.replace('users ADD COLUMN note text', 'drafts SET UNLOGGED')}`, 1, { rewrites: ['drafts'] })).toEqual([]);
  });

  it('reports nothing for a statement on tables created earlier in the change, whatever replay saw', async () => {
    const sql = 'CREATE TABLE drafts (id int PRIMARY KEY);\nALTER TABLE drafts ALTER COLUMN id TYPE bigint;';
    expect(await findingsOn(sql, 1, { rewrites: ['drafts', 'drafts_pkey'], locks: [{ relation: 'drafts_pkey', mode: 'ACCESS EXCLUSIVE' }] })).toEqual([]);
  });

  it('leaves a rewrite another rule claimed (ban-volatile-default) to that rule', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();';
    const findings = await findingsWithObservations([rule, findRule('ban-volatile-default')!], [INIT, { path: NEW, text: sql }], (changeSet) => ({
      statements: new Map([[statementOf(changeSet, NEW, 0), { locks: [{ relation: 'users', mode: 'ACCESS EXCLUSIVE' }], rewrites: ['users'], locksObserved: true }]]),
    }));
    expect(findings.map((f) => f.ruleId)).toEqual(['ban-volatile-default']);
  });
});

describe('ACCESS EXCLUSIVE locks', () => {
  const exclusive: Partial<ReplayObservation> = { locks: [{ relation: 'users', mode: 'ACCESS EXCLUSIVE' }, { relation: 'orders', mode: 'ACCESS EXCLUSIVE' }, { relation: 'audit_log', mode: 'ROW EXCLUSIVE' }] };

  it('reports the existing relations a statement locked ACCESS EXCLUSIVE when neither the lock model nor a rule claimed it', async () => {
    const findings = await findingsOn(DO_BLOCK, 0, exclusive);
    expect(findings.map((f) => [f.messageId, f.message, f.tables])).toEqual([
      ['accessExclusive', 'Replay on Postgres took an ACCESS EXCLUSIVE lock on users, orders for this statement, more than any rule claimed: reads and writes of users, orders wait until it commits.', ['users', 'orders']],
    ]);
  });

  it('reports a weaker claim (SHARE) or a claim of no lock', async () => {
    expect((await findingsOn(DO_BLOCK, 0, exclusive, [claiming('SHARE')])).map((f) => f.messageId)).toEqual(['accessExclusive']);
    expect((await findingsOn(DO_BLOCK, 0, exclusive, [claiming(null)])).map((f) => f.messageId)).toEqual(['accessExclusive']);
  });

  it('leaves an ACCESS EXCLUSIVE lock another rule claimed to that rule', async () => {
    expect(await findingsOn(DO_BLOCK, 0, exclusive, [claiming('ACCESS EXCLUSIVE')])).toEqual([]);
  });

  it('reports nothing when the observed locks are weaker, on new tables, or inside a transaction block', async () => {
    expect(await findingsOn(DO_BLOCK, 0, { locks: [{ relation: 'users', mode: 'SHARE ROW EXCLUSIVE' }] })).toEqual([]);
    expect(await findingsOn(`CREATE TABLE drafts (id bigint);\n${DO_BLOCK}`, 1, { locks: [{ relation: 'drafts', mode: 'ACCESS EXCLUSIVE' }] })).toEqual([]);
    expect(await findingsOn(DO_BLOCK, 0, { ...exclusive, transactionBlock: true })).toEqual([]);
  });
});
