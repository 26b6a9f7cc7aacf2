import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/core/config.js';
import { compareVersions, type InputFile, type MigrationFile } from '../src/core/migration.js';
import { discoverMigrations } from '../src/conventions/index.js';
import { checkMigrations } from '../src/engine.js';
import { collectPaths } from '../src/local/workspace.js';

const files = (entries: Record<string, string>): InputFile[] => Object.entries(entries).map(([p, text]) => ({ path: p, text, change: 'added' }));
const discover = (entries: Record<string, string>) => new Map(discoverMigrations(files(entries), defaultConfig()).map((m) => [m.path, m]));
const pick = (m: MigrationFile | undefined) => m && { convention: m.convention, role: m.role, version: m.version, partner: m.partner, tx: m.sections.map((s) => [s.role, s.implicitTransaction]) };

describe('conventions', () => {
  it('golang-migrate pairs up and down files', () => {
    const found = discover({ 'db/001_init.up.sql': '', 'db/001_init.down.sql': '', 'db/002_x.up.sql': '' });
    expect(pick(found.get('db/001_init.up.sql'))).toEqual({ convention: 'golang-migrate', role: 'up', version: '001', partner: 'db/001_init.down.sql', tx: [['up', false]] });
    expect(found.get('db/002_x.up.sql')!.partner).toBeUndefined();
  });

  it('diesel directories pair, and metadata.toml can turn the transaction off (never a migration itself)', () => {
    const found = discover({
      'migrations/2024-01-01-000000_a/up.sql': '',
      'migrations/2024-01-01-000000_a/down.sql': '',
      'migrations/2024-02-01-000000_b/up.sql': '',
      'migrations/2024-02-01-000000_b/metadata.toml': 'run_in_transaction = false\n',
    });
    expect(pick(found.get('migrations/2024-01-01-000000_a/up.sql'))).toMatchObject({ convention: 'diesel', version: '2024-01-01-000000', partner: 'migrations/2024-01-01-000000_a/down.sql', tx: [['up', true]] });
    expect(pick(found.get('migrations/2024-02-01-000000_b/up.sql'))!.tx).toEqual([['up', false]]);
    expect(found.has('migrations/2024-02-01-000000_b/metadata.toml')).toBe(false);
  });

  it('sourcegraph directories are recognised by metadata.yaml', () => {
    const found = discover({ 'migrations/frontend/1528395834/up.sql': '', 'migrations/frontend/1528395834/down.sql': '', 'migrations/frontend/1528395834/metadata.yaml': 'name: x' });
    expect(pick(found.get('migrations/frontend/1528395834/up.sql'))).toMatchObject({ convention: 'sourcegraph', partner: 'migrations/frontend/1528395834/down.sql' });
  });

  it('Flyway: V/U pair by version, R runs last, versions compare naturally', () => {
    const migrations = discoverMigrations(files({ 'db/V10__c.sql': '', 'db/V2__b.sql': '', 'db/V1_1__a.sql': '', 'db/U2__b.sql': '', 'db/R__views.sql': '' }), defaultConfig());
    const byPath = new Map(migrations.map((m) => [m.path, m]));
    expect(byPath.get('db/V2__b.sql')!.partner).toBe('db/U2__b.sql');
    expect(byPath.get('db/U2__b.sql')!.role).toBe('down');
    expect(byPath.get('db/R__views.sql')!.role).toBe('repeatable');
    const order = [...migrations].filter((m) => m.role !== 'down').sort((a, b) => compareVersions(a.version, b.version)).map((m) => m.path);
    expect(order).toEqual(['db/V1_1__a.sql', 'db/V2__b.sql', 'db/V10__c.sql', 'db/R__views.sql']);
  });

  it('dbmate sections, with transaction:false per section, CRLF included', () => {
    const text = '-- migrate:up transaction:false\r\nCREATE INDEX CONCURRENTLY i ON t (c);\r\n\r\n-- migrate:down\r\nDROP INDEX i;\r\n';
    const m = discover({ 'db/migrations/20240101_idx.sql': text }).get('db/migrations/20240101_idx.sql')!;
    expect(pick(m)).toMatchObject({ convention: 'dbmate', role: 'up-down', version: '20240101', tx: [['up', false], ['down', true]] });
    expect(text.slice(m.sections[1]!.start, m.sections[1]!.end).trim()).toBe('DROP INDEX i;');
  });

  it('goose: sections, NO TRANSACTION, and StatementBegin/End keep real line numbers', async () => {
    const text = '-- +goose Up\n-- +goose NO TRANSACTION\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n-- +goose StatementEnd\nALTER TABLE t DROP COLUMN c;\n-- +goose Down\nSELECT 1;\n';
    const m = discover({ 'db/00002_f.sql': text }).get('db/00002_f.sql')!;
    expect(pick(m)).toMatchObject({ convention: 'goose', role: 'up-down', version: '00002', tx: [['up', false], ['down', false]] });
    const report = await checkMigrations(files({ 'db/00002_f.sql': text }), defaultConfig());
    expect(report.files[0]!.statements.map((s) => [s.section, s.kind, s.line])).toEqual([
      ['up', 'CreateFunctionStmt', 4],
      ['up', 'AlterTableStmt', 6],
      ['down', 'SelectStmt', 8],
    ]);
  });

  it('sqitch: deploy/revert/verify roles, order from sqitch.plan', () => {
    const found = discover({
      'sql/sqitch.plan': '%syntax-version=1.0.0\n%project=x\n\nusers 2024-01-01T00:00:00Z Dev <d@e> # users\n@v1 2024-01-02T00:00:00Z Dev <d@e>\nappschema [users] 2024-01-03T00:00:00Z Dev <d@e>\n',
      'sql/deploy/appschema.sql': '',
      'sql/deploy/users.sql': '',
      'sql/revert/users.sql': '',
      'sql/verify/users.sql': '',
    });
    expect(pick(found.get('sql/deploy/users.sql'))).toMatchObject({ convention: 'sqitch', role: 'up', version: '000000', partner: 'sql/revert/users.sql', tx: [['up', false]] });
    expect(found.get('sql/deploy/appschema.sql')!.version).toBe('000001');
    expect(found.get('sql/verify/users.sql')!.role).toBe('verify');
    expect(found.has('sql/sqitch.plan')).toBe(false);
  });

  it('Prisma and Supabase expect no down files and run in a transaction', () => {
    const found = discover({ 'prisma/migrations/20240101000000_init/migration.sql': '', 'supabase/migrations/20240101000000_init.sql': '' });
    expect(pick(found.get('prisma/migrations/20240101000000_init/migration.sql'))).toMatchObject({ convention: 'prisma', role: 'up', tx: [['up', true]] });
    expect(found.get('prisma/migrations/20240101000000_init/migration.sql')!.expectsDown).toBe(false);
    expect(pick(found.get('supabase/migrations/20240101000000_init.sql'))).toMatchObject({ convention: 'supabase', tx: [['up', true]] });
  });

  it('the config can force a convention; the rest falls back to plain', () => {
    const migrations = discoverMigrations(files({ 'db/001_a.up.sql': '', 'x/other.sql': '' }), { ...defaultConfig(), convention: 'flyway' });
    expect(migrations.map((m) => m.convention)).toEqual(['plain', 'plain']);
  });
});


const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const EXPECTED: Record<string, { convention: string; roles: Record<string, number>; paired: boolean }> = {
  'Cap-go__capgo': { convention: 'supabase', roles: { up: 350 }, paired: false },
  LemmyNet__lemmy: { convention: 'diesel', roles: { up: 200, down: 200 }, paired: true },
  Tamarou__Registry: { convention: 'sqitch', roles: { up: 67, down: 67, verify: 67 }, paired: true },
  documenso__documenso: { convention: 'prisma', roles: { up: 163 }, paired: false },
  'kestra-io__kestra': { convention: 'flyway', roles: { up: 26 }, paired: false },
  openmeterio__openmeter: { convention: 'golang-migrate', roles: { up: 200, down: 200 }, paired: true },
  supabase__postgres: { convention: 'dbmate', roles: { 'up-down': 30 }, paired: false },
};

describe('the DEV corpus (../shared/corpus)', () => {
  it('is present (CI clones the project with shared/ beside it)', () => {
    expect(existsSync(CORPUS), `${CORPUS} is missing`).toBe(true);
  });

  describe.each(Object.entries(EXPECTED))('%s', (repo, expected) => {
    it(`is detected as ${expected.convention}, every file once, with its pairing`, async () => {
      const { files: inputs } = await collectPaths([path.join(CORPUS, repo)], CORPUS);
      const migrations = discoverMigrations(inputs, defaultConfig());
      const sqlFiles = inputs.filter((f) => f.path.endsWith('.sql')).map((f) => f.path).sort();
      expect(migrations.map((m) => m.path).sort()).toEqual(sqlFiles);
      expect(new Set(migrations.map((m) => m.convention))).toEqual(new Set([expected.convention]));
      const roles: Record<string, number> = {};
      for (const m of migrations) roles[m.role] = (roles[m.role] ?? 0) + 1;
      expect(roles).toEqual(expected.roles);
      for (const m of migrations.filter((x) => x.role === 'up' || x.role === 'down')) {
        if (expected.paired) expect(m.partner, `${m.path} has no partner`).toBeDefined();
      }
      if (expected.convention === 'dbmate') for (const m of migrations) expect(m.sections.map((s) => s.role)).toEqual(['up', 'down']);
    });

    it('runs through the engine without a crash; every .sql file is in the report with its role', async () => {
      const { files: inputs } = await collectPaths([path.join(CORPUS, repo)], CORPUS);
      const report = await checkMigrations(inputs, defaultConfig());
      const reported = new Map(report.files.map((f) => [f.path, f.role]));
      for (const input of inputs.filter((f) => f.path.endsWith('.sql'))) expect(reported.get(input.path), input.path).toBeDefined();
      expect(report.findings.filter((f) => f.messageId === 'internalError')).toEqual([]);
    });
  });
});
