/**
 * PGlite on its worker thread: the replay path the CLI and the action take. A statement
 * that never ends (PGlite ignores statement_timeout) must not hang the run.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config.js';
import type { InputFile } from '../../src/core/migration.js';
import { checkMigrations } from '../../src/engine.js';
import { openingReplayStage } from '../../src/replay/index.js';
import { openPgliteThread } from '../../src/replay/pglite-thread.js';
import { allRules } from '../../src/rules/index.js';

const config = validateConfig({}, allRules);

describe('PGlite on a worker thread', () => {
  it('runs statements and queries like the in-thread database', async () => {
    await using db = await openPgliteThread();
    await db.exec('CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2);');
    // NOTE: replay's own queries resolve names in pg_catalog only (interface.ts `guarded`).
    expect(await db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.t')).toEqual([{ n: 2 }]);
    await expect(db.exec('SELECT * FROM missing')).rejects.toMatchObject({ message: 'relation "missing" does not exist', code: '42P01' });
    expect(db.serverVersion).toBeGreaterThanOrEqual(17);
  });

  it('stops a statement that never ends at the deadline: the replay finishes with a notice, and the next replay works', async () => {
    const files: InputFile[] = [
      { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE users (id bigint PRIMARY KEY);', change: 'unchanged' },
      { path: 'migrations/002_spin.up.sql', text: 'DO $$ BEGIN LOOP END LOOP; END $$;\nALTER TABLE users ADD COLUMN email text;', change: 'added' },
    ];
    const started = Date.now();
    const report = await checkMigrations(files, config, { replay: openingReplayStage(config, { mode: 'pglite', statementTimeoutMs: 2_000 })! });
    expect(Date.now() - started).toBeLessThan(60_000);
    const notices = report.findings.filter((f) => f.ruleId === 'replay-incomplete').map((f) => f.message);
    expect(notices.join('\n')).toContain('did not finish within 2 s; PGlite cannot cancel a running statement, so the replay database was stopped');

    const ok: InputFile[] = [files[0]!, { path: 'migrations/002_email.up.sql', text: 'ALTER TABLE users ADD COLUMN email text;', change: 'added' }];
    const after = await checkMigrations(ok, config, { replay: openingReplayStage(config, { mode: 'pglite' })! });
    expect(after.files.find((f) => f.path.endsWith('002_email.up.sql'))!.statements[0]!.replay?.locks).toEqual([{ relation: 'users', mode: 'ACCESS EXCLUSIVE' }]);
  }, 120_000);
});
