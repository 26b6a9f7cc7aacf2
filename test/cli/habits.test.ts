/**
 * The CLI habits people bring from other linters: SQL on standard input, rule levels on
 * the command line, the repository's config found from a subfolder, one-line hints for
 * git refs a CI clone lacks, "did you mean" for typed names, clean errors for unknown
 * options and unwritable --output, and one finding (no echoed bytes) for a file that is not
 * UTF-8 text.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliIo, main } from '../../src/cli/main.js';
import type { JsonReport } from '../../src/render/json.js';
import { createTempRepo } from '../support/git-repo.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DROP = 'ALTER TABLE users DROP COLUMN email;\n';

async function run(args: string[], cwd = ROOT, stdin?: string | Uint8Array): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    cwd,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    isTTY: false,
    env: {},
    ...(stdin === undefined ? {} : { readStdin: async () => (typeof stdin === 'string' ? new TextEncoder().encode(stdin) : stdin) }),
  };
  return { code: await main(args, io), stdout, stderr };
}

const findings = (stdout: string) => (JSON.parse(stdout) as JsonReport).findings.map((f) => `${f.rule} ${f.severity} ${f.file}:${f.line}`);
const home = mkdtempSync(path.join(os.tmpdir(), 'mg-habits-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('check - (standard input)', () => {
  it('checks the SQL as the --stdin-filename path, whose folder chooses the convention', async () => {
    const { code, stdout } = await run(['check', '-', '--stdin-filename', 'db/migrations/20240101000000_drop.up.sql', '--format', 'json', '--replay', 'off'], home, DROP);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.files.map((f) => [f.path, f.convention, f.role])).toEqual([['db/migrations/20240101000000_drop.up.sql', 'golang-migrate', 'up']]);
    expect(findings(stdout)).toContain('ban-drop-column error db/migrations/20240101000000_drop.up.sql:1');
  });

  it('names the input stdin.sql by default, and reads real standard input in the built CLI', () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'check', '-', '--format', 'json', '--replay', 'off'], { cwd: home, input: DROP, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(findings(result.stdout)).toContain('ban-drop-column error stdin.sql:1');
  });

  it('refuses --stdin-filename without "-", and "-" with --base', async () => {
    expect((await run(['check', '--stdin-filename', 'x.sql', 'db'], home, DROP)).stderr).toContain('--stdin-filename names the SQL read from standard input: add "-"');
    const withBase = await run(['check', '-', '--base', 'main'], home, DROP);
    expect(withBase.code).toBe(2);
    expect(withBase.stderr).toContain('cannot be combined with --base');
  });
});

describe('--rule and --exclude-rule', () => {
  const args = ['check', '-', '--format', 'json', '--replay', 'off'];
  it('set a level or turn a rule off, over the config file, the last one typed winning', async () => {
    expect(findings((await run([...args, '--rule', 'ban-drop-column=notice'], home, DROP)).stdout)).toContain('ban-drop-column notice stdin.sql:1');
    const off = await run([...args, '--exclude-rule', 'ban-drop-column'], home, DROP);
    expect(findings(off.stdout).filter((f) => f.startsWith('ban-drop-column'))).toEqual([]);
    expect(findings((await run([...args, '--exclude-rule', 'ban-drop-column', '--rule', 'ban-drop-column=warning'], home, DROP)).stdout)).toContain('ban-drop-column warning stdin.sql:1');
    const dir = path.join(home, 'configured');
    mkdirSync(path.join(dir, '.github'), { recursive: true });
    writeFileSync(path.join(dir, '.github/migration-guard.yml'), 'rules:\n  ban-drop-column: off\n');
    expect(findings((await run([...args, '--rule', 'ban-drop-column=error'], dir, DROP)).stdout)).toContain('ban-drop-column error stdin.sql:1');
  });

  it('name a mistyped rule or level with "did you mean", and refuse turning parse-error off', async () => {
    const rule = await run([...args, '--rule', 'ban-drop-colum=off'], home, DROP);
    expect(rule.code).toBe(2);
    expect(rule.stderr).toContain('--rule: unknown rule "ban-drop-colum" (did you mean "ban-drop-column"?)');
    expect((await run([...args, '--rule', 'ban-drop-column=warn'], home, DROP)).stderr).toContain('level "warn" is not one of off, error, warning, notice (did you mean "warning"?)');
    expect((await run([...args, '--rule', 'ban-drop-column'], home, DROP)).stderr).toContain('--rule "ban-drop-column" needs a level');
    expect((await run([...args, '--exclude-rule', 'ban-drop-tabel'], home, DROP)).stderr).toContain('(did you mean "ban-drop-table"?)');
    const parseError = await run([...args, '--exclude-rule', 'parse-error'], home, DROP);
    expect(parseError.code).toBe(2);
    expect(parseError.stderr).toContain('key "rules.parse-error": cannot be "off"');
  });
});

describe('the config file', () => {
  it('is found in the git top level when the working directory has none', async () => {
    const repo = createTempRepo();
    try {
      repo.commit({ '.github/migration-guard.yml': 'rules:\n  ban-drop-column: off\n', 'db/migrations/001_drop.up.sql': DROP }, 'base');
      const fromSubfolder = await run(['check', '--format', 'json', '--replay', 'off', 'migrations'], path.join(repo.root, 'db'));
      expect(findings(fromSubfolder.stdout).filter((f) => f.startsWith('ban-drop-column'))).toEqual([]);
      // The working directory's own config wins over the top level's.
      repo.write({ 'db/.github/migration-guard.yml': 'rules:\n  ban-drop-column: warning\n' });
      expect(findings((await run(['check', '--format', 'json', '--replay', 'off', 'migrations'], path.join(repo.root, 'db'))).stdout)).toContain('ban-drop-column warning migrations/001_drop.up.sql:1');
    } finally {
      repo.remove();
    }
  });
});

describe('--base in a clone without the ref or the history', () => {
  it('says to fetch the ref, or the history of a shallow clone, in one line', async () => {
    const origin = createTempRepo();
    const clone = path.join(home, 'shallow');
    try {
      origin.commit({ 'db/migrations/001_users.up.sql': 'CREATE TABLE users (id bigint);\n' }, 'base');
      origin.commit({ 'README.md': 'main moves on\n' }, 'main');
      origin.git('checkout', '-q', '-b', 'feature', 'HEAD~1');
      origin.commit({ 'db/migrations/002_drop.up.sql': DROP }, 'feature');
      // A default CI checkout: one commit of each branch, no common history.
      execFileSync('git', ['clone', '-q', '--depth', '1', '--no-single-branch', '--branch', 'feature', `file://${origin.root}`, clone]);
      const shallow = await run(['check', '--base', 'origin/main'], clone);
      expect(shallow.code).toBe(2);
      expect(shallow.stderr).toBe(
        'migration-guard: --base origin/main: this clone is shallow, so HEAD and origin/main have no common commit in it; fetch the history (git fetch --unshallow origin; in GitHub Actions: actions/checkout with fetch-depth: 0)\n',
      );
      const missing = await run(['check', '--base', 'origin/release'], clone);
      expect(missing.stderr).toBe('migration-guard: --base origin/release: this clone has no such ref; fetch it first (git fetch origin release; in GitHub Actions: actions/checkout with fetch-depth: 0)\n');
      const outside = await run(['check', '--base', 'main'], os.tmpdir());
      expect(outside.stderr).toContain('is not in a git repository; run it inside a clone, or pass PATHS instead');
    } finally {
      origin.remove();
    }
  });
});

describe('names typed wrong', () => {
  it('an unknown option is named, with the closest one, not Node\'s parser text', async () => {
    const unknown = await run(['check', '--formt', 'json', 'examples']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('migration-guard: unknown option "--formt" (did you mean "--format"?)\nRun "migration-guard --help" for usage.\n');
    expect((await run(['check', '--frobnicate', 'examples'])).stderr).toContain('unknown option "--frobnicate"\n');
    expect((await run(['check', 'examples', '--base'])).stderr).toContain('option "--base" needs a value');
    expect((await run(['check', '--no-color=yes', 'examples'])).stderr).toContain('option "--no-color" takes no value');
  });

  it('explain suggests the closest rule', async () => {
    const result = await run(['explain', 'ban-drop-colum']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown rule "ban-drop-colum" (did you mean "ban-drop-column"?)');
  });

  it('an ignore comment naming an unknown rule is its own finding, with the closest rule', async () => {
    const sql = '-- migration-guard:ignore ban-drop-colum reason: phase 3 of the email rename\n' + DROP;
    const { stdout } = await run(['check', '-', '--format', 'json', '--replay', 'off'], home, sql);
    const report = JSON.parse(stdout) as JsonReport;
    const unknown = report.findings.filter((f) => f.rule === 'unused-ignore');
    expect(unknown.map((f) => f.message)).toEqual([expect.stringContaining('names "ban-drop-colum", which is not a rule (did you mean "ban-drop-column"?)')]);
    expect(report.findings.map((f) => f.rule)).toContain('ban-drop-column');
  });
});

describe('--output', () => {
  it('an unwritable path is a clean exit 2 before the check runs', async () => {
    const missing = await run(['check', '--output', '/missing/dir/report.json', 'examples']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('migration-guard: cannot write the report to /missing/dir/report.json: the folder /missing/dir does not exist; create it first or choose another --output\n');
    expect((await run(['check', '--output', home, 'examples'])).stderr).toContain('it is a folder');
  });
});

describe('input that is not UTF-8 text', () => {
  /** Whether text holds a control character other than tab, newline and carriage return. */
  const hasControl = (text: string) => [...text].some((c) => (c < ' ' && !'\t\n\r'.includes(c)) || c === '\u007f');

  it('a binary file is one blocking finding that echoes none of its bytes', async () => {
    const dir = path.join(home, 'binary');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'blob.sql'), Buffer.from([0x53, 0x45, 0x4c, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x00, 0x01, 0x02, 0xff, 0x0d, 0x08]));
    const json = await run(['check', '--format', 'json', '--replay', 'off', 'blob.sql'], dir);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report.findings.map((f) => `${f.rule} ${f.severity}: ${f.message}`)).toEqual([expect.stringMatching(/^parse-error error: Not checked: not a text file \(a NUL byte at byte offset 8\)/)]);
    const text = await run(['check', '--replay', 'off', 'blob.sql'], dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('not a text file');
    expect(hasControl(text.stdout + text.stderr)).toBe(false);
  });

  it('invalid UTF-8 is a finding with the byte offset and line', async () => {
    const dir = path.join(home, 'latin1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'latin1.sql'), Buffer.concat([Buffer.from('SELECT 1;\n-- caf'), Buffer.from([0xe9]), Buffer.from('\nDROP TABLE users;\n')]));
    const { code, stdout } = await run(['check', '--format', 'json', '--replay', 'off', 'latin1.sql'], dir);
    expect(code).toBe(1);
    expect((JSON.parse(stdout) as JsonReport).findings.map((f) => f.message)).toEqual([expect.stringContaining('Not checked: not valid UTF-8 at byte offset 16 (line 2, byte 0xE9)')]);
  });
});
