/**
 * The base schema cache (src/replay/base-cache.ts) through PGlite on its worker thread: a
 * second replay of the same base restores it, with the same report; changing any input of
 * the key (a base file's text or path, the configuration, the database, this program) never
 * reuses the entry.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config.js';
import type { InputFile } from '../../src/core/migration.js';
import { checkMigrations } from '../../src/engine.js';
import { baseKey, entryKey } from '../../src/replay/base-cache.js';
import { openPgliteThread } from '../../src/replay/pglite-thread.js';
import { replayStage } from '../../src/replay/replay.js';
import { allRules } from '../../src/rules/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function cacheDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-base-cache-'));
  dirs.push(dir);
  return dir;
}

const config = validateConfig({}, allRules);
/** NOTE: each replay starts PGlite; several per test outlast the default 60 s on two busy cores. */
const REPLAYS_TIMEOUT_MS = 300_000;

/** A base of two migrations (one fails: its notice must come back from the cache) and a PR migration using the base. */
function files(overrides: Partial<Record<string, string>> = {}): InputFile[] {
  const texts: Record<string, string> = {
    'db/001_users.up.sql': "CREATE EXTENSION IF NOT EXISTS citext;\nCREATE SCHEMA app;\nCREATE TABLE app.users (id bigint PRIMARY KEY, email citext);\nSET search_path TO app, public;\n",
    'db/002_broken.up.sql': 'ALTER TABLE missing ADD COLUMN x int;\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n',
    'db/003_nick.up.sql': "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nick text;\nINSERT INTO users (id, email) VALUES (1, 'A@x');\n",
    ...overrides,
  };
  return Object.entries(texts)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([p, text]) => ({ path: p, text, change: p.includes('003') ? 'added' : 'unchanged' }));
}

/** Replays on a fresh database with the given cache; returns the report and whether the base was restored. */
async function replay(inputs: InputFile[], dir: string, options: { config?: typeof config } = {}) {
  const used = options.config ?? config;
  const restored: unknown[] = [];
  const listener = (message: unknown) => {
    if ((message as { step: string; restored?: boolean }).restored === true) restored.push(message);
  };
  subscribe('migration-guard:replay', listener);
  try {
    await using db = await openPgliteThread({ cache: { dir, minBuildMs: 0 } });
    const report = await checkMigrations(inputs, used, { replay: replayStage(used, { database: db }) });
    const { baseMs: _base, tracedMs: _traced, ms: _ms, ...summary } = report.replay!;
    return { report: { ...report, replay: summary }, restored: restored.length > 0 };
  } finally {
    unsubscribe('migration-guard:replay', listener);
  }
}

describe('the base schema cache', () => {
  it('restores a saved base with the schema, session settings and notices it had, and the same report', async () => {
    const dir = cacheDir();
    const first = await replay(files(), dir);
    expect(first.restored).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tgz'))).toHaveLength(1);
    const second = await replay(files(), dir);
    expect(second.restored).toBe(true);
    expect(second.report).toEqual(first.report);
    // The PR migration ran on app.users (search_path from the base) with its citext column.
    const nick = second.report.files[0]!.statements.map((s) => s.replay?.error?.message ?? 'ok');
    expect(nick).toEqual(['ok', 'ok', 'ok']);
    expect(second.report.findings.filter((f) => f.ruleId === 'replay-incomplete').map((f) => f.messageId)).toEqual(['baseFailed']);
    expect(second.report.replay).toMatchObject({ baseFiles: 2, baseFailures: 1, baseStatements: 6 });
  }, REPLAYS_TIMEOUT_MS);

  it('does not reuse an entry when a base file changes, moves, or the configuration changes', async () => {
    const dir = cacheDir();
    await replay(files(), dir);
    // A base file's text: the PR migration's table is now missing, which a stale base would hide.
    const changed = await replay(files({ 'db/001_users.up.sql': 'CREATE EXTENSION IF NOT EXISTS citext;\nCREATE SCHEMA app;\nSET search_path TO app, public;\n' }), dir);
    expect(changed.restored).toBe(false);
    expect(changed.report.files[0]!.statements[1]!.replay?.error?.message).toMatch(/relation "users" does not exist/);
    // A base file's path (same text): its notice names the new path.
    const moved = await replay(files({ 'db/002_broken.up.sql': undefined, 'db/002_renamed.up.sql': 'ALTER TABLE missing ADD COLUMN x int;\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n' }), dir);
    expect(moved.restored).toBe(false);
    expect(moved.report.findings.find((f) => f.messageId === 'baseFailed')?.file).toBe('db/002_renamed.up.sql');
    // The configuration: base notices turned off.
    const quiet = validateConfig({ rules: { 'replay-incomplete': 'off' } }, allRules);
    const configured = await replay(files(), dir, { config: quiet });
    expect(configured.restored).toBe(false);
    expect(configured.report.findings.filter((f) => f.ruleId === 'replay-incomplete')).toEqual([]);
    // And the first base again: its entry is still there.
    expect((await replay(files(), dir)).restored).toBe(true);
  }, REPLAYS_TIMEOUT_MS);

  it('keys entries by everything else the result depends on: statements run, order, database, program', () => {
    const file = { path: 'db/001.up.sql', text: 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n', statements: [{ startOffset: 0, endOffset: 24 }, { startOffset: 25, endOffset: 49 }] };
    const other = { ...file, path: 'db/002.up.sql' };
    const key = baseKey(config, [file, other]);
    expect(baseKey(config, [file, other])).toBe(key);
    expect(baseKey(config, [other, file])).not.toBe(key);
    expect(baseKey(config, [{ ...file, statements: file.statements.slice(1) }, other])).not.toBe(key);
    expect(baseKey(validateConfig({ 'postgres-version': 14 }, allRules), [file, other])).not.toBe(key);
    // No two different lists hash the same bytes (a path ending where a text begins).
    expect(baseKey(config, [{ ...file, path: 'a', text: 'bc' }])).not.toBe(baseKey(config, [{ ...file, path: 'ab', text: 'c' }]));
    const entry = entryKey(key, 'pglite 18 PostgreSQL 18.6 (PGlite 0.5.16)', 'program-a');
    expect(entryKey(key, 'pglite 18 PostgreSQL 18.6 (PGlite 0.5.16)', 'program-a')).toBe(entry);
    expect(entryKey(key, 'pglite 18 PostgreSQL 18.6 (PGlite 0.5.17)', 'program-a')).not.toBe(entry);
    expect(entryKey(key, 'pglite 17 PostgreSQL 17.5 (PGlite 0.3.0)', 'program-a')).not.toBe(entry);
    expect(entryKey(key, 'pglite 18 PostgreSQL 18.6 (PGlite 0.5.16)', 'program-b')).not.toBe(entry);
  });
});
