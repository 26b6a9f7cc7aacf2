import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import type { JsonReport } from '../../src/render/json.js';
import { createTempRepo } from '../support/git-repo.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function run(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(args, cwd);
}

const errors = (report: JsonReport) => report.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${path.basename(f.file)}:${f.line}`);

describe('migration-guard check', () => {
  it('reports each of the seed mistakes in examples/unsafe with the right rule and line, and exits 1', async () => {
    const { code, stdout } = await run(['check', '--format', 'json', 'examples/unsafe']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.verdict).toBe('blocked');
    expect(errors(report)).toEqual(
      expect.arrayContaining([
        'require-nullable-or-default 20261125090000_add_phone.up.sql:2',
        'require-concurrent-index-creation 20261125090100_index_orders.up.sql:1',
        'ban-rename-column 20261125090200_rename_email.up.sql:1',
        'ban-drop-column 20261125090300_cleanup.up.sql:1',
        'ban-alter-column-type 20261125090300_cleanup.up.sql:2',
        'ban-drop-table 20261125090300_cleanup.up.sql:3',
      ]),
    );
    expect(report.files.map((f) => [path.basename(f.path), f.convention, f.role]).slice(0, 2)).toEqual([
      ['20261125090000_add_phone.down.sql', 'golang-migrate', 'down'],
      ['20261125090000_add_phone.up.sql', 'golang-migrate', 'up'],
    ]);
  });

  it('passes the corrected versions in examples/safe (warnings allowed, nothing blocks)', async () => {
    const { code, stdout } = await run(['check', '--format', 'json', 'examples/safe']);
    const report = JSON.parse(stdout) as JsonReport;
    expect(errors(report)).toEqual([]);
    expect(code).toBe(0);
  });

  it('--fail-on warning blocks on warnings; never passes everything', async () => {
    // NOTE: examples/safe has no warning at all; a migration with only a warning (varchar) is written here.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-warn-'));
    mkdirSync(path.join(dir, 'migrations'));
    writeFileSync(path.join(dir, 'migrations/001_note.up.sql'), "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note varchar(20);\n");
    writeFileSync(path.join(dir, 'migrations/001_note.down.sql'), 'ALTER TABLE users DROP COLUMN note;\n');
    expect((await run(['check', '--replay', 'off', '--format', 'json', 'migrations'], dir)).code).toBe(0);
    expect((await run(['check', '--replay', 'off', '--fail-on', 'warning', '--format', 'json', 'migrations'], dir)).code).toBe(1);
    expect((await run(['check', '--fail-on', 'warning', '--format', 'json', 'examples/safe'])).code).toBe(0);
    expect((await run(['check', '--fail-on', 'never', '--format', 'json', 'examples/unsafe'])).code).toBe(0);
  });

  it('renders sarif, markdown and github formats', async () => {
    expect(JSON.parse((await run(['check', '--format', 'sarif', 'examples/unsafe'])).stdout).version).toBe('2.1.0');
    expect((await run(['check', '--format', 'markdown', 'examples/unsafe'])).stdout).toContain('<!-- migration-guard:comment -->');
    expect((await run(['check', '--format', 'github', 'examples/unsafe'])).stdout).toMatch(/^::error file=examples\/unsafe\/20261125090000_add_phone\.up\.sql,line=2,/m);
  });

  it('usage errors exit 2 with a clear message', async () => {
    const noArgs = await run(['check']);
    expect(noArgs.code).toBe(2);
    expect(noArgs.stderr).toContain('check needs PATHS (files or folders), "-" for standard input, or --base REF');
    const badFormat = await run(['check', '--format', 'xml', 'examples']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('invalid --format "xml"; expected one of text, compact, json, sarif, markdown, github');
    expect((await run(['check', '--postgres-version', '9', 'examples'])).stderr).toContain('invalid --postgres-version "9"');
    expect((await run(['frobnicate'])).code).toBe(2);
  });

  it('a bad config file exits 2 naming the key and the value', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-cli-'));
    writeFileSync(path.join(dir, 'bad.yml'), 'postgres-version: 9\n');
    const tooOld = await run(['check', '--config', 'bad.yml', '.'], dir);
    expect(tooOld.code).toBe(2);
    expect(tooOld.stderr).toMatch(/bad\.yml: key "postgres-version": .*\(got 9\)/);
    writeFileSync(path.join(dir, 'typo.yml'), 'rules:\n  ban-drop-colum: off\nfail-onn: never\n');
    expect((await run(['check', '--config', 'typo.yml', '.'], dir)).stderr).toMatch(/unknown key "fail-onn" \(did you mean "fail-on"\?\)/);
    writeFileSync(path.join(dir, 'rule.yml'), 'rules:\n  ban-drop-colum: off\n');
    expect((await run(['check', '--config', 'rule.yml', '.'], dir)).stderr).toContain('key "rules.ban-drop-colum": unknown rule "ban-drop-colum" (did you mean "ban-drop-column"?)');
    writeFileSync(path.join(dir, 'silent.yml'), 'rules:\n  parse-error: { severity: warning }\n');
    expect((await run(['check', '--config', 'silent.yml', '.'], dir)).stderr).toContain('key "rules.parse-error": cannot be "warning": SQL that does not parse is never checked, so it always blocks.');
    writeFileSync(path.join(dir, 'yaml.yml'), 'rules: [\n');
    expect((await run(['check', '--config', 'yaml.yml', '.'], dir)).stderr).toMatch(/yaml\.yml: not valid YAML at line \d/);
    expect((await run(['check', '--config', 'missing.yml', '.'], dir)).stderr).toContain('missing.yml: cannot read the config file (ENOENT)');
  });

  it('config severities and `off` apply end to end', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-cli-'));
    mkdirSync(path.join(dir, '.github'));
    writeFileSync(path.join(dir, '.github/migration-guard.yml'), 'rules:\n  ban-drop-column: warning\n  require-lock-timeout: off\n  require-down-migration: off\n  replay-incomplete: off\n');
    writeFileSync(path.join(dir, '001_drop.up.sql'), 'ALTER TABLE users DROP COLUMN email;\n');
    const { code, stdout } = await run(['check', '--format', 'json', '001_drop.up.sql'], dir);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([['ban-drop-column', 'warning']]);
    expect(code).toBe(0);
  });

  it('--base checks only what changed since the merge base, including untracked files', async () => {
    const repo = createTempRepo();
    try {
      repo.commit({ 'migrations/001_users.up.sql': 'CREATE TABLE users (id bigint);\n', 'migrations/001_users.down.sql': 'DROP TABLE users;\n' }, 'base');
      repo.git('checkout', '-q', '-b', 'feature');
      repo.commit({ 'migrations/002_idx.up.sql': 'CREATE INDEX users_id ON users (id);\n', 'migrations/002_idx.down.sql': 'DROP INDEX users_id;\n' }, 'index');
      repo.write({ 'migrations/003_drop.up.sql': 'ALTER TABLE users DROP COLUMN id;\n' });
      const { code, stdout } = await run(['check', '--base', 'main', '--format', 'json'], repo.root);
      const report = JSON.parse(stdout) as JsonReport;
      expect(report.files.map((f) => [f.path, f.change]).sort()).toEqual([
        ['migrations/002_idx.down.sql', 'added'],
        ['migrations/002_idx.up.sql', 'added'],
        ['migrations/003_drop.up.sql', 'added'],
      ]);
      expect(errors(report)).toEqual(expect.arrayContaining(['require-concurrent-index-creation 002_idx.up.sql:1', 'ban-drop-column 003_drop.up.sql:1']));
      expect(code).toBe(1);
      const missing = await run(['check', '--base', 'no-such-ref'], repo.root);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe('migration-guard: --base no-such-ref: this clone has no such ref; fetch it first (git fetch origin no-such-ref; in GitHub Actions: actions/checkout with fetch-depth: 0)\n');
    } finally {
      repo.remove();
    }
  });

  it('rules and explain document every rule', async () => {
    const list = await run(['rules']);
    expect(list.stdout).toMatch(/^ban-drop-column +error +Dropping a column breaks/m);
    const explain = await run(['check', '--explain', 'ban-drop-column']);
    expect(explain.stdout).toContain('# ban-drop-column');
    expect(explain.stdout).toContain('## Safe alternative');
    expect((await run(['explain', 'nope'])).code).toBe(2);
  });
});
