// Each migration tool as it really runs: every test is named after a documented behaviour of
// the tool (the source or documentation is cited next to the convention's code in src/conventions).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATION_GLOBS, discoverMigrations, isCompanionFile } from '../../src/conventions/index.js';
import { defaultConfig } from '../../src/core/config.js';
import { compareVersions, type InputFile, type MigrationFile } from '../../src/core/migration.js';
import { checkMigrations } from '../../src/engine.js';

type FileSpec = string | { text: string; change: InputFile['change'] };
const files = (entries: Record<string, FileSpec>): InputFile[] =>
  Object.entries(entries).map(([p, spec]) => (typeof spec === 'string' ? { path: p, text: spec, change: 'added' } : { path: p, ...spec }));
const discover = (entries: Record<string, FileSpec>) => new Map(discoverMigrations(files(entries), defaultConfig()).map((m) => [m.path, m]));
const pick = (m: MigrationFile | undefined) => m && { convention: m.convention, role: m.role, version: m.version, partner: m.partner, tx: m.sections.map((s) => [s.role, s.implicitTransaction]) };
const check = async (entries: Record<string, FileSpec>) => (await checkMigrations(files(entries), defaultConfig())).findings;
const rules = (findings: { ruleId: string; messageId: string }[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId).map((f) => f.messageId);

describe('golang-migrate', () => {
  it('pairs <version>_<name>.up.sql with its .down.sql', () => {
    const found = discover({ 'db/001_init.up.sql': '', 'db/001_init.down.sql': '', 'db/002_x.up.sql': '' });
    expect(pick(found.get('db/001_init.up.sql'))).toEqual({ convention: 'golang-migrate', role: 'up', version: '001', partner: 'db/001_init.down.sql', tx: [['up', false]] });
    expect(found.get('db/002_x.up.sql')!.partner).toBeUndefined();
  });

  it('sends a file as one query: a lone CONCURRENTLY statement runs, two fail together', async () => {
    expect(rules(await check({ 'db/001_idx.up.sql': 'CREATE INDEX CONCURRENTLY i ON t (c);' }), 'ban-concurrently-in-transaction')).toEqual([]);
    expect(rules(await check({ 'db/001_idx.up.sql': 'CREATE INDEX CONCURRENTLY i ON t (c);\nCREATE INDEX CONCURRENTLY j ON t (d);' }), 'ban-concurrently-in-transaction')).toEqual(['multiStatement', 'multiStatement']);
  });
});

describe('golang-migrate versions', () => {
  it('are numbers: 1_a and 001_b are the same version, a duplicate', async () => {
    const findings = await check({ 'db/1_a.up.sql': { text: 'SELECT 1;', change: 'unchanged' }, 'db/001_b.up.sql': 'SELECT 2;' });
    expect(rules(findings, 'require-unique-migration-version')).toEqual(['duplicate']);
  });
});

describe('.up.sql / .down.sql pairs outside golang-migrate names (V0001.Name.up.sql)', () => {
  it('pairs the up with its down, and the down is a rollback, not a forward migration', async () => {
    const found = discover({ 'db/V0001.Users.up.sql': '', 'db/V0001.Users.down.sql': '' });
    expect(pick(found.get('db/V0001.Users.up.sql'))).toMatchObject({ role: 'up', partner: 'db/V0001.Users.down.sql' });
    expect(pick(found.get('db/V0001.Users.down.sql'))).toMatchObject({ role: 'down', partner: 'db/V0001.Users.up.sql', tx: [['down', false]] });
    const findings = await check({ 'db/V0001.Users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);', 'db/V0001.Users.down.sql': 'DROP TABLE users;' });
    expect(rules(findings, 'ban-drop-table')).toEqual([]);
  });
});

describe('diesel', () => {
  it('pairs directories, and metadata.toml run_in_transaction = false turns the transaction off (never a migration itself)', () => {
    const found = discover({
      'migrations/2024-01-01-000000_a/up.sql': '',
      'migrations/2024-01-01-000000_a/down.sql': '',
      'migrations/2024-02-01-000000_b/up.sql': '',
      'migrations/2024-02-01-000000_b/metadata.toml': 'run_in_transaction = false\n',
    });
    expect(pick(found.get('migrations/2024-01-01-000000_a/up.sql'))).toMatchObject({ convention: 'diesel', partner: 'migrations/2024-01-01-000000_a/down.sql', tx: [['up', true]] });
    expect(pick(found.get('migrations/2024-02-01-000000_b/up.sql'))!.tx).toEqual([['up', false]]);
    expect(found.has('migrations/2024-02-01-000000_b/metadata.toml')).toBe(false);
  });

  it('orders versions with the dashes removed, as diesel does (2026-07-30-140000-0000 after 20170820180453)', () => {
    const found = discover({ 'migrations/2026-07-30-140000-0000_x/up.sql': '', 'migrations/20170820180453_y/up.sql': '', 'migrations/2017-08-21-000000_z/up.sql': '' });
    expect(found.get('migrations/2026-07-30-140000-0000_x/up.sql')!.version).toBe('202607301400000000');
    const order = [...found.values()].sort((a, b) => compareVersions(a.version, b.version)).map((m) => m.name);
    expect(order).toEqual(['y', 'z', 'x']);
  });

  it('a new dashed migration after an applied undashed one is not out of order', async () => {
    const findings = await check({
      'migrations/20170820180453_y/up.sql': { text: 'CREATE TABLE y (id bigint PRIMARY KEY);', change: 'unchanged' },
      'migrations/20170820180453_y/down.sql': { text: 'DROP TABLE y;', change: 'unchanged' },
      'migrations/2026-07-30-140000-0000_x/up.sql': 'CREATE TABLE x (id bigint PRIMARY KEY);',
      'migrations/2026-07-30-140000-0000_x/down.sql': 'DROP TABLE x;',
    });
    expect(rules(findings, 'ban-out-of-order-migration')).toEqual([]);
  });
});

describe('drizzle-kit', () => {
  const journal = (...tags: [string, number][]) => JSON.stringify({ version: '7', dialect: 'postgresql', entries: tags.map(([tag, when], idx) => ({ idx, version: '7', when, tag, breakpoints: true })) });

  it('drizzle/ is a default location, and the journal is read with the SQL files', () => {
    const isMigration = picomatch(DEFAULT_MIGRATION_GLOBS, { dot: true });
    expect(isMigration('drizzle/0000_init.sql')).toBe(true);
    expect(isMigration('drizzle/meta/_journal.json')).toBe(true);
    expect(isCompanionFile('drizzle/meta/_journal.json')).toBe(true);
    expect(isCompanionFile('drizzle/meta/0000_snapshot.json')).toBe(false);
  });

  it('orders migrations by their place in meta/_journal.json, not by name', () => {
    const found = discover({ 'drizzle/meta/_journal.json': journal(['0001_b', 1], ['0000_a', 2]), 'drizzle/0000_a.sql': '', 'drizzle/0001_b.sql': '' });
    expect(pick(found.get('drizzle/0001_b.sql'))).toMatchObject({ convention: 'drizzle', role: 'up', version: '000000', tx: [['up', true]] });
    expect(found.get('drizzle/0000_a.sql')!.version).toBe('000001');
    expect(found.has('drizzle/meta/_journal.json')).toBe(false);
  });

  it('a file missing from the journal is never applied, and the report says so', async () => {
    const findings = await check({ 'drizzle/meta/_journal.json': journal(['0000_a', 1]), 'drizzle/0000_a.sql': 'SELECT 1;', 'drizzle/0001_b.sql': 'SELECT 2;' });
    const note = findings.filter((f) => f.ruleId === 'parse-error' && f.messageId === 'convention');
    expect(note.map((f) => [f.file, f.severity])).toEqual([['drizzle/0001_b.sql', 'warning']]);
    expect(note[0]!.message).toContain('never applies it');
  });

  it('an entry whose "when" is not after an earlier one is skipped by databases that applied the earlier', async () => {
    const findings = await check({ 'drizzle/meta/_journal.json': journal(['0000_a', 5], ['0001_b', 3]), 'drizzle/0000_a.sql': 'SELECT 1;', 'drizzle/0001_b.sql': 'SELECT 2;' });
    expect(findings.filter((f) => f.messageId === 'convention').map((f) => f.file)).toEqual(['drizzle/0001_b.sql']);
  });

  it('drizzle-kit 1.0 folders (drizzle/<timestamp>_<name>/migration.sql, no journal) are migrations known by folder name, run in its transaction', async () => {
    const found = discover({ 'drizzle/20250101120000_init/migration.sql': '', 'drizzle/20250102120000_users/migration.sql': '' });
    expect(pick(found.get('drizzle/20250102120000_users/migration.sql'))).toMatchObject({ convention: 'drizzle', role: 'up', version: '20250102120000_users', tx: [['up', true]] });
    expect(rules(await check({ 'drizzle/20250101120000_idx/migration.sql': 'CREATE INDEX CONCURRENTLY i ON t (c);' }), 'ban-concurrently-in-transaction')).toEqual(['inTransaction']);
  });

  it("a BEGIN in a migration nests in drizzle's own transaction", async () => {
    expect(rules(await check({ 'drizzle/meta/_journal.json': journal(['0000_a', 1]), 'drizzle/0000_a.sql': 'BEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;' }), 'ban-nested-transaction')).toEqual(['nestedBegin']);
  });

  it('runs every migration in a transaction: CONCURRENTLY fails there; statement-breakpoint pieces are statements at their own lines', async () => {
    const text = 'CREATE TABLE "a" ("id" bigint PRIMARY KEY);\n--> statement-breakpoint\nCREATE INDEX CONCURRENTLY "a_idx" ON "b" ("id");\n';
    const report = await checkMigrations(files({ 'drizzle/meta/_journal.json': journal(['0000_a', 1]), 'drizzle/0000_a.sql': text }), defaultConfig());
    expect(report.files[0]!.statements.map((s) => [s.kind, s.line])).toEqual([
      ['CreateStmt', 1],
      ['IndexStmt', 3],
    ]);
    expect(rules(report.findings, 'ban-concurrently-in-transaction')).toEqual(['inTransaction']);
  });
});

describe('sourcegraph', () => {
  it('directories are recognised by metadata.yaml and pair up.sql with down.sql', () => {
    const found = discover({ 'migrations/frontend/1528395834/up.sql': '', 'migrations/frontend/1528395834/down.sql': '', 'migrations/frontend/1528395834/metadata.yaml': 'name: x' });
    expect(pick(found.get('migrations/frontend/1528395834/up.sql'))).toMatchObject({ convention: 'sourcegraph', version: '1528395834', partner: 'migrations/frontend/1528395834/down.sql', tx: [['up', true]] });
  });

  it('an up with createIndexConcurrently: true in metadata.yaml runs outside a transaction', async () => {
    const entries = {
      'migrations/frontend/1528395900/up.sql': 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);',
      'migrations/frontend/1528395900/down.sql': 'DROP INDEX IF EXISTS users_email_idx;',
      'migrations/frontend/1528395900/metadata.yaml': 'name: users email index\nparents: [1528395899]\ncreateIndexConcurrently: true\n',
    };
    expect(pick(discover(entries).get('migrations/frontend/1528395900/up.sql'))!.tx).toEqual([['up', false]]);
    expect(rules(await check(entries), 'ban-concurrently-in-transaction')).toEqual([]);
    const withoutFlag = { ...entries, 'migrations/frontend/1528395900/metadata.yaml': 'name: users email index\nparents: [1528395899]\n' };
    expect(rules(await check(withoutFlag), 'ban-concurrently-in-transaction')).toEqual(['inTransaction']);
  });

  it('an outermost BEGIN; ... COMMIT; is stripped by sourcegraph, so it does not nest in its transaction', async () => {
    const entries = {
      'migrations/frontend/1528395868/up.sql': '-- +++\n-- parent: 1528395867\n-- +++\n\nBEGIN;\n\nCREATE TABLE t (id bigint);\n\nCOMMIT;\n',
      'migrations/frontend/1528395868/down.sql': 'BEGIN;\nDROP TABLE IF EXISTS t;\nCOMMIT;\n',
      'migrations/frontend/1528395868/metadata.yaml': 'name: t\n',
    };
    const findings = await check(entries);
    expect(rules(findings, 'ban-nested-transaction')).toEqual([]);
    const up = discover(entries).get('migrations/frontend/1528395868/up.sql')!;
    expect(entries['migrations/frontend/1528395868/up.sql'].slice(up.sections[0]!.start, up.sections[0]!.end).trim()).toBe('CREATE TABLE t (id bigint);');
  });
});

describe('Prisma Migrate', () => {
  it('expects no down files; the script is one query, so a multi-statement script is one implicit transaction', async () => {
    const found = discover({ 'prisma/migrations/20240101000000_init/migration.sql': '' });
    expect(pick(found.get('prisma/migrations/20240101000000_init/migration.sql'))).toMatchObject({ convention: 'prisma', role: 'up', version: '20240101000000_init', tx: [['up', false]] });
    expect(found.get('prisma/migrations/20240101000000_init/migration.sql')!.expectsDown).toBe(false);
    const two = await check({ 'prisma/migrations/20240101000000_idx/migration.sql': 'CREATE INDEX CONCURRENTLY i ON t (c);\nCREATE INDEX CONCURRENTLY j ON t (d);' });
    expect(two.filter((f) => f.ruleId === 'ban-concurrently-in-transaction').map((f) => f.message)).toEqual([expect.stringContaining('prisma sends this file as one multi-statement query'), expect.stringContaining('prisma sends')]);
  });

  it('a migration whose only statement is CREATE INDEX CONCURRENTLY runs outside a transaction', async () => {
    const findings = await check({ 'prisma/migrations/20240101000000_idx/migration.sql': '-- CreateIndex\nCREATE INDEX CONCURRENTLY "User_email_idx" ON "User"("email");\n' });
    expect(rules(findings, 'ban-concurrently-in-transaction')).toEqual([]);
  });

  it("its generated BEGIN; ... COMMIT; around an enum change is not a nested transaction", async () => {
    const text = 'BEGIN;\nCREATE TYPE "Role_new" AS ENUM (\'USER\', \'ADMIN\');\nALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");\nCOMMIT;\n';
    expect(rules(await check({ 'prisma/migrations/20240101000000_role/migration.sql': text }), 'ban-nested-transaction')).toEqual([]);
  });

  it('two folders with the same timestamp are two migrations (Prisma keys by folder name)', async () => {
    const findings = await check({
      'prisma/migrations/20240101000000_a/migration.sql': { text: 'CREATE TABLE a (id bigint PRIMARY KEY);', change: 'unchanged' },
      'prisma/migrations/20240101000000_b/migration.sql': 'CREATE TABLE b (id bigint PRIMARY KEY);',
    });
    expect(rules(findings, 'require-unique-migration-version')).toEqual([]);
  });
});

describe('Supabase CLI', () => {
  it("claims only names that match the CLI's <version>_<name>.sql", () => {
    const found = discover({ 'supabase/migrations/20240101000000_init.sql': '', 'supabase/migrations/seed.sql': '' });
    expect(pick(found.get('supabase/migrations/20240101000000_init.sql'))).toMatchObject({ convention: 'supabase', version: '20240101000000', tx: [['up', true]] });
    expect(found.get('supabase/migrations/seed.sql')!.convention).toBe('plain');
  });

  it('runs a file as one pipeline: CONCURRENTLY only as its first statement', async () => {
    const first = await check({ 'supabase/migrations/20240101000000_idx.sql': 'CREATE INDEX CONCURRENTLY i ON t (c);\nDROP INDEX IF EXISTS old_idx;' });
    expect(rules(first, 'ban-concurrently-in-transaction')).toEqual([]);
    const second = await check({ 'supabase/migrations/20240101000000_idx.sql': 'DROP INDEX IF EXISTS old_idx;\nDROP INDEX CONCURRENTLY i;' });
    expect(rules(second, 'ban-concurrently-in-transaction')).toEqual(['pipeline']);
  });

  it('a BEGIN in the pipeline makes its implicit block explicit: not a nested transaction', async () => {
    expect(rules(await check({ 'supabase/migrations/20240101000000_a.sql': 'CREATE TABLE b (id bigint);\nBEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;' }), 'ban-nested-transaction')).toEqual([]);
  });
});

describe('Flyway', () => {
  it('V/U pair by version, R runs last, versions compare naturally', () => {
    const migrations = discoverMigrations(files({ 'db/V10__c.sql': '', 'db/V2__b.sql': '', 'db/V1_1__a.sql': '', 'db/U2__b.sql': '', 'db/R__views.sql': '' }), defaultConfig());
    const byPath = new Map(migrations.map((m) => [m.path, m]));
    expect(byPath.get('db/V2__b.sql')!.partner).toBe('db/U2__b.sql');
    expect(byPath.get('db/U2__b.sql')!.role).toBe('down');
    expect(byPath.get('db/R__views.sql')!.role).toBe('repeatable');
    const order = [...migrations].filter((m) => m.role !== 'down').sort((a, b) => compareVersions(a.version, b.version)).map((m) => m.path);
    expect(order).toEqual(['db/V1_1__a.sql', 'db/V2__b.sql', 'db/V10__c.sql', 'db/R__views.sql']);
  });

  it('knows a migration by its version, trailing zero parts ignored: V1__a and V1.0__b are a duplicate', async () => {
    const findings = await check({ 'db/V1__a.sql': { text: 'SELECT 1;', change: 'unchanged' }, 'db/V1.0__b.sql': 'SELECT 2;', 'db/V1_1__c.sql': 'SELECT 3;' });
    expect(findings.filter((f) => f.ruleId === 'require-unique-migration-version').map((f) => f.file)).toEqual(['db/V1.0__b.sql']);
  });

  it('runs a script with CREATE/DROP INDEX CONCURRENTLY outside a transaction on its own', async () => {
    const found = discover({ 'db/V2__idx.sql': '-- build it online\ncreate  unique index\n  concurrently i on t (c);', 'db/V3__drop.sql': 'DROP INDEX CONCURRENTLY j;', 'db/V4__plain.sql': 'CREATE INDEX k ON t (c);' });
    expect(pick(found.get('db/V2__idx.sql'))!.tx).toEqual([['up', false]]);
    expect(pick(found.get('db/V3__drop.sql'))!.tx).toEqual([['up', false]]);
    expect(pick(found.get('db/V4__plain.sql'))!.tx).toEqual([['up', true]]);
    expect(rules(await check({ 'db/V2__idx.sql': 'CREATE INDEX CONCURRENTLY i ON t (c);' }), 'ban-concurrently-in-transaction')).toEqual([]);
  });

  it('does not detect REINDEX TABLE ... CONCURRENTLY, so that script stays in a transaction and fails', async () => {
    expect(rules(await check({ 'db/V2__reindex.sql': 'REINDEX TABLE CONCURRENTLY t;' }), 'ban-concurrently-in-transaction')).toEqual(['inTransaction']);
  });

  it('refuses a script that mixes non-transactional and transactional statements (mixed=false)', async () => {
    const findings = await check({ 'db/V2__mixed.sql': 'CREATE INDEX CONCURRENTLY i ON t (c);\nALTER TABLE t ADD COLUMN d text;' });
    expect(findings.filter((f) => f.messageId === 'convention').map((f) => [f.severity, f.message.slice(0, 40)])).toEqual([['error', 'Flyway: this script mixes statements tha']]);
  });

  it('honours executeInTransaction in the script configuration file <script>.conf', async () => {
    const found = discover({ 'db/V2__x.sql': 'ALTER TYPE mood ADD VALUE \'meh\';', 'db/V2__x.sql.conf': 'executeInTransaction=false\n', 'db/V3__y.sql': 'CREATE INDEX CONCURRENTLY i ON t (c);', 'db/V3__y.sql.conf': 'executeInTransaction = true\n' });
    expect(pick(found.get('db/V2__x.sql'))!.tx).toEqual([['up', false]]);
    expect(pick(found.get('db/V3__y.sql'))!.tx).toEqual([['up', true]]);
    expect(found.has('db/V2__x.sql.conf')).toBe(false);
    expect(isCompanionFile('db/V2__x.sql.conf')).toBe(true);
  });
});

describe('dbmate', () => {
  it('sections, with transaction:false per section, CRLF included', () => {
    const text = '-- migrate:up transaction:false\r\nCREATE INDEX CONCURRENTLY i ON t (c);\r\n\r\n-- migrate:down\r\nDROP INDEX i;\r\n';
    const m = discover({ 'db/migrations/20240101_idx.sql': text }).get('db/migrations/20240101_idx.sql')!;
    expect(pick(m)).toMatchObject({ convention: 'dbmate', role: 'up-down', version: '20240101', tx: [['up', false], ['down', true]] });
    expect(text.slice(m.sections[1]!.start, m.sections[1]!.end).trim()).toBe('DROP INDEX i;');
  });
});

describe('goose', () => {
  it('sections, NO TRANSACTION for the whole file, and StatementBegin/End keep real line numbers', async () => {
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

  it('the Down section is linted: DROP INDEX CONCURRENTLY in its transaction is caught', async () => {
    const findings = await check({ 'db/00003_idx.sql': '-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY i ON t (c);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY i;\n' });
    // NOTE: NO TRANSACTION covers the whole file, Down included: nothing to report.
    expect(rules(findings, 'ban-concurrently-in-transaction')).toEqual([]);
    const inDown = await check({ 'db/00003_idx.sql': '-- +goose Up\nSELECT 1;\n\n-- +goose Down\nDROP INDEX CONCURRENTLY i;\n' });
    expect(inDown.filter((f) => f.ruleId === 'ban-concurrently-in-transaction').map((f) => [f.messageId, f.span.start.line])).toEqual([['inTransaction', 5]]);
  });

  it('a file goose refuses blocks the merge, and its SQL is still checked', async () => {
    const text = "-- +goose Up\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.at = now();\n  RETURN NEW;\nEND $$;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;\n";
    const findings = await check({ 'db/00004_touch.sql': text });
    expect(findings.filter((f) => f.ruleId === 'parse-error').map((f) => [f.messageId, f.severity, f.message.slice(0, 47)])).toEqual([['convention', 'error', 'goose refuses this file at line 4: goose cuts t']]);
    expect(rules(findings, 'ban-set-not-null')).toHaveLength(1);
  });

  it('an annotation goose does not read as Down leaves what follows in the up migration, where it is checked as such', async () => {
    const findings = await check({ 'db/00005_a.sql': '-- +goose Up\nSELECT 1;\n-- +goose Down please\nDROP TABLE users;\n' });
    expect(findings.filter((f) => f.ruleId === 'parse-error').map((f) => f.message)).toEqual(['goose refuses this file at line 3: failed to parse annotation line "-- +goose Down please": "Down please" not supported']);
    expect(findings.filter((f) => f.ruleId === 'ban-drop-table').map((f) => f.span.start.line)).toEqual([4]);
  });
});

describe('sqitch', () => {
  it('deploy/revert/verify roles, order from sqitch.plan', () => {
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
});

describe('configuration', () => {
  it('the config can force a convention; the rest falls back to plain', () => {
    const migrations = discoverMigrations(files({ 'db/001_a.up.sql': '', 'x/other.sql': '' }), { ...defaultConfig(), convention: 'flyway' });
    expect(migrations.map((m) => m.convention)).toEqual(['plain', 'plain']);
  });
});

describe('DDL inside DO blocks', () => {
  const drizzleForeignKey = 'DO $$ BEGIN\n ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;\n';

  it("drizzle's foreign key in DO $$ ... EXCEPTION WHEN duplicate_object is checked, at its own line", async () => {
    const report = await checkMigrations(files({ 'db/002_fk.up.sql': `-- add the key\n${drizzleForeignKey}` }), defaultConfig());
    expect(report.files[0]!.statements.map((s) => [s.kind, s.line])).toEqual([
      ['DoStmt', 2],
      ['AlterTableStmt', 3],
    ]);
    expect(report.findings.filter((f) => f.ruleId === 'require-not-valid-foreign-key').map((f) => f.span.start.line)).toEqual([3]);
  });

  it('statements in nested blocks and IF branches are found; EXECUTE of a string literal is checked too', async () => {
    const text = "DO $$\nDECLARE n int;\nBEGIN\n  SELECT count(*) INTO n FROM t;\n  IF n > 0 THEN\n    BEGIN\n      CREATE INDEX t_c_idx ON t (c);\n    END;\n  END IF;\n  EXECUTE 'DROP INDEX t_d_idx';\nEND\n$$;\n";
    const report = await checkMigrations(files({ 'db/002_x.up.sql': text }), defaultConfig());
    expect(report.files[0]!.statements.map((s) => [s.kind, s.line])).toEqual([
      ['DoStmt', 1],
      ['SelectStmt', 4],
      ['IndexStmt', 7],
      ['DropStmt', 10],
    ]);
    expect(rules(report.findings, 'require-concurrent-index-creation')).toHaveLength(1);
    expect(rules(report.findings, 'require-concurrent-index-deletion')).toHaveLength(1);
  });

  it('EXECUTE of text built at run time is reported as unchecked, naming the EXECUTE', async () => {
    const findings = await check({ 'db/002_x.up.sql': "DO $$\nBEGIN\n  EXECUTE format('ALTER TABLE %I DROP COLUMN c', 'users');\nEND $$;\n" });
    const unchecked = findings.filter((f) => f.messageId === 'dynamicSql');
    expect(unchecked.map((f) => [f.severity, f.span.start.line])).toEqual([['warning', 3]]);
    expect(unchecked[0]!.message).toContain("EXECUTE in this DO block runs SQL built at run time (format('ALTER TABLE %I DROP COLUMN c', 'users'))");
  });

  it('a DO block whose PL/pgSQL does not parse is a parse error (it fails at deploy)', async () => {
    const findings = await check({ 'db/002_x.up.sql': 'DO $$ BEGIN ALTER TABLE t ADD COLUMN c int END $$;' });
    expect(findings.filter((f) => f.ruleId === 'parse-error').map((f) => [f.messageId, f.severity])).toEqual([['syntaxError', 'error']]);
  });

  it('a deeply nested DO body is analysed or reported as unchecked, never a crash and never passed unseen', async () => {
    // NOTE: whether 3,000 levels overflow the JavaScript stack depends on the runtime's stack size: both outcomes are right.
    const nested = (depth: number) => `DO $$ BEGIN ${'IF true THEN '.repeat(depth)}CREATE INDEX i ON t (c);${' END IF;'.repeat(depth)} END $$;`;
    const report = await checkMigrations(files({ 'db/002_x.up.sql': nested(3000) }), defaultConfig());
    const analysed = report.files[0]!.statements.some((s) => s.kind === 'IndexStmt');
    const unchecked = report.findings.some((f) => f.ruleId === 'parse-error' && f.messageId === 'dynamicSql');
    expect(analysed !== unchecked, 'exactly one of: analysed, reported as unchecked').toBe(true);
    expect(report.findings.filter((f) => f.messageId === 'internalError')).toEqual([]);
    // Past the PL/pgSQL parser's own limit the body does not parse, as in Postgres: an error.
    const tooDeep = await check({ 'db/002_x.up.sql': nested(20000) });
    expect(tooDeep.filter((f) => f.ruleId === 'parse-error').map((f) => [f.messageId, f.severity])).toEqual([['syntaxError', 'error']]);
  });

  it('a DO block in another language is one statement, reported as not checked', async () => {
    const report = await checkMigrations(files({ 'db/002_x.up.sql': "DO LANGUAGE plperl $$ print 'x'; $$;" }), defaultConfig());
    expect(report.files[0]!.statements.map((s) => s.kind)).toEqual(['DoStmt']);
    expect(report.findings.filter((f) => f.ruleId === 'parse-error').map((f) => [f.severity, f.span.start.line])).toEqual([['warning', 1]]);
  });
});

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/conventions');

/** Every file below `dir`, as input files with paths relative to it. */
function readTree(dir: string, prefix = ''): InputFile[] {
  return readdirSync(path.join(dir, prefix)).flatMap((name) => {
    const relative = prefix ? `${prefix}/${name}` : name;
    return statSync(path.join(dir, relative)).isDirectory() ? readTree(dir, relative) : [{ path: relative, text: readFileSync(path.join(dir, relative), 'utf8'), change: 'added' as const }];
  });
}

describe('real files from each tool (test/fixtures/conventions, see its SOURCES.md)', () => {
  const expected: Record<string, { convention: string; roles: Record<string, number> }> = {
    'Cap-go__capgo': { convention: 'supabase', roles: { up: 1 } },
    LemmyNet__lemmy: { convention: 'diesel', roles: { up: 2, down: 2 } },
    Tamarou__Registry: { convention: 'sqitch', roles: { up: 1, down: 1, verify: 1 } },
    documenso__documenso: { convention: 'prisma', roles: { up: 2 } },
    'kestra-io__kestra': { convention: 'flyway', roles: { up: 2 } },
    openmeterio__openmeter: { convention: 'golang-migrate', roles: { up: 1, down: 1 } },
    supabase__postgres: { convention: 'dbmate', roles: { 'up-down': 1 } },
  };

  it.each(Object.entries(expected))('%s is detected as its tool, every file once, up and down paired', (project, { convention, roles }) => {
    const inputs = readTree(path.join(FIXTURES, project));
    const migrations = discoverMigrations(inputs, defaultConfig());
    expect(migrations.map((m) => m.path).sort()).toEqual(inputs.map((f) => f.path).sort());
    expect(new Set(migrations.map((m) => m.convention))).toEqual(new Set([convention]));
    const counted: Record<string, number> = {};
    for (const m of migrations) counted[m.role] = (counted[m.role] ?? 0) + 1;
    expect(counted).toEqual(roles);
    for (const m of migrations.filter((x) => x.role === 'down')) expect(m.partner, m.path).toBeDefined();
  });

  it("diesel's 18-digit -0000 version sorts after its 14-digit one (LemmyNet/lemmy)", () => {
    const [older, newer] = discoverMigrations(readTree(path.join(FIXTURES, 'LemmyNet__lemmy')), defaultConfig())
      .filter((m) => m.role === 'up')
      .sort((a, b) => compareVersions(a.version, b.version));
    expect([older!.version, newer!.version]).toEqual(['20230606104440', '202606021220080000']);
  });

  it('CONCURRENTLY as the first statement of a Supabase migration passes (Cap-go/capgo)', async () => {
    const report = await checkMigrations(readTree(path.join(FIXTURES, 'Cap-go__capgo')), defaultConfig());
    expect(rules(report.findings, 'ban-concurrently-in-transaction')).toEqual([]);
    expect(report.files[0]!.statements.map((s) => s.kind)).toEqual(['IndexStmt', 'DropStmt']);
  });
});
