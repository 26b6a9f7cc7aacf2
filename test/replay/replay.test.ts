/**
 * The replay stage on both backends (PGlite and a real server): base schema, traced
 * statements (locks, rewrites, errors mapped to file lines), the down round trip, replay
 * failures as notices, and the schema file and skip settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config.js';
import type { Finding } from '../../src/core/finding.js';
import { lockInfo } from '../../src/core/locks.js';
import type { InputFile } from '../../src/core/migration.js';
import type { Report, StatementReport } from '../../src/core/report.js';
import { checkMigrations } from '../../src/engine.js';
import { toJsonReport } from '../../src/render/json.js';
import { findingReplay } from '../../src/core/observations.js';
import { openingReplayStage } from '../../src/replay/index.js';
import type { ReplayDatabase } from '../../src/replay/interface.js';
import { openPostgres } from '../../src/replay/postgres.js';
import { replayStage } from '../../src/replay/replay.js';
import { allRules } from '../../src/rules/index.js';
import { BACKENDS } from './backends.js';

const unchanged = (path: string, text: string): InputFile => ({ path, text, change: 'unchanged' });
const added = (path: string, text: string): InputFile => ({ path, text, change: 'added' });
const config = (raw: Record<string, unknown> = {}) => validateConfig(raw, allRules);

const INIT = unchanged('migrations/001_init.up.sql', 'CREATE TABLE users (id bigint PRIMARY KEY, email text, age int);\nCREATE INDEX users_email_idx ON users (email);');

describe.each(BACKENDS.map((b) => [b.name, b] as const))('replay on %s', (_name, backend) => {
  let db: ReplayDatabase;
  let url: string | undefined;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, url, close } = await backend.open());
  });
  afterAll(async () => {
    await close?.();
  });

  async function replay(files: InputFile[], raw: Record<string, unknown> = {}, schemaFile?: { path: string; text: string }): Promise<Report> {
    const cfg = config(raw);
    return checkMigrations(files, cfg, { replay: replayStage(cfg, { database: db, ...(schemaFile ? { schemaFile } : {}) }) });
  }
  const statementsOf = (report: Report, path: string) => report.files.find((f) => f.path === path)!.statements;
  const ofRule = (report: Report, ruleId: string) => report.findings.filter((f) => f.ruleId === ruleId);
  /** An observation without its timing, which only a server records (its values vary). */
  const untimed = (replay: StatementReport['replay']) => {
    const { timing, ...rest } = replay!;
    expect(timing === undefined).toBe(backend.name === 'pglite');
    return rest;
  };

  it('records locks, rewrites and locks on relations the statement drops', async () => {
    const path = 'migrations/002_change.up.sql';
    const report = await replay([INIT, added(path, 'ALTER TABLE users ALTER COLUMN age TYPE bigint;\nDROP INDEX users_email_idx;\nUPDATE users SET email = lower(email);\nALTER TABLE users ADD COLUMN note text;')]);
    const [alter, drop, update, add] = statementsOf(report, path).map((s) => s.replay);
    expect(untimed(alter)).toEqual({
      locks: [
        { relation: 'users', mode: 'ACCESS EXCLUSIVE' },
        { relation: 'users_email_idx', mode: 'ACCESS EXCLUSIVE' },
        { relation: 'users_pkey', mode: 'ACCESS EXCLUSIVE' },
      ],
      rewrites: ['users', 'users_email_idx', 'users_pkey'],
      locksObserved: true,
    });
    expect(drop!.locks).toEqual([
      { relation: 'users', mode: 'ACCESS EXCLUSIVE' },
      { relation: 'users_email_idx', mode: 'ACCESS EXCLUSIVE' },
    ]);
    expect(update!.locks).toContainEqual({ relation: 'users', mode: 'ROW EXCLUSIVE' });
    expect(update!.rewrites).toEqual([]);
    expect(untimed(add)).toEqual({ locks: [{ relation: 'users', mode: 'ACCESS EXCLUSIVE' }], rewrites: [], locksObserved: true });
    expect(report.replay).toMatchObject({ base: 'migrations', baseFiles: 1, baseFailures: 0, statements: 4, failures: 0 });
    // Findings carry the observation of their statement, and agree with it.
    const typeChange = ofRule(report, 'ban-alter-column-type')[0]!;
    expect(typeChange.replay).toMatchObject({ observedLock: 'ACCESS EXCLUSIVE', lockMismatch: false, rewrites: ['users', 'users_email_idx', 'users_pkey'] });
    const json = toJsonReport(report);
    expect(json.findings.find((f) => f.rule === 'ban-alter-column-type')!.replay).toMatchObject({ observedLock: 'ACCESS EXCLUSIVE', lockMismatch: false });
    expect(json.files[0]!.statementDetails[1]!.replay!.locks).toHaveLength(2);
  });

  it('cannot be told a weaker lock by a migration that shadows the catalog on its search_path (a blocking finding stays blocking)', async () => {
    const path = 'migrations/002_shadow.up.sql';
    // The attack: objects named like pg_catalog's in a schema searched before pg_catalog, so
    // that replay's own queries would read them and see no lock, no rewrite, no objects.
    const shadow = [
      'CREATE SCHEMA shadow',
      "CREATE VIEW shadow.pg_locks AS SELECT * FROM pg_catalog.pg_locks WHERE locktype = 'none'",
      'CREATE FUNCTION shadow.pg_backend_pid() RETURNS int LANGUAGE sql AS $$ SELECT 0 $$',
      'CREATE FUNCTION shadow.pg_relation_filenode(regclass) RETURNS oid LANGUAGE sql AS $$ SELECT 1::oid $$',
      'CREATE FUNCTION shadow.current_setting(text) RETURNS text LANGUAGE sql AS $$ SELECT \'0\'::text $$',
      'SET search_path = shadow, pg_catalog, public',
      'ALTER TABLE users ALTER COLUMN age TYPE bigint',
    ];
    const report = await replay([INIT, added(path, shadow.map((s) => `${s};\n`).join(''))]);
    const alter = statementsOf(report, path).at(-1)!.replay!;
    expect(alter.locks).toContainEqual({ relation: 'users', mode: 'ACCESS EXCLUSIVE' });
    expect(alter.rewrites).toContain('users');
    const typeChange = ofRule(report, 'ban-alter-column-type')[0]!;
    expect(typeChange.severity).toBe('error');
    expect(typeChange.replay).toMatchObject({ observedLock: 'ACCESS EXCLUSIVE', lockMismatch: false });
    expect(report.verdict).toBe('blocked');
  });

  it('runs CONCURRENTLY outside a transaction, where its locks cannot be read', async () => {
    const path = 'migrations/002_idx.up.sql';
    const report = await replay([INIT, added(path, 'CREATE INDEX CONCURRENTLY users_age_idx ON users (age);')]);
    expect(untimed(statementsOf(report, path)[0]!.replay)).toEqual({ locks: [], rewrites: [], locksObserved: false });
    expect(ofRule(report, 'replay-incomplete')).toEqual([]);
  });

  it('honours the file’s own BEGIN and COMMIT: the statements between run in that one transaction', async () => {
    const path = 'migrations/002_tx.up.sql';
    const report = await replay([INIT, added(path, 'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nUPDATE users SET email = lower(email);\nCOMMIT;\nALTER TABLE users ADD COLUMN b int;')]);
    const statements = statementsOf(report, path);
    expect(statements.map((s) => s.replay === undefined)).toEqual([true, false, false, true, false]);
    // Inside the block the UPDATE still holds what the ALTER before it took: the block's locks.
    expect(statements[2]!.replay!.locks).toContainEqual({ relation: 'users', mode: 'ACCESS EXCLUSIVE' });
    expect(statements[2]!.replay!.transactionBlock).toBe(true);
    // NOTE: on a server the observation also carries its timing (production context); the rest is exact.
    const { timing: _timing, ...afterBlock } = statements[4]!.replay!;
    expect(afterBlock).toEqual({ locks: [{ relation: 'users', mode: 'ACCESS EXCLUSIVE' }], rewrites: [], locksObserved: true });
    expect(ofRule(report, 'replay-incomplete')).toEqual([]);
  });

  it('keeps an ON COMMIT DROP temp table until the file’s COMMIT, in the up and in base migrations', async () => {
    const block = (table: string) => `BEGIN;\nCREATE TEMP TABLE ${table} (id bigint) ON COMMIT DROP;\nINSERT INTO ${table} SELECT id FROM users;\nUPDATE users SET age = 1 WHERE id IN (SELECT id FROM ${table});\nCOMMIT;`;
    const report = await replay([INIT, unchanged('migrations/002_base.up.sql', block('old_ids')), added('migrations/003_tmp.up.sql', `${block('new_ids')}\nSELECT count(*) FROM users;`)]);
    expect(ofRule(report, 'replay-incomplete')).toEqual([]);
    expect(report.replay).toMatchObject({ baseFailures: 0, failures: 0, statements: 4 });
    // After the COMMIT the temp table is gone, as in production.
    const after = await replay([INIT, added('migrations/003_tmp.up.sql', `${block('new_ids')}\nSELECT count(*) FROM new_ids;`)]);
    expect(ofRule(after, 'replay-incomplete').map((f) => f.messageId)).toEqual(['statementFailed']);
    expect(ofRule(after, 'replay-incomplete')[0]!.message).toContain('relation "new_ids" does not exist');
  });

  it('rolls back a block that fails, as Postgres does, and stops there', async () => {
    const path = 'migrations/002_tx.up.sql';
    const report = await replay([INIT, added(path, 'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;')]);
    expect(ofRule(report, 'replay-incomplete').map((f) => f.messageId)).toEqual(['statementFailed']);
    expect(statementsOf(report, path)[2]!.replay!.error!.message).toContain('already exists');
  });

  it('maps an error position to the file line and reports a notice that never blocks', async () => {
    const path = 'migrations/002_broken.up.sql';
    const report = await replay([INIT, added(path, '-- a comment\nALTER TABLE users ADD COLUMN a int;\nSELECT id,\n  missing_column\nFROM users;\nALTER TABLE users ADD COLUMN b int;')]);
    const statements = statementsOf(report, path);
    expect(statements[1]!.replay!.error).toEqual({ message: 'column "missing_column" does not exist', line: 4, code: '42703' });
    expect(statements[2]!.replay, 'statements after the failure are not replayed').toBeUndefined();
    const [notice] = ofRule(report, 'replay-incomplete');
    expect(notice).toMatchObject({ severity: 'notice', messageId: 'statementFailed', file: path });
    expect(notice!.span.start.line).toBe(3);
    expect(notice!.message).toContain('(line 4): column "missing_column" does not exist. Not replayed: the 1 statement after it.');
    expect(notice!.fix).toContain('schema-file');
    expect(notice!.fix).toContain('--database-url');
    expect(report.blocking).not.toContain(notice);
  });

  it('turns a missing extension into a notice naming what to configure, without crashing', async () => {
    const path = 'migrations/002_geo.up.sql';
    const report = await replay([INIT, added(path, 'CREATE EXTENSION IF NOT EXISTS postgis;\nALTER TABLE users ADD COLUMN location geometry(Point, 4326);')]);
    const notices = ofRule(report, 'replay-incomplete');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message).toMatch(/line 1\): .*postgis/);
    expect(notices[0]!.fix).toContain(`skip: ["${path}"]`);
    expect(report.blocking.filter((f) => f.ruleId === 'replay-incomplete')).toEqual([]);
  });

  it('reports base migrations that fail, with file and line, and goes on', async () => {
    const broken = unchanged('migrations/001_init.up.sql', 'CREATE TABLE users (id bigint PRIMARY KEY);\nGRANT SELECT ON users TO reporting_role_that_does_not_exist;\nCREATE TABLE orders (id bigint);');
    const report = await replay([broken, added('migrations/002_x.up.sql', 'ALTER TABLE orders ADD COLUMN total numeric;')]);
    const [notice] = ofRule(report, 'replay-incomplete');
    expect(notice).toMatchObject({ messageId: 'baseFailed', file: 'migrations/001_init.up.sql', details: { line: 2 } });
    expect(notice!.message).toContain('reporting_role_that_does_not_exist');
    expect(report.replay).toMatchObject({ baseFiles: 1, baseFailedFiles: 1, baseFailures: 1, failures: 0 });
  });

  it('cannot be told "nothing changed" by a migration that replaces the schema reader\'s prepared statement', async () => {
    // The attack: the up swaps replay's prepared schema query for one that reports no change,
    // so that a down that leaves the new column behind would look clean.
    const selves = ['n', 'pg_namespace', 'e', 'pg_extension', 'c', 'pg_class', 'k', 'pg_constraint', 'y', 'pg_type', 'p', 'pg_proc', 'g', 'pg_trigger'];
    const present = Array.from({ length: selves.length / 2 }, (_, i) => `SELECT '${selves[2 * i]}' || oid AS s FROM pg_catalog.${selves[2 * i + 1]}`).join(' UNION ALL ');
    const forged = `SELECT '[]'::text AS parts, '[]'::text AS changed, (SELECT json_agg(s)::text FROM (${present}) x) AS present, pg_snapshot_xmax(pg_current_snapshot())::text::int8::float8 AS watermark`;
    const up = ['ALTER TABLE users ADD COLUMN phone text', 'DEALLOCATE ALL', `PREPARE migration_guard_schema_changes AS ${forged}`].map((s) => `${s};\n`).join('');
    // NOTE: a first migration with a down, so that replay has prepared its statement before the attack runs.
    const first = [added('migrations/002_note.up.sql', 'ALTER TABLE users ADD COLUMN note text;'), added('migrations/002_note.down.sql', 'ALTER TABLE users DROP COLUMN note;')];
    const first2 = [added('migrations/003_nick.up.sql', 'ALTER TABLE users ADD COLUMN nick text;'), added('migrations/003_nick.down.sql', 'ALTER TABLE users DROP COLUMN nick;')];
    const report = await replay([INIT, ...first, ...first2, added('migrations/004_forge.up.sql', up), added('migrations/004_forge.down.sql', 'SELECT 1;')]);
    const differences = ofRule(report, 'down-not-reversible').filter((f) => f.messageId === 'difference');
    expect(differences.map((f) => f.details.differences)).toEqual(['column users.phone: left behind by the down (text)']);
  });

  it('still sees what the up changed when a migration freezes the catalog (VACUUM FREEZE hides transaction ids)', async () => {
    const report = await replay([INIT, added('migrations/002_freeze.up.sql', 'ALTER TABLE users ADD COLUMN phone text;\nVACUUM FREEZE;'), added('migrations/002_freeze.down.sql', 'SELECT 1;')]);
    const differences = ofRule(report, 'down-not-reversible').filter((f) => f.messageId === 'difference');
    expect(differences.map((f) => f.details.differences)).toEqual(['column users.phone: left behind by the down (text)']);
  });

  it('flags a down that does not restore the schema, naming the exact difference, and an up that cannot run again', async () => {
    const files = [
      INIT,
      added('migrations/002_phone.up.sql', "ALTER TABLE users ADD COLUMN phone text;\nALTER TABLE users ALTER COLUMN email SET DEFAULT 'none';\nCREATE TYPE mood AS ENUM ('ok', 'sad');"),
      added('migrations/002_phone.down.sql', "ALTER TABLE users ALTER COLUMN email SET DEFAULT 'nobody';\nDROP TYPE mood;"),
    ];
    const report = await replay(files);
    const findings = ofRule(report, 'down-not-reversible');
    expect(findings.map((f) => [f.messageId, f.file, f.details.differences ?? f.details.error])).toEqual([
      ['difference', 'migrations/002_phone.down.sql', 'column users.email: text before the up, text default \'nobody\'::text after the down; column users.phone: left behind by the down (text)'],
      ['upNotRerunnable', 'migrations/002_phone.up.sql', 'column "phone" of relation "users" already exists'],
    ]);
    expect(findings[0]!.severity).toBe('warning');
    expect(findings[0]!.span.start.line, 'at the first statement of the down').toBe(1);
  });

  it('honours ignore comments on replay findings, and does not call such an ignore unused', async () => {
    const files = [
      INIT,
      added('migrations/002_phone.up.sql', 'ALTER TABLE users ADD COLUMN phone text;'),
      added('migrations/002_phone.down.sql', '-- migration-guard:ignore-file down-not-reversible reason: phone numbers are kept on rollback (#42)\nSELECT 1;'),
    ];
    const report = await replay(files);
    const [difference] = ofRule(report, 'down-not-reversible').filter((f) => f.messageId === 'difference');
    expect(difference!.suppression).toEqual({ kind: 'file', reason: 'phone numbers are kept on rollback (#42)', line: 1 });
    expect(ofRule(report, 'unused-ignore')).toEqual([]);
  });

  it('passes a down that restores everything (tables, indexes, enums, functions, views, sequences)', async () => {
    const up = [
      'CREATE TYPE state AS ENUM (\'a\', \'b\');',
      'CREATE SEQUENCE counter START 10;',
      'CREATE TABLE items (id bigserial PRIMARY KEY, state state NOT NULL DEFAULT \'a\', user_id bigint REFERENCES users (id), CHECK (id > 0));',
      'CREATE INDEX items_state_idx ON items (state);',
      'CREATE FUNCTION item_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM items $$;',
      'CREATE VIEW item_states AS SELECT state, count(*) FROM items GROUP BY state;',
      'ALTER TABLE users ALTER COLUMN age SET NOT NULL;',
    ].join('\n');
    const down = 'ALTER TABLE users ALTER COLUMN age DROP NOT NULL;\nDROP VIEW item_states;\nDROP FUNCTION item_count();\nDROP TABLE items;\nDROP SEQUENCE counter;\nDROP TYPE state;';
    const report = await replay([INIT, added('migrations/002_items.up.sql', up), added('migrations/002_items.down.sql', down)]);
    expect(ofRule(report, 'down-not-reversible')).toEqual([]);
    expect(ofRule(report, 'replay-incomplete')).toEqual([]);
  });

  it('round-trips dbmate files with up and down sections', async () => {
    const path = 'db/migrations/20240101000000_audit.sql';
    const report = await replay([added(path, '-- migrate:up\nCREATE TABLE audit (id bigint);\nCREATE INDEX audit_id_idx ON audit (id);\n-- migrate:down\nDROP INDEX audit_id_idx;\n')]);
    expect(ofRule(report, 'down-not-reversible').map((f) => [f.messageId, f.details.differences ?? f.details.error])).toEqual([
      ['upNotRerunnable', 'relation "audit" already exists'],
      ['difference', 'table audit: left behind by the down (present)'],
    ]);
  });

  it('builds the base from the schema file instead of the earlier migrations', async () => {
    const schemaFile = { path: 'db/schema.sql', text: 'CREATE TABLE accounts (id bigint PRIMARY KEY);' };
    const report = await replay([INIT, added('migrations/002_x.up.sql', 'ALTER TABLE accounts ADD COLUMN name text;')], {}, schemaFile);
    expect(report.replay).toMatchObject({ base: 'schema-file', baseFiles: 1, baseFailures: 0, failures: 0 });
    expect(ofRule(report, 'replay-incomplete')).toEqual([]);
  });

  it('does not replay migrations matched by replay.skip', async () => {
    const path = 'migrations/002_geo.up.sql';
    const report = await replay([INIT, added(path, 'CREATE EXTENSION postgis;')], { replay: { skip: ['migrations/002_geo*'] } });
    expect(statementsOf(report, path)[0]!.replay).toBeUndefined();
    expect(ofRule(report, 'replay-incomplete')).toEqual([]);
  });

  it('starts every replay from an empty database: extensions, schemas and settings of the last run are gone', async () => {
    const files = [added('migrations/001_ext.up.sql', "CREATE EXTENSION pgcrypto;\nCREATE SCHEMA billing;\nSET search_path = billing;\nCREATE TABLE invoices (id uuid DEFAULT gen_random_uuid());")];
    for (let run = 0; run < 2; run++) {
      const report = await replay(files);
      expect(ofRule(report, 'replay-incomplete'), `run ${run + 1}`).toEqual([]);
      expect(report.replay!.statements).toBe(4);
    }
    await db.reset();
    const [{ path }] = await db.query<{ path: string }>("SELECT current_setting('search_path') AS path");
    expect(path).not.toContain('billing');
    expect(await db.query("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'")).toEqual([]);
  });

  it('makes a lock the rule claims but Postgres did not take visible', () => {
    const finding = { lock: lockInfo('SHARE'), tables: ['users'] } as Finding;
    const observation = { locks: [{ relation: 'users', mode: 'ACCESS EXCLUSIVE' as const }, { relation: 'orders', mode: 'SHARE' as const }], rewrites: [], locksObserved: true };
    expect(findingReplay(finding, observation)).toMatchObject({ observedLock: 'ACCESS EXCLUSIVE', lockMismatch: true });
    expect(findingReplay({ ...finding, tables: ['public.orders'] }, observation)).toMatchObject({ observedLock: 'SHARE', lockMismatch: false });
    expect(findingReplay(finding, { ...observation, locksObserved: false }).lockMismatch).toBe(false);
  });

  it.runIf(backend.name === 'postgres')('drops its scratch database on close, also after a failed statement', async () => {
    const scratch = await openPostgres(url!);
    const name = (await scratch.query<{ db: string }>('SELECT current_database() AS db'))[0]!.db;
    await scratch.exec('BEGIN');
    await expect(scratch.exec('SELECT 1/0')).rejects.toThrow('division by zero');
    await scratch.close();
    await scratch.close();
    expect(await db.query(`SELECT 1 FROM pg_database WHERE datname = '${name}'`)).toEqual([]);
  });
});

describe('openingReplayStage', () => {
  it('turns a database that cannot be reached into a notice and closes nothing it did not open', async () => {
    const files = [added('migrations/001_x.up.sql', 'CREATE TABLE t (id bigint);')];
    const cfg = config();
    const report = await checkMigrations(files, cfg, { replay: openingReplayStage(cfg, { mode: 'pglite', databaseUrl: 'postgres://nobody:secret@127.0.0.1:1/none' })! });
    const [notice] = report.findings.filter((f) => f.ruleId === 'replay-incomplete');
    expect(notice).toMatchObject({ messageId: 'unavailable', severity: 'notice' });
    expect(notice!.message).toContain('postgres://nobody:***@127.0.0.1:1/none');
    expect(notice!.message).not.toContain('secret');
    expect(report.blocking).not.toContain(notice);
  });

  it('is no stage when replay is off, and opens no database when nothing new has an up statement', async () => {
    const unreachable = 'postgres://nobody@127.0.0.1:1/none';
    expect(openingReplayStage(config(), { mode: 'off', databaseUrl: unreachable })).toBeUndefined();
    const downOnly = [unchanged('migrations/001_x.up.sql', 'CREATE TABLE t (id bigint);'), added('migrations/001_x.down.sql', 'DROP TABLE t;')];
    const withStage = await checkMigrations(downOnly, config(), { replay: openingReplayStage(config(), { mode: 'pglite', databaseUrl: unreachable })! });
    expect(withStage).toEqual(await checkMigrations(downOnly, config()));
    expect(withStage.replay).toBeUndefined();
  });
});
