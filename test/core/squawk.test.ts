/**
 * Coming from squawk: `-- squawk-ignore` comments honoured (opt-in) through the mapped rule
 * names, and a `.squawk.toml` read when the repository has no config of ours.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliIo, main } from '../../src/cli/main.js';
import { validateConfig } from '../../src/core/config.js';
import { SQUAWK_RULES } from '../../src/core/squawk.js';
import { SQUAWK_REASON } from '../../src/core/suppressions.js';
import { checkMigrations } from '../../src/engine.js';
import type { JsonReport } from '../../src/render/json.js';
import { allRules, ruleIds } from '../../src/rules/index.js';
import { createTempRepo } from '../support/git-repo.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function findings(sql: string, squawkIgnores: boolean) {
  const config = validateConfig({ 'squawk-ignores': squawkIgnores, replay: { mode: 'off' } }, allRules);
  const report = await checkMigrations([{ path: 'migrations/001_x.sql', text: sql, change: 'added' }], config);
  return report.findings.map((f) => `${f.ruleId}${f.suppression ? ` suppressed (${f.suppression.reason})` : ''}`);
}

describe('squawk-ignore comments', () => {
  const drop = '-- squawk-ignore ban-drop-column\nALTER TABLE users DROP COLUMN email;\n';

  it('suppress nothing unless squawk-ignores is on', async () => {
    expect(await findings(drop, false)).toContain('ban-drop-column');
    expect(await findings(drop, true)).toContain(`ban-drop-column suppressed (${SQUAWK_REASON})`);
  });

  it('cover the next statement only, through squawk\'s rule names, comma-separated', async () => {
    const sql = '-- squawk-ignore renaming-column, changing-column-type\nALTER TABLE users RENAME COLUMN email TO mail;\nALTER TABLE users RENAME COLUMN name TO full_name;\n';
    const result = await findings(sql, true);
    expect(result.filter((f) => f.startsWith('ban-rename-column'))).toEqual([`ban-rename-column suppressed (${SQUAWK_REASON})`, 'ban-rename-column']);
  });

  it('squawk-ignore-file covers the file, every rule when it names none', async () => {
    const named = await findings('-- squawk-ignore-file renaming-table\nALTER TABLE a RENAME TO b;\nALTER TABLE c RENAME TO d;\nDROP TABLE e;\n', true);
    expect(named.filter((f) => f.startsWith('ban-rename-table'))).toEqual([`ban-rename-table suppressed (${SQUAWK_REASON})`, `ban-rename-table suppressed (${SQUAWK_REASON})`]);
    expect(named).toContain('ban-drop-table');
    const all = await findings('-- squawk-ignore-file\nALTER TABLE a RENAME TO b;\nDROP TABLE e;\n', true);
    expect(all.filter((f) => !f.includes('suppressed'))).toEqual([]);
  });

  it('a squawk rule without an equivalent is named, not silently dropped', async () => {
    const config = validateConfig({ 'squawk-ignores': true }, allRules);
    const report = await checkMigrations([{ path: 'migrations/001_x.sql', text: '-- squawk-ignore ban-drop-colum\nALTER TABLE users DROP COLUMN email;\n', change: 'added' }], config);
    expect(report.findings.filter((f) => f.ruleId === 'unused-ignore').map((f) => f.message)).toEqual([expect.stringContaining('This squawk-ignore comment names "ban-drop-colum", which is not a rule (did you mean "ban-drop-column"?)')]);
  });
});

describe('the squawk rule map', () => {
  it('maps only to rules of ours', () => {
    for (const [squawk, ours] of Object.entries(SQUAWK_RULES)) for (const id of ours) expect(ruleIds, squawk).toContain(id);
  });

  it('is the table in docs/coming-from-squawk.md', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/coming-from-squawk.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z-]+)` \| ([^|]+) \|$/gm)].map((m) => [m[1]!, [...m[2]!.matchAll(/`([a-z-]+)`/g)].map((n) => n[1]!)] as const);
    expect(Object.fromEntries(rows)).toEqual(SQUAWK_RULES);
  });
});

describe('.squawk.toml', () => {
  async function run(args: string[], cwd: string) {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false, env: {} };
    return { code: await main(args, io), stdout, stderr };
  }
  const migration = { 'db/migrations/001_rename.up.sql': '-- squawk-ignore ban-drop-column\nALTER TABLE users DROP COLUMN email;\nALTER TABLE users RENAME COLUMN name TO full_name;\n' };

  it('is read, from a subfolder up to the repository root, when there is no config of ours', async () => {
    const repo = createTempRepo();
    try {
      repo.commit({ ...migration, '.squawk.toml': 'excluded_rules = ["renaming-column", "ban-add-column"]\npg_version = "11.0"\nassume_in_transaction = true\n' }, 'base');
      mkdirSync(path.join(repo.root, 'db'), { recursive: true });
      const { stdout, stderr } = await run(['check', '--format', 'json', '--replay', 'off', 'migrations'], path.join(repo.root, 'db'));
      const report = JSON.parse(stdout) as JsonReport;
      expect(report.postgresVersion).toBe(11);
      const rules = report.findings.map((f) => `${f.rule}${f.suppressed ? ' suppressed' : ''}`);
      expect(rules).not.toContain('ban-rename-column');
      expect(rules).toContain('ban-drop-column suppressed');
      expect(stderr).toContain('../.squawk.toml: excluded_rules: "ban-add-column" has no migration-guard equivalent');
      expect(stderr).toContain('../.squawk.toml: assume_in_transaction: migration-guard knows from each migration tool');
      // A config of ours wins: the squawk file is not read.
      repo.write({ '.github/migration-guard.yml': 'postgres-version: 16\n' });
      const ours = JSON.parse((await run(['check', '--format', 'json', '--replay', 'off', 'migrations'], path.join(repo.root, 'db'))).stdout) as JsonReport;
      expect(ours.postgresVersion).toBe(16);
      expect(ours.findings.map((f) => f.rule)).toContain('ban-rename-column');
    } finally {
      repo.remove();
    }
  });

  it('a malformed file is a configuration error naming the file and line', async () => {
    const repo = createTempRepo();
    try {
      repo.commit({ ...migration, '.squawk.toml': 'excluded_rules = ["renaming-column"\npg_version = 13\n' }, 'base');
      const bad = await run(['check', '--replay', 'off', 'db'], repo.root);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^migration-guard: \.squawk\.toml: not valid TOML at line \d+/);
      repo.write({ '.squawk.toml': 'pg_version = "thirteen"\n' });
      expect((await run(['check', '--replay', 'off', 'db'], repo.root)).stderr).toContain('.squawk.toml: key "pg_version": expected a PostgreSQL version such as "15.0" (got "thirteen")');
    } finally {
      repo.remove();
    }
  });
});
