/**
 * The contract targets of a change (src/core/history-facts.ts): the columns and tables its new
 * migrations drop or rename, which the history and code search then look up, and the facts
 * given as plain data to rule examples.
 */
import { describe, expect, it } from 'vitest';
import { discoverMigrations } from '../../src/conventions/index.js';
import { defaultConfig } from '../../src/core/config.js';
import { contractTargetsOf, staticFacts } from '../../src/core/history-facts.js';
import type { InputFile } from '../../src/core/migration.js';

async function targetsOf(files: InputFile[]) {
  return contractTargetsOf(files, discoverMigrations(files, defaultConfig()));
}

describe('contractTargetsOf', () => {
  const files: InputFile[] = [
    { path: 'migrations/001_old.up.sql', text: 'ALTER TABLE a DROP COLUMN x;', change: 'unchanged' },
    {
      path: 'migrations/002_add.up.sql',
      text: 'ALTER TABLE users ADD COLUMN y int, DROP COLUMN email, ALTER COLUMN a TYPE bigint, ALTER COLUMN b SET NOT NULL;\nALTER TABLE users RENAME COLUMN name TO full_name;\nALTER TABLE users RENAME COLUMN name TO full_name;',
      change: 'added',
    },
    { path: 'migrations/002_add.down.sql', text: 'ALTER TABLE users DROP COLUMN y;', change: 'added' },
    {
      path: 'migrations/003_mod.up.sql',
      text: 'ALTER TABLE orders RENAME TO purchases;\nDROP TABLE billing.invoices, logs;\nALTER INDEX i RENAME TO j;\nALTER TABLE t RENAME CONSTRAINT c TO d;\nDROP INDEX k;',
      change: 'modified',
    },
    { path: 'migrations/003_mod.down.sql', text: 'DROP TABLE purchases;', change: 'modified' },
    { path: 'migrations/004_del.up.sql', text: 'DROP TABLE gone;', change: 'deleted' },
  ];

  it('lists the drops and renames of the up sections of added and modified files, once each', async () => {
    expect(await targetsOf(files)).toEqual([
      { kind: 'column', operation: 'drop', table: 'users', column: 'email' },
      { kind: 'column', operation: 'rename', table: 'users', column: 'name', newName: 'full_name' },
      { kind: 'table', operation: 'rename', table: 'orders', newName: 'purchases' },
      { kind: 'table', operation: 'drop', table: 'billing.invoices' },
      { kind: 'table', operation: 'drop', table: 'logs' },
    ]);
  });

  it('lists nothing for unchanged, deleted and down-only changes', async () => {
    expect(await targetsOf(files.filter((f) => f.path !== 'migrations/002_add.up.sql' && f.path !== 'migrations/003_mod.up.sql'))).toEqual([]);
  });
});

describe('staticFacts', () => {
  const facts = staticFacts({
    now: '2026-12-01T00:00:00Z',
    expand: { 'users.email': { source: 'migration', path: 'migrations/001.sql', commit: 'abc', landedAt: '2026-11-01T00:00:00Z' } },
    references: { users: [{ path: 'app/user.ts', line: 3, column: 7, text: 'from users' }] },
  });

  it('answers lookups by target, whatever the case or the public schema', () => {
    expect(facts.now.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(facts.history).toBe('complete');
    expect(facts.expandEvidence({ kind: 'column', operation: 'drop', table: 'public.Users', column: 'Email' })).toMatchObject({ commit: 'abc' });
    expect(facts.codeReferences({ kind: 'table', operation: 'drop', table: 'USERS' })).toEqual([{ path: 'app/user.ts', line: 3, column: 7, text: 'from users' }]);
  });

  it('has no evidence and no references for other targets, or without the data', () => {
    expect(facts.expandEvidence({ kind: 'table', operation: 'drop', table: 'orders' })).toBeUndefined();
    expect(facts.codeReferences({ kind: 'table', operation: 'drop', table: 'orders' })).toEqual([]);
    const bare = staticFacts({ now: '2026-12-01T00:00:00Z' });
    expect(bare.expandEvidence({ kind: 'table', operation: 'drop', table: 'users' })).toBeUndefined();
    expect(bare.codeReferences({ kind: 'table', operation: 'drop', table: 'users' })).toEqual([]);
  });
});
