/**
 * Replay through the CLI: `--replay`, the config's replay settings, and the replay fields
 * of the JSON and text reports.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import type { JsonReport } from '../../src/render/json.js';

let dir: string;

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(args, dir);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mg-replay-cli-'));
  mkdirSync(path.join(dir, 'migrations'));
  mkdirSync(path.join(dir, 'db'));
  mkdirSync(path.join(dir, '.github'));
  writeFileSync(path.join(dir, '.github/migration-guard.yml'), 'replay:\n  schema-file: db/schema.sql\n');
  writeFileSync(path.join(dir, 'db/schema.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, age int);\n');
  writeFileSync(path.join(dir, 'migrations/002_age.up.sql'), 'ALTER TABLE users ALTER COLUMN age TYPE bigint;\n');
});

describe('migration-guard check with replay', () => {
  it('replays by default on the configured schema file: statements and findings carry what Postgres did', async () => {
    const { stdout } = await run(['check', '--format', 'json', 'migrations']);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.replay).toMatchObject({ database: 'pglite', base: 'schema-file', baseFiles: 1, baseFailures: 0, statements: 1, failures: 0 });
    const alter = report.files.find((f) => f.path.endsWith('002_age.up.sql'))!.statementDetails[0]!;
    expect(alter.replay).toEqual({ locks: [{ relation: 'users', mode: 'ACCESS EXCLUSIVE' }, { relation: 'users_pkey', mode: 'ACCESS EXCLUSIVE' }], rewrites: ['users', 'users_pkey'], locksObserved: true });
    const finding = report.findings.find((f) => f.rule === 'ban-alter-column-type')!;
    expect(finding.replay).toMatchObject({ observedLock: 'ACCESS EXCLUSIVE', lockMismatch: false });
    const text = await run(['check', 'migrations']);
    expect(text.stdout).toContain('replay: ACCESS EXCLUSIVE on users, users_pkey; rewrites users, users_pkey');
    expect(text.stdout).toMatch(/^replay on pglite \(Postgres \d+\): base: 1 schema file in \d+ ms; 1 statement traced; \d+ ms$/m);
  });

  it('--replay off and the config turn it off; an unreadable schema file is a configuration error', async () => {
    const off = JSON.parse((await run(['check', '--format', 'json', '--replay', 'off', 'migrations'])).stdout) as JsonReport;
    expect(off.replay).toBeUndefined();
    expect(off.findings.every((f) => f.replay === undefined)).toBe(true);
    writeFileSync(path.join(dir, 'off.yml'), 'replay:\n  mode: off\n');
    expect((JSON.parse((await run(['check', '--format', 'json', '--config', 'off.yml', 'migrations'])).stdout) as JsonReport).replay).toBeUndefined();
    writeFileSync(path.join(dir, 'missing.yml'), 'replay:\n  schema-file: db/nope.sql\n');
    const missing = await run(['check', '--config', 'missing.yml', 'migrations']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing.yml: key "replay.schema-file": cannot read db/nope.sql (ENOENT)');
  });

  it('the bundled CLI exits after a replay past its limits, which never starts PGlite (the worker must not hold the process open)', () => {
    const many = mkdtempSync(path.join(os.tmpdir(), 'mg-replay-limit-'));
    writeFileSync(path.join(many, 'many.sql'), Array.from({ length: 5001 }, (_, i) => `SELECT ${i};`).join('\n'));
    const cli = path.resolve(import.meta.dirname, '../../dist/cli.js');
    const child = spawnSync(process.execPath, [cli, 'check', '--format', 'json', 'many.sql'], { cwd: many, timeout: 60_000, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, XDG_CACHE_HOME: path.join(many, 'cache') } });
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout) as JsonReport;
    expect(report.findings.filter((f) => f.rule === 'replay-incomplete').map((f) => f.message)).toEqual(['Replay did not run: too much to replay: 5,001 new statements (limit 5,000).']);
  });

  it('rejects an unknown --replay mode', async () => {
    const { code, stderr } = await run(['check', '--replay', 'docker', 'migrations']);
    expect(code).toBe(2);
    expect(stderr).toContain('invalid --replay "docker"; expected pglite or off');
  });
});
