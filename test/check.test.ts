/**
 * The pipeline's scope (docs/scope.md): which migrations are applied, what a folder check
 * judges, and that nothing checked is never a pass. Run through the real CLI entry point on
 * real folders and git repositories, with replay off (replay has its own tests).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliIo, main } from '../src/cli/main.js';
import type { JsonReport } from '../src/render/json.js';
import { createTempRepo, type TempRepo } from './support/git-repo.js';

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false, env: {} };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

async function report(args: string[], cwd: string): Promise<{ code: number; report: JsonReport }> {
  const { code, stdout, stderr } = await run(['check', '--format', 'json', '--replay', 'off', ...args], cwd);
  expect(stderr).toBe('');
  return { code, report: JSON.parse(stdout) as JsonReport };
}

const blocking = (r: JsonReport, file?: string) =>
  r.findings.filter((f) => f.severity === 'error' && !f.suppressed && (file === undefined || f.file.endsWith(file))).map((f) => `${f.rule}:${f.line}`);

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const done of cleanup) done();
  cleanup = [];
});

function folder(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mg-scope-'));
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

function repo(): TempRepo {
  const created = createTempRepo();
  cleanup.push(() => created.remove());
  return created;
}

const HISTORY = {
  'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text, age int);\n',
  'db/migrations/002_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n',
};
const NEWEST = 'db/migrations/003_change.sql';
const NEWEST_SQL = 'ALTER TABLE users DROP COLUMN age;\nCREATE INDEX users_email_idx ON users (email);\nALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;\n';

describe('check PATHS judges every file with the files before it as applied', () => {
  it('blocks in a folder check exactly what a check of the newest file alone blocks', async () => {
    const root = folder({ ...HISTORY, [NEWEST]: NEWEST_SQL });
    const alone = await report([NEWEST], root);
    expect(blocking(alone.report)).toEqual(['ban-drop-column:1', 'require-concurrent-index-creation:2', 'ban-set-not-null:3']);
    const whole = await report(['db/migrations'], root);
    expect(blocking(whole.report, '003_change.sql')).toEqual(blocking(alone.report));
    expect(whole.code).toBe(1);
  });

  it('still treats a table created earlier in the same file as new', async () => {
    const root = folder({ ...HISTORY, [NEWEST]: 'CREATE TABLE notes (id bigint);\nCREATE INDEX notes_id_idx ON notes (id);\n' });
    const { code, report: r } = await report(['db/migrations'], root);
    expect(blocking(r)).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('--base: only unapplied migrations create new tables', () => {
  it('keeps the findings on a table whose applied CREATE TABLE the pull request edits', async () => {
    const git = repo();
    git.commit({ 'migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n' }, 'base');
    git.git('checkout', '-q', '-b', 'feature');
    git.commit(
      {
        'migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n-- users of the app\n',
        'migrations/002_phone.sql': 'ALTER TABLE users ADD COLUMN phone text NOT NULL;\nCREATE INDEX users_phone_idx ON users (phone);\n',
      },
      'edit the applied migration, add a new one',
    );
    const { code, report: r } = await report(['--base', 'main'], git.root);
    expect(r.files.map((f) => [f.path, f.change])).toEqual([
      ['migrations/001_users.sql', 'modified'],
      ['migrations/002_phone.sql', 'added'],
    ]);
    expect(blocking(r, '002_phone.sql')).toEqual(['require-nullable-or-default:1', 'require-concurrent-index-creation:2']);
    expect(code).toBe(1);
  });

  it('treats a table created by an earlier new migration of the same pull request as new', async () => {
    const git = repo();
    git.commit({ 'migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n' }, 'base');
    git.git('checkout', '-q', '-b', 'feature');
    git.commit({ 'migrations/002_notes.sql': 'CREATE TABLE notes (id bigint);\n', 'migrations/003_idx.sql': 'CREATE INDEX notes_id_idx ON notes (id);\n' }, 'new table, then its index');
    const { code, report: r } = await report(['--base', 'main'], git.root);
    expect(blocking(r)).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('nothing checked is never a pass', () => {
  it('exits 2 naming a path that does not exist', async () => {
    const root = folder({ [NEWEST]: NEWEST_SQL });
    const { code, stdout, stderr } = await run(['check', 'db/migrations', 'does-not-exist', 'nor/this.sql'], root);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('"does-not-exist", "nor/this.sql": no such file or directory');
  });

  it('exits 2 when the paths hold no migration, saying which conventions were looked for', async () => {
    const root = folder({ 'app/models/user.rb': 'class User; end\n', 'empty/.keep': '' });
    for (const paths of [['empty'], ['app'], ['app', 'empty']]) {
      const { code, stderr } = await run(['check', ...paths], root);
      expect(code, paths.join(' ')).toBe(2);
      expect(stderr).toContain(`no migration files in ${paths.join(', ')}`);
      expect(stderr).toMatch(/conventions goose, .*golang-migrate, plain/);
    }
  });

  it('exits 2 for --base in a repository without any migration file, e.g. a paths glob that matches nothing', async () => {
    const git = repo();
    git.commit({ 'db/migrate/20240101000000_create_users.rb': 'class CreateUsers < ActiveRecord::Migration[7.1]; end\n' }, 'rails');
    git.git('checkout', '-q', '-b', 'feature');
    git.commit({ 'db/migrate/20240102000000_add_email.rb': 'class AddEmail < ActiveRecord::Migration[7.1]; end\n' }, 'ruby migration');
    const rails = await run(['check', '--base', 'main'], git.root);
    expect(rails.code).toBe(2);
    expect(rails.stderr).toContain('no migration files in the repository, changed or not (looked for .sql files of the conventions goose,');
    git.commit({ 'migrations/001_users.sql': 'CREATE TABLE users (id bigint);\n', '.github/migration-guard.yml': 'paths: ["database/**"]\n' }, 'sql, elsewhere');
    const glob = await run(['check', '--base', 'main'], git.root);
    expect(glob.code).toBe(2);
    expect(glob.stderr).toContain('under the configured paths database/**');
  });

  it('passes --base with no changed migration and says so in one line', async () => {
    const git = repo();
    git.commit({ 'migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n' }, 'base');
    git.git('checkout', '-q', '-b', 'feature');
    git.commit({ 'README.md': 'docs only\n' }, 'docs');
    const { code, stdout, stderr } = await run(['check', '--base', 'main', '--format', 'json', '--replay', 'off'], git.root);
    expect(code).toBe(0);
    expect(stderr).toBe('migration-guard: no migration file changed since main; nothing to check.\n');
    expect((JSON.parse(stdout) as JsonReport).verdict).toBe('pass');
  });
});
