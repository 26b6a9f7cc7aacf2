/**
 * .pre-commit-hooks.yaml, run the way pre-commit runs a hook: its `entry` split into words,
 * the repository's files that match `files` appended, from the repository root, with the
 * package's `migration-guard` binary on PATH (pre-commit's node language installs the
 * package; here the binary is the built dist/cli.js). The commit is refused (non-zero exit)
 * exactly when the staged migrations block.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempRepo } from './support/git-repo.js';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  types?: string[];
}

const hooks = parse(readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const bin = mkdtempSync(path.join(os.tmpdir(), 'mg-pre-commit-bin-'));
writeFileSync(path.join(bin, 'migration-guard'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'dist/cli.js')}" "$@"\n`);
chmodSync(path.join(bin, 'migration-guard'), 0o755);
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** Runs `hook` on the staged files as `git commit` with pre-commit installed does. */
function runHook(hook: Hook, root: string): { status: number | null; stdout: string; stderr: string; files: string[] } {
  const files = execFileSync('git', ['diff', '--cached', '--name-only', '--diff-filter=ACMR'], { cwd: root, encoding: 'utf8' }).split('\n').filter((f) => f && new RegExp(hook.files).test(f));
  // NOTE: pre-commit splits `entry` with shlex; this entry has no quotes, so words are enough.
  const [command, ...args] = hook.entry.split(/\s+/);
  const result = spawnSync(command!, [...args, ...files], { cwd: root, encoding: 'utf8', env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, files };
}

describe('.pre-commit-hooks.yaml', () => {
  const hook = hooks.find((h) => h.id === 'migration-guard')!;

  it('defines the migration-guard hook as a node package entry on SQL files', () => {
    expect(hook).toMatchObject({ language: 'node', files: expect.any(String) });
    expect(hook.entry.split(/\s+/)[0]).toBe(Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: object }).bin)[0]);
  });

  it('fails on a dangerous migration, naming it, and passes a safe one', () => {
    const repo = createTempRepo();
    try {
      repo.commit({ 'db/migrations/001_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n', 'db/migrations/001_users.down.sql': 'DROP TABLE users;\n' }, 'base');
      const stage = (files: Record<string, string>) => {
        repo.write(files);
        repo.git('add', ...Object.keys(files));
      };
      stage({ 'db/migrations/002_phone.up.sql': 'ALTER TABLE users ADD COLUMN phone text;\n', 'db/migrations/002_phone.down.sql': 'ALTER TABLE users DROP COLUMN phone;\n', 'README.md': 'not SQL\n' });
      const safe = runHook(hook, repo.root);
      expect(safe.files).toEqual(['db/migrations/002_phone.down.sql', 'db/migrations/002_phone.up.sql']);
      expect(safe.status, safe.stdout + safe.stderr).toBe(0);
      repo.commit({}, 'phone');
      stage({ 'db/migrations/003_drop.up.sql': 'ALTER TABLE users DROP COLUMN email;\n', 'db/migrations/003_drop.down.sql': 'ALTER TABLE users ADD COLUMN email text;\n' });
      const dangerous = runHook(hook, repo.root);
      expect(dangerous.status).toBe(1);
      expect(dangerous.stdout).toContain('db/migrations/003_drop.up.sql');
      expect(dangerous.stdout).toContain('ban-drop-column');
    } finally {
      repo.remove();
    }
  });
});
