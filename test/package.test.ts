/**
 * The npm package as a user gets it: `npm pack` builds the tarball from the committed
 * dist/ (package.json `files`), `npm install <tarball> --offline` installs it into an empty
 * folder (the CLI is bundled, so it has no dependencies to fetch), and its `migration-guard`
 * binary checks an example migration there.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies?: object };

describe('the npm package', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'mg-package-'));
  const project = path.join(home, 'project');
  let tarball = '';
  let packed: Array<{ path: string }> = [];
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  beforeAll(async () => {
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', home], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const [result] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(home, result!.filename);
    packed = result!.files;
    cpSync(path.join(ROOT, 'examples/unsafe'), path.join(project, 'db/migrations'), { recursive: true });
    writeFileSync(path.join(project, 'package.json'), '{ "name": "a-project", "private": true }\n');
    await run('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project });
  }, 180_000);

  it('holds the bundled CLI, its WebAssembly and the config schema, and no sources or tests', () => {
    const files = packed.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/cli.js', 'dist/cli-main.js', 'dist/parse-worker.js', 'dist/libpg-query.wasm', 'dist/replay-worker.js', 'dist/pglite.wasm', 'schema/config.schema.json']));
    expect(files.filter((f) => /^(src|test|scripts|bench|node_modules)\//.test(f))).toEqual([]);
    expect(pkg.dependencies, 'the bundle needs no dependencies at run time').toBeUndefined();
  });

  it('installs offline into an empty folder and its binary checks a migration (exit 1, the findings named)', async () => {
    const bin = path.join(project, 'node_modules/.bin/migration-guard');
    expect((await run(bin, ['--version'], { cwd: project })).stdout.trim()).toBe(pkg.version);
    const result = await run(bin, ['check', '--format', 'json', '--replay', 'off', 'db/migrations'], { cwd: project }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { verdict: string; findings: Array<{ rule: string; file: string }> };
    expect(report.verdict).toBe('blocked');
    expect(report.findings.map((f) => `${f.rule} ${f.file}`)).toContain('ban-drop-column db/migrations/20261125090300_cleanup.up.sql');
  });
});
