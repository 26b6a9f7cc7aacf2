/**
 * Hostile and huge inputs through the real CLI process (bundled as dist/ is): each run has
 * a time limit (a hang fails it, the process is killed), its peak memory is measured where
 * /usr/bin/time exists, and the outcome must be a clear finding or error naming the file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/core/limits.js';
import type { JsonReport } from '../../src/render/json.js';
import { fuzzParameters, fuzzTimeout, ROOT } from './support.js';

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
let work: string;
let cli: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'mg-fuzz-'));
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/bundle.mjs'), '--outdir', path.join(work, 'dist')], { stdio: 'inherit' });
  cli = path.join(work, 'dist/cli.js');
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stderr: string;
  report?: JsonReport;
  /** Peak resident memory in MB, when /usr/bin/time is available. */
  peakMb?: number;
}

/** Runs `migration-guard check --format json ARGS` in `cwd`, killed after `timeoutMs`. */
function check(args: string[], cwd: string, timeoutMs = 60_000): Run {
  const command = [process.execPath, cli, 'check', '--format', 'json', ...args];
  const child = TIME
    ? spawnSync(TIME, ['-f', 'MGPEAK %M', ...command], { cwd, timeout: timeoutMs, maxBuffer: 1 << 30, encoding: 'utf8' })
    : spawnSync(command[0]!, command.slice(1), { cwd, timeout: timeoutMs, maxBuffer: 1 << 30, encoding: 'utf8' });
  const peak = /MGPEAK (\d+)/.exec(child.stderr ?? '');
  return {
    code: child.status,
    stderr: (child.stderr ?? '').replace(/^MGPEAK \d+\n?/m, ''),
    report: child.stdout ? (JSON.parse(child.stdout) as JsonReport) : undefined,
    peakMb: peak ? Number(peak[1]) / 1024 : undefined,
  };
}

/** A fresh directory (a "repository") under the test's temp dir. */
function repo(name: string): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function parseErrorMessages(run: Run, file: string): string[] {
  return (run.report?.findings ?? []).filter((f) => f.rule === 'parse-error' && f.severity === 'error' && f.file === file).map((f) => f.message);
}

describe('hostile input through the CLI', () => {
  it('does not read a 50 MB file: a blocking parse-error names it and says why, in bounded memory', () => {
    const dir = repo('huge');
    writeFileSync(path.join(dir, 'big.sql'), Buffer.alloc(50 * 1024 * 1024, 'SELECT 1;\n'));
    const run = check(['big.sql'], dir);
    expect(run.code).toBe(1);
    expect(run.report!.verdict).toBe('blocked');
    expect(parseErrorMessages(run, 'big.sql')).toEqual([expect.stringContaining('the file is 50.0 MB, over the limit of 16.0 MB per file')]);
    if (run.peakMb !== undefined) expect(run.peakMb).toBeLessThan(200);
  });

  it('checks a file at the statement limit and reports the statements past it, never silently dropping them', () => {
    const dir = repo('many-statements');
    const count = LIMITS.statementsPerFile + 5;
    writeFileSync(path.join(dir, 'many.sql'), Array.from({ length: count }, (_, i) => `SELECT ${i};`).join('\n'));
    const run = check(['many.sql'], dir, 120_000);
    expect(run.code).toBe(1);
    expect(run.report!.summary.statements).toBe(LIMITS.statementsPerFile);
    const [message] = parseErrorMessages(run, 'many.sql');
    expect(message).toContain(`more than ${LIMITS.statementsPerFile.toLocaleString('en-US')} statements`);
    const finding = run.report!.findings.find((f) => f.rule === 'parse-error')!;
    expect(finding.line).toBe(LIMITS.statementsPerFile + 1);
  });

  it('reads 10,000 files in one run', () => {
    const dir = repo('ten-thousand');
    for (let i = 0; i < 10_000; i++) writeFileSync(path.join(dir, `${String(i).padStart(5, '0')}_step.sql`), `ALTER TABLE t${i} ADD COLUMN c text;\n`);
    const run = check(['.'], dir, 120_000);
    expect(run.stderr).toBe('');
    expect(run.report!.files).toHaveLength(10_000);
    expect(run.report!.summary.statements).toBe(10_000);
  });

  it('stops with an error naming the folder past the file limit', () => {
    const dir = repo('too-many');
    for (let i = 0; i <= LIMITS.files; i++) writeFileSync(path.join(dir, `${i}.sql`), '');
    const run = check(['.'], dir, 120_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`more than ${LIMITS.files.toLocaleString('en-US')} candidate files (the limit per run) under .`);
  });

  it('turns binary files named .sql into blocking parse-errors that name them, capped per file', { timeout: fuzzTimeout(4, 2_000, 100) }, () => {
    const dir = repo('binary');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200_000 }), (bytes) => {
        writeFileSync(path.join(dir, 'blob.sql'), bytes);
        const run = check(['blob.sql'], dir);
        expect(run.code === 0 || run.code === 1).toBe(true);
        const messages = parseErrorMessages(run, 'blob.sql');
        // NOTE: random bytes can spell valid SQL (e.g. only spaces and semicolons).
        if (messages.length === 0) expect(run.report!.verdict).toBe('pass');
        expect(messages.length).toBeLessThanOrEqual(LIMITS.syntaxErrorsPerFile + 1);
      }),
      fuzzParameters(4, 100),
    );
    writeFileSync(path.join(dir, 'blob.sql'), Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919 + (i >> 3)) % 256)));
    const run = check(['blob.sql'], dir);
    expect(run.code).toBe(1);
    const messages = parseErrorMessages(run, 'blob.sql');
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.length).toBeLessThanOrEqual(LIMITS.syntaxErrorsPerFile + 1);
  });

  it('blocks a file with NUL bytes and invalid UTF-8 with one finding that says why (not parse errors of its bytes)', () => {
    const dir = repo('nul');
    writeFileSync(path.join(dir, 'nul.sql'), Buffer.concat([Buffer.from('SELECT 1;\n'), Buffer.from([0, 0xff, 0xfe, 0xc3]), Buffer.from('\nDROP TABLE users;\n')]));
    const run = check(['nul.sql'], dir);
    expect(run.code).toBe(1);
    expect(parseErrorMessages(run, 'nul.sql')).toEqual([expect.stringContaining('not a text file (a NUL byte at byte offset 10)')]);
  });

  it.each([
    ['10,000 nested parentheses', `SELECT ${'('.repeat(10_000)}1${')'.repeat(10_000)};\n`],
    ['a 10,000-term expression', `SELECT 1${' + 1'.repeat(10_000)};\n`],
    ['100,000 open parentheses', `SELECT ${'('.repeat(100_000)};\n`],
  ])('reports %s as a parse-error, not a crash, and checks the next statement', (_name, sql) => {
    const dir = repo('deep');
    writeFileSync(path.join(dir, 'deep.sql'), `${sql}DROP TABLE users;\n`);
    const run = check(['deep.sql'], dir);
    expect(run.code).toBe(1);
    expect(parseErrorMessages(run, 'deep.sql')).toHaveLength(1);
    expect(run.report!.findings.map((f) => f.rule)).toContain('ban-drop-table');
  });

  it('stops quietly when the reader closes the pipe early, exiting with the verdict', () => {
    const dir = repo('pipe');
    writeFileSync(path.join(dir, 'big.sql'), 'ALTER TABLE t ALTER COLUMN c TYPE bigint;\n'.repeat(20_000));
    // NOTE: `head` reads 10 bytes and exits; the report (several MB, written in pieces) has nowhere to go.
    const run = spawnSync('bash', ['-c', `"${process.execPath}" "${cli}" check --format json --replay off big.sql | head -c 10; echo " exit \${PIPESTATUS[0]}"`], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout).toBe('{"version" exit 1\n');
    expect(run.stderr).toBe('');
  });

  it('survives a 1 MB identifier', () => {
    const dir = repo('ident');
    writeFileSync(path.join(dir, 'ident.sql'), `ALTER TABLE users ADD COLUMN ${'x'.repeat(1024 * 1024)} text;\n`);
    const run = check(['ident.sql'], dir);
    expect(run.code === 0 || run.code === 1).toBe(true);
    expect(run.report!.summary.statements).toBe(1);
  });

  it('refuses symbolic links out of the repository, naming them, and follows links inside it', () => {
    const outside = repo('outside');
    writeFileSync(path.join(outside, 'secret.sql'), 'DROP TABLE secrets;\n');
    const dir = repo('links/migrations');
    writeFileSync(path.join(dir, '001_real.sql'), 'ALTER TABLE a ADD COLUMN b text;\n');
    symlinkSync(path.join(outside, 'secret.sql'), path.join(dir, '002_escape.sql'));
    symlinkSync(outside, path.join(dir, 'escape-dir'));
    symlinkSync('001_real.sql', path.join(dir, '003_inside.sql'));
    symlinkSync('loop-b.sql', path.join(dir, 'loop-a.sql'));
    symlinkSync('loop-a.sql', path.join(dir, 'loop-b.sql'));
    symlinkSync('.', path.join(dir, 'self'));
    const run = check(['migrations'], path.dirname(dir));
    expect(run.stderr).toContain('migrations/002_escape.sql: symbolic link pointing outside the repository: not followed');
    expect(run.stderr).toContain('migrations/escape-dir: symbolic link pointing outside the repository: not followed');
    expect(run.stderr).toContain('migrations/loop-a.sql: symbolic link that does not resolve (broken, or a loop): not followed');
    expect(run.report!.files.map((f) => f.path)).toEqual(expect.arrayContaining(['migrations/001_real.sql', 'migrations/003_inside.sql']));
    // The refused file is not read, but it blocks: a migration nobody checked never passes.
    expect(run.code).toBe(1);
    expect(parseErrorMessages(run, 'migrations/002_escape.sql')).toEqual([expect.stringContaining('not checked: symbolic link pointing outside the repository: not followed')]);
    expect(run.report!.files.find((f) => f.path === 'migrations/002_escape.sql')!.statements).toBe(0);
    expect(JSON.stringify(run.report)).not.toContain('secrets');
  });
});
