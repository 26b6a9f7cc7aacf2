// Replay of a DO block: Postgres runs the statements inside it when it runs the DO, so replay
// must not run them a second time (the analysis lists them as statements of their own).
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../src/core/config.js';
import type { InputFile } from '../src/core/migration.js';
import { checkMigrations } from '../src/engine.js';
import { openingReplayStage } from '../src/replay/index.js';
import { allRules } from '../src/rules/index.js';

const config = validateConfig({}, allRules);

describe('replay of DO blocks', () => {
  it('runs the DO once: the statements inside it are not replayed again', async () => {
    const files: InputFile[] = [
      { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE users (id bigint PRIMARY KEY);', change: 'unchanged' },
      // NOTE: run twice, the ADD COLUMN would fail ("column already exists") and replay would stop.
      { path: 'migrations/002_email.up.sql', text: 'DO $$ BEGIN\n  ALTER TABLE users ADD COLUMN email text;\nEND $$;\nALTER TABLE users ADD COLUMN phone text;\n', change: 'added' },
    ];
    const report = await checkMigrations(files, config, { replay: openingReplayStage(config, { mode: 'pglite' })! });
    expect(report.findings.filter((f) => f.ruleId === 'replay-incomplete').map((f) => f.message)).toEqual([]);
    const statements = report.files.find((f) => f.path.endsWith('002_email.up.sql'))!.statements;
    expect(statements.map((s) => [s.kind, s.line, s.replay !== undefined])).toEqual([
      ['DoStmt', 1, true],
      ['AlterTableStmt', 2, false],
      ['AlterTableStmt', 4, true],
    ]);
    expect(statements[0]!.replay?.locks).toEqual([{ relation: 'users', mode: 'ACCESS EXCLUSIVE' }]);
  }, 120_000);
});
