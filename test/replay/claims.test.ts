/**
 * A finding never claims more than Postgres did (docs/scope.md, "Replay is never
 * contradicted"), and what replay saw that no rule claimed is a finding of its own
 * (replay-unclaimed-lock). The whole engine with replay on PGlite, as the CLI runs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config.js';
import type { InputFile } from '../../src/core/migration.js';
import type { Report } from '../../src/core/report.js';
import { checkMigrations } from '../../src/engine.js';
import type { ReplayDatabase } from '../../src/replay/interface.js';
import { openPglite } from '../../src/replay/pglite.js';
import { replayStage } from '../../src/replay/replay.js';
import { allRules } from '../../src/rules/index.js';

let db: ReplayDatabase;
beforeAll(async () => {
  db = await openPglite();
});
afterAll(async () => {
  await db?.close();
});

const INIT: InputFile = { path: 'migrations/001_init.sql', text: 'CREATE TABLE events (id bigint PRIMARY KEY, at timestamp, n int);', change: 'unchanged' };

async function replayed(sql: string, postgresVersion: number, rules: Record<string, 'off'> = {}): Promise<Report> {
  const config = validateConfig({ 'postgres-version': postgresVersion, rules }, allRules);
  return checkMigrations([INIT, { path: 'migrations/002_change.sql', text: sql, change: 'added' }], config, { replay: replayStage(config, { database: db }) });
}

// NOTE: a zero offset the static rule does not recognise (it knows the named UTC zones), so
// the rule claims a rewrite and replay, which knows better, refutes it.
const TO_TIMESTAMPTZ = "SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE;\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;";

describe('claims checked against replay', () => {
  it('lowers a rewrite claim that replay refutes when the target is at least the replay server', async () => {
    const report = await replayed(TO_TIMESTAMPTZ, db.serverVersion);
    const [finding] = report.findings.filter((f) => f.ruleId === 'ban-alter-column-type');
    expect(finding).toMatchObject({ severity: 'warning', rewrite: false });
    expect(finding!.message).toContain(`Replay on PostgreSQL ${db.serverVersion} observed no table rewrite, so this is a warning, not an error.`);
    expect(finding!.replay!.rewrites).toEqual([]);
    expect(report.blocking.filter((f) => f.ruleId === 'ban-alter-column-type')).toEqual([]);
    expect(report.verdict).toBe('pass');
  });

  it('keeps the claim for an older target, and says what the newer server observed', async () => {
    const report = await replayed(TO_TIMESTAMPTZ, 11);
    const [finding] = report.findings.filter((f) => f.ruleId === 'ban-alter-column-type');
    expect(finding).toMatchObject({ severity: 'error', rewrite: true });
    expect(finding!.message).toContain(`Replay on PostgreSQL ${db.serverVersion} observed no table rewrite; the target is PostgreSQL 11, where it may differ`);
    expect(report.verdict).toBe('blocked');
  });

  it('leaves a claim that replay confirms as it is', async () => {
    const report = await replayed('ALTER TABLE events ALTER COLUMN n TYPE bigint;', db.serverVersion);
    const [finding] = report.findings.filter((f) => f.ruleId === 'ban-alter-column-type');
    expect(finding).toMatchObject({ severity: 'error', rewrite: true });
    expect(finding!.message).not.toContain('Replay on');
    expect(finding!.replay!.rewrites).toContain('events');
  });
});

describe('replay-unclaimed-lock', () => {
  // NOTE: ban-set-logged-or-unlogged claims this rewrite; turned off, nothing does.
  const UNCLAIMED = { 'ban-set-logged-or-unlogged': 'off' } as const;

  it('reports a rewrite that no rule and not the lock model claimed, naming the statement and the tables', async () => {
    const report = await replayed('ALTER TABLE events SET UNLOGGED;', db.serverVersion, UNCLAIMED);
    const found = report.findings.filter((f) => f.ruleId === 'replay-unclaimed-lock');
    expect(found.map((f) => [f.messageId, f.span.start.line, f.statement])).toEqual([['rewrite', 1, 'ALTER TABLE events SET UNLOGGED']]);
    expect(found[0]!.message).toContain('rewrote events, events_pkey');
  });

  it('is quiet when a rule claimed the rewrite', async () => {
    const report = await replayed('ALTER TABLE events ALTER COLUMN n TYPE bigint;', db.serverVersion);
    expect(report.findings.filter((f) => f.ruleId === 'ban-alter-column-type')).toHaveLength(1);
    expect(report.findings.filter((f) => f.ruleId === 'replay-unclaimed-lock')).toEqual([]);
    const unlogged = await replayed('ALTER TABLE events SET UNLOGGED;', db.serverVersion);
    expect(unlogged.findings.filter((f) => f.ruleId === 'ban-set-logged-or-unlogged')).toHaveLength(1);
    expect(unlogged.findings.filter((f) => f.ruleId === 'replay-unclaimed-lock')).toEqual([]);
  });

  it('can be ignored with a reason like any rule', async () => {
    const report = await replayed('-- migration-guard:ignore replay-unclaimed-lock reason: the table is tiny (#7)\nALTER TABLE events SET UNLOGGED;', db.serverVersion, UNCLAIMED);
    const [finding] = report.findings.filter((f) => f.ruleId === 'replay-unclaimed-lock');
    expect(finding!.suppression).toMatchObject({ reason: 'the table is tiny (#7)' });
    expect(report.findings.filter((f) => f.ruleId === 'unused-ignore')).toEqual([]);
  });
});
