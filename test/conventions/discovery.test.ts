// What discovery records for each migration tool's files: the whole MigrationFile (version,
// identity, name, pairing, whether a down is expected, sections, notes), and which files a
// tool does not own. Each case is a behaviour of the tool as its documentation or source says
// (cited in the header of its convention in src/conventions, and here where a case needs more).
import { describe, expect, it } from 'vitest';
import { discoverMigrations, isCompanionFile } from '../../src/conventions/index.js';
import { type Config, defaultConfig } from '../../src/core/config.js';
import { compareVersions, type InputFile, type MigrationFile, type Section } from '../../src/core/migration.js';

const input = (entries: Record<string, string>): InputFile[] => Object.entries(entries).map(([path, text]) => ({ path, text, change: 'added' }));
const discover = (entries: Record<string, string>, config: Config = defaultConfig()) => new Map(discoverMigrations(input(entries), config).map((m) => [m.path, m]));
const discovered = (entries: Record<string, string>, path: string): MigrationFile => {
  const found = discover(entries).get(path);
  if (!found) throw new Error(`${path} was not discovered as a migration`);
  return found;
};
const wholeFile = (text: string, role: Section['role'], implicitTransaction: boolean, sends?: Section['sends']): Section[] => [{ role, start: 0, end: text.length, implicitTransaction, ...(sends ? { sends } : {}) }];
const transactions = (m: MigrationFile) => m.sections.map((s) => s.implicitTransaction);

describe('golang-migrate (source/parse.go: ^([0-9]+)_(.*)\\.(down|up)\\.(.*)$)', () => {
  const up = 'ALTER TABLE users ADD COLUMN email text;';
  const down = 'ALTER TABLE users DROP COLUMN email;';

  it('records version, identity and name from the file name, expects a down, and sends the file as one query', () => {
    const found = discover({ 'db/migrations/0003_add_email.down.sql': down, 'db/migrations/0003_add_email.up.sql': up });
    expect(found.get('db/migrations/0003_add_email.up.sql')).toEqual({
      path: 'db/migrations/0003_add_email.up.sql',
      convention: 'golang-migrate',
      role: 'up',
      version: '0003',
      migrationId: 'db/migrations/0003_add_email',
      name: 'add_email',
      partner: 'db/migrations/0003_add_email.down.sql',
      expectsDown: true,
      sections: wholeFile(up, 'up', false, 'one-query'),
      notes: [],
    });
    // NOTE: the down comes first among the files read: pairing does not depend on the order.
    expect(found.get('db/migrations/0003_add_email.down.sql')).toMatchObject({ role: 'down', partner: 'db/migrations/0003_add_email.up.sql', sections: wholeFile(down, 'down', false, 'one-query') });
  });
});

describe('diesel (migrations_internals version_from_string; file_based_migrations.rs)', () => {
  it('records a <version>_<name>/ directory: dashes removed from the version, the directory as identity, a down expected, one transaction', () => {
    const text = 'CREATE TABLE users (id bigint PRIMARY KEY);';
    expect(discovered({ 'migrations/2024-01-01-000000_create_users/up.sql': text }, 'migrations/2024-01-01-000000_create_users/up.sql')).toEqual({
      path: 'migrations/2024-01-01-000000_create_users/up.sql',
      convention: 'diesel',
      role: 'up',
      version: '20240101000000',
      migrationId: 'migrations/2024-01-01-000000_create_users/',
      name: 'create_users',
      expectsDown: true,
      sections: wholeFile(text, 'up', true),
      notes: [],
    });
  });

  it('a directory named by its version alone is a diesel migration named by it', () => {
    expect(discovered({ 'migrations/2024-01-01-000000/up.sql': '' }, 'migrations/2024-01-01-000000/up.sql')).toMatchObject({ convention: 'diesel', version: '20240101000000', name: '2024-01-01-000000' });
  });

  it("a directory with diesel's metadata.toml is diesel's whatever its name", () => {
    const found = discovered({ 'migrations/create_users/up.sql': '', 'migrations/create_users/metadata.toml': 'run_in_transaction = false\n' }, 'migrations/create_users/up.sql');
    expect(found).toMatchObject({ convention: 'diesel', role: 'up', migrationId: 'migrations/create_users/' });
    expect(transactions(found)).toEqual([false]);
  });

  it('an up.sql in a directory neither named by a version nor holding metadata is no directory-per-migration tool\'s', () => {
    const found = discover({ 'migrations/schema_v2/up.sql': '', 'migrations/schema_v2/down.sql': '' });
    expect([...found.values()].map((m) => m.convention)).toEqual(['plain', 'plain']);
  });

  it('reads run_in_transaction as TOML: `key=value` without blanks counts, a commented-out line does not (https://toml.io/en/v1.0.0#comment)', () => {
    const tx = (metadata: string) => transactions(discovered({ 'migrations/2024-01-01-000000_a/up.sql': '', 'migrations/2024-01-01-000000_a/metadata.toml': metadata }, 'migrations/2024-01-01-000000_a/up.sql'));
    expect(tx('run_in_transaction=false\n')).toEqual([false]);
    expect(tx('  run_in_transaction = false\n')).toEqual([false]);
    expect(tx('#run_in_transaction = false\n')).toEqual([true]);
    expect(tx('# run_in_transaction = false\n')).toEqual([true]);
    expect(tx('run_in_transaction = true\n')).toEqual([true]);
  });
});

describe('sourcegraph (internal/database/migration/definition)', () => {
  it('a directory named by a number alone is a sourcegraph migration, even without metadata.yaml', () => {
    const text = 'CREATE TABLE a (id bigint);';
    const found = discover({ 'migrations/frontend/1528395834/up.sql': text, 'migrations/frontend/1528395834/down.sql': 'DROP TABLE a;' });
    expect(found.get('migrations/frontend/1528395834/up.sql')).toEqual({
      path: 'migrations/frontend/1528395834/up.sql',
      convention: 'sourcegraph',
      role: 'up',
      version: '1528395834',
      migrationId: 'migrations/frontend/1528395834/',
      name: '1528395834',
      partner: 'migrations/frontend/1528395834/down.sql',
      expectsDown: true,
      sections: wholeFile(text, 'up', true),
      notes: [],
    });
  });

  it('a directory with metadata.yaml is sourcegraph\'s even when its name carries more than the number', () => {
    expect(discovered({ 'migrations/frontend/1648051770_add_x/up.sql': '', 'migrations/frontend/1648051770_add_x/metadata.yaml': 'name: add x\nparents: [1648000000]\n' }, 'migrations/frontend/1648051770_add_x/up.sql').convention).toBe('sourcegraph');
  });

  it('reads createIndexConcurrently as YAML (blanks around the colon allowed, # comments ignored), for the up only', () => {
    const tx = (metadata: string, direction = 'up') => transactions(discovered({ [`m/1000/${direction}.sql`]: 'CREATE INDEX CONCURRENTLY i ON t (c);', 'm/1000/metadata.yaml': metadata }, `m/1000/${direction}.sql`));
    expect(tx('createIndexConcurrently: true\n')).toEqual([false]);
    expect(tx('createIndexConcurrently :  true\n')).toEqual([false]);
    expect(tx('  createIndexConcurrently: true\n')).toEqual([false]);
    expect(tx('#createIndexConcurrently: true\n')).toEqual([true]);
    expect(tx('# createIndexConcurrently: true\n')).toEqual([true]);
    expect(tx('createIndexConcurrently: true\n', 'down')).toEqual([true]);
  });

  it('strips only a BEGIN; ... COMMIT; pair around the whole script (CanonicalizeQuery), not a lone BEGIN; or COMMIT;', () => {
    const section = (text: string) => discovered({ 'm/1000/up.sql': text }, 'm/1000/up.sql').sections[0]!;
    const wrapped = 'BEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;\n';
    expect(section(wrapped)).toMatchObject({ start: 'BEGIN;'.length, end: wrapped.trimEnd().length - 'COMMIT;'.length });
    const opened = 'BEGIN;\nCREATE TABLE a (id bigint);\n';
    expect(section(opened)).toMatchObject({ start: 0, end: opened.length });
    const closed = 'CREATE TABLE a (id bigint);\nCOMMIT;\n';
    expect(section(closed)).toMatchObject({ start: 0, end: closed.length });
  });
});

describe('drizzle-kit (drizzle-orm migrator.ts readMigrationFiles)', () => {
  const journal = (...entries: unknown[]) => JSON.stringify({ version: '7', dialect: 'postgresql', entries });
  const entry = (tag: string, when: number) => ({ idx: 0, version: '7', when, tag, breakpoints: true });

  it('records a journalled file: its journal position as version, the tag as identity, the name after the index, no down, one transaction', () => {
    const text = 'CREATE TABLE a (id bigint);';
    // NOTE: `out` may be the repository root: the journal is then meta/_journal.json itself.
    expect(discovered({ 'meta/_journal.json': journal(entry('0000_init', 1)), '0000_init.sql': text }, '0000_init.sql')).toEqual({
      path: '0000_init.sql',
      convention: 'drizzle',
      role: 'up',
      version: '000000',
      migrationId: '0000_init',
      name: 'init',
      expectsDown: false,
      sections: wholeFile(text, 'up', true),
      notes: [],
    });
  });

  it('the name drops only the leading index of a tag', () => {
    expect(discovered({ 'drizzle/meta/_journal.json': journal(entry('seed_2_users', 1)), 'drizzle/seed_2_users.sql': '' }, 'drizzle/seed_2_users.sql').name).toBe('seed_2_users');
  });

  it('a file missing from the journal sorts after every journalled one', () => {
    const found = discover({ 'drizzle/meta/_journal.json': journal(entry('0000_a', 1)), 'drizzle/0000_a.sql': '', 'drizzle/0001_b.sql': '' });
    expect(found.get('drizzle/0001_b.sql')!.version).toBe('~0001_b');
  });

  it('only .sql files beside the journal are migrations', () => {
    const found = discover({ 'drizzle/meta/_journal.json': journal(entry('0000_a', 1)), 'drizzle/0000_a.sql': '', 'drizzle/README.md': '-- notes' });
    expect([...found.keys()]).toEqual(['drizzle/0000_a.sql']);
  });

  it('skips journal entries without a tag, as readMigrationFiles reads only entries[].tag', () => {
    const found = discovered({ 'drizzle/meta/_journal.json': journal(null, { when: 99 }, entry('0000_a', 1)), 'drizzle/0000_a.sql': '' }, 'drizzle/0000_a.sql');
    expect(found).toMatchObject({ version: '000000', notes: [] });
  });

  it('an entry whose "when" equals an earlier one is skipped by databases that applied the earlier; a later "when" is not', () => {
    const equal = discover({ 'drizzle/meta/_journal.json': journal(entry('0000_a', 5), entry('0001_b', 5)), 'drizzle/0000_a.sql': '', 'drizzle/0001_b.sql': '' });
    expect(equal.get('drizzle/0001_b.sql')!.notes).toEqual([{ severity: 'warning', message: `drizzle: the journal's "when" of 0001_b (5) is not after that of 0000_a (5); databases that applied 0000_a skip 0001_b` }]);
    const later = discover({ 'drizzle/meta/_journal.json': journal(entry('0000_a', 5), entry('0001_b', 6)), 'drizzle/0000_a.sql': '', 'drizzle/0001_b.sql': '' });
    expect(later.get('drizzle/0001_b.sql')!.notes).toEqual([]);
  });

  it('a journal that cannot be read leaves the order unknown, and says why on every file', () => {
    const unreadable = (text: string) => discovered({ 'drizzle/meta/_journal.json': text, 'drizzle/0000_a.sql': '' }, 'drizzle/0000_a.sql');
    expect(unreadable('{"version": "7"}')).toMatchObject({ version: '~0000_a', notes: [{ severity: 'warning', message: 'drizzle: drizzle/meta/_journal.json has no "entries" list; the order of the migrations is unknown' }] });
    const broken = unreadable('{"entries": [');
    expect(broken.version).toBe('~0000_a');
    expect(broken.notes).toHaveLength(1);
    expect(broken.notes[0]!.severity).toBe('warning');
    expect(broken.notes[0]!.message).toMatch(/^drizzle: drizzle\/meta\/_journal\.json is not valid JSON \(.+\); the order of the migrations is unknown$/);
  });

  it('drizzle-kit 1.0 folders: the folder name is version and identity, the part after the timestamp the name (the timestamp when there is none)', () => {
    const text = 'CREATE TABLE a (id bigint);';
    expect(discovered({ 'drizzle/20250101120000_init/migration.sql': text }, 'drizzle/20250101120000_init/migration.sql')).toEqual({
      path: 'drizzle/20250101120000_init/migration.sql',
      convention: 'drizzle',
      role: 'up',
      version: '20250101120000_init',
      migrationId: 'drizzle/20250101120000_init/',
      name: 'init',
      expectsDown: false,
      sections: wholeFile(text, 'up', true),
      notes: [],
    });
    expect(discovered({ 'drizzle/20250101120000/migration.sql': '' }, 'drizzle/20250101120000/migration.sql').name).toBe('20250101120000');
  });
});

describe('Flyway (https://documentation.red-gate.com/fd/migrations-184127470.html)', () => {
  it('records V, U, B and R scripts: version, identity, name, role; no down expected', () => {
    const v = 'CREATE TABLE a (id bigint);';
    const u = 'DROP TABLE a;';
    const found = discover({ 'db/V1_1__create_a.sql': v, 'db/U1.1__create_a.sql': u, 'db/B2__baseline.sql': '', 'db/R__views.sql': '' });
    expect(found.get('db/V1_1__create_a.sql')).toEqual({
      path: 'db/V1_1__create_a.sql',
      convention: 'flyway',
      role: 'up',
      version: '1.1',
      migrationId: 'db/V1.1',
      name: 'create_a',
      partner: 'db/U1.1__create_a.sql',
      expectsDown: false,
      sections: wholeFile(v, 'up', true),
      notes: [],
    });
    expect(found.get('db/U1.1__create_a.sql')).toMatchObject({ role: 'down', partner: 'db/V1_1__create_a.sql', sections: wholeFile(u, 'down', true) });
    expect(found.get('db/B2__baseline.sql')).toMatchObject({ role: 'baseline', version: '2', name: 'baseline' });
    expect(found.get('db/R__views.sql')).toMatchObject({ role: 'repeatable', version: '~views', migrationId: 'db/R__views', name: 'views', expectsDown: false, notes: [] });
  });

  it('compares versions as MigrationVersion does: numeric parts, only trailing zero parts dropped', () => {
    const version = (file: string) => discovered({ [`db/${file}`]: '' }, `db/${file}`).version;
    expect(version('V0__init.sql')).toBe('0');
    expect(version('V1.00__a.sql')).toBe('1');
    expect(version('V1.10__a.sql')).toBe('1.10');
    expect(compareVersions(version('V1.05__a.sql'), '1')).toBeGreaterThan(0);
    expect(compareVersions(version('V1.05__a.sql'), '1.5')).toBe(0);
  });

  it('a script configuration file decides the transaction; the mixed-statement refusal then does not apply', () => {
    const mixed = 'CREATE INDEX CONCURRENTLY i ON t (c);\nCREATE TABLE u (id bigint);';
    const found = discovered({ 'db/V1__idx.sql': mixed, 'db/V1__idx.sql.conf': 'executeInTransaction=false\n' }, 'db/V1__idx.sql');
    expect(found).toMatchObject({ sections: wholeFile(mixed, 'up', false), notes: [] });
  });

  it('a configuration file without executeInTransaction, or with it commented out (# in a properties file), leaves detection on', () => {
    const lone = 'CREATE INDEX CONCURRENTLY i ON t (c);';
    for (const conf of ['encoding=UTF-8\n', '#executeInTransaction=true\n', '# executeInTransaction=true\n']) {
      expect(discovered({ 'db/V1__idx.sql': lone, 'db/V1__idx.sql.conf': conf }, 'db/V1__idx.sql')).toMatchObject({ sections: wholeFile(lone, 'up', false), notes: [] });
    }
  });

  it('refuses an executeInTransaction that is not exactly true or false (ConfigUtils.removeBoolean), and says so', () => {
    const text = 'CREATE TABLE u (id bigint);';
    for (const value of ['yes', 'TRUE']) {
      const found = discovered({ 'db/V1__u.sql': text, 'db/V1__u.sql.conf': `executeInTransaction=${value}\n` }, 'db/V1__u.sql');
      expect(found.notes).toEqual([{ severity: 'error', message: `Flyway: db/V1__u.sql.conf sets executeInTransaction=${value}; Flyway refuses the script ("Invalid value for executeInTransaction (should be either true or false)"). Write executeInTransaction=true or executeInTransaction=false.` }]);
    }
  });

  it('a lone non-transactional statement followed by a comment is not a mixed script', () => {
    const text = 'CREATE INDEX CONCURRENTLY i ON t (c);\n-- built outside a transaction\n';
    expect(discovered({ 'db/V1__idx.sql': text }, 'db/V1__idx.sql')).toMatchObject({ sections: wholeFile(text, 'up', false), notes: [] });
  });
});

describe('sqitch (https://sqitch.org/docs/manual/sqitch-plan/)', () => {
  const plan = '%syntax-version=1.0.0\n%project=x\n\nusers 2024-01-01T00:00:00Z Dev <d@e> # users\n';

  it('records deploy and revert scripts: plan position as version, the change as identity and name, a revert expected, no implicit transaction', () => {
    const deploy = 'BEGIN;\nCREATE TABLE users (id bigint);\nCOMMIT;';
    const revert = 'BEGIN;\nDROP TABLE users;\nCOMMIT;';
    const found = discover({ 'sql/sqitch.plan': plan, 'sql/deploy/users.sql': deploy, 'sql/revert/users.sql': revert });
    expect(found.get('sql/deploy/users.sql')).toEqual({
      path: 'sql/deploy/users.sql',
      convention: 'sqitch',
      role: 'up',
      version: '000000',
      migrationId: 'sql/users',
      name: 'users',
      partner: 'sql/revert/users.sql',
      expectsDown: true,
      sections: wholeFile(deploy, 'up', false),
      notes: [],
    });
    expect(found.get('sql/revert/users.sql')).toMatchObject({ role: 'down', sections: wholeFile(revert, 'down', false) });
  });

  it('reads the plan as sqitch writes it: CRLF line ends, blank lines, comment lines and pragmas are not changes', () => {
    const crlf = '%syntax-version=1.0.0\r\n%project=x\r\n\r\n# first the users\r\nusers 2024-01-01T00:00:00Z Dev <d@e>\r\n  \r\nposts [users] 2024-01-02T00:00:00Z Dev <d@e>\r\n';
    const found = discover({ 'sql/sqitch.plan': crlf, 'sql/deploy/users.sql': '', 'sql/deploy/posts.sql': '' });
    expect(found.get('sql/deploy/users.sql')!.version).toBe('000000');
    expect(found.get('sql/deploy/posts.sql')!.version).toBe('000001');
  });

  it('a change the plan does not list sorts after the planned ones; a SQL file beside the plan is no plan', () => {
    const found = discover({ 'sql/sqitch.plan': plan, 'sql/seed.sql': 'users\nextra\n', 'sql/deploy/users.sql': '', 'sql/deploy/extra.sql': '' });
    expect(found.get('sql/deploy/users.sql')!.version).toBe('000000');
    expect(found.get('sql/deploy/extra.sql')).toMatchObject({ convention: 'sqitch', version: '~extra' });
  });

  it('without a plan, a deploy script with a revert or a verify script beside it is sqitch, ordered by name with a note', () => {
    const note = { severity: 'notice', message: 'sqitch: no sqitch.plan beside deploy/ among the files read, so the changes are ordered by name (sqitch deploys them in plan order)' };
    const withRevert = discover({ 'sql/deploy/users.sql': '', 'sql/revert/users.sql': '' });
    expect(withRevert.get('sql/deploy/users.sql')).toMatchObject({ convention: 'sqitch', version: '~users', notes: [note] });
    expect(withRevert.get('sql/revert/users.sql')).toMatchObject({ convention: 'sqitch', role: 'down' });
    const withVerify = discover({ 'sql/deploy/users.sql': '', 'sql/verify/users.sql': '' });
    expect(withVerify.get('sql/deploy/users.sql')!.convention).toBe('sqitch');
    expect(withVerify.get('sql/verify/users.sql')!.role).toBe('verify');
  });

  it('a lone deploy/ folder, without plan or sibling scripts, is not sqitch', () => {
    expect(discovered({ 'app/deploy/setup.sql': '' }, 'app/deploy/setup.sql').convention).toBe('plain');
  });
});

describe('Prisma Migrate and the Supabase CLI: no down files', () => {
  it('Prisma: the folder name is the version, the part after the timestamp the name (the timestamp when there is none)', () => {
    const text = 'CREATE TABLE a (id bigint);';
    expect(discovered({ 'prisma/migrations/20240101000000_init/migration.sql': text }, 'prisma/migrations/20240101000000_init/migration.sql')).toEqual({
      path: 'prisma/migrations/20240101000000_init/migration.sql',
      convention: 'prisma',
      role: 'up',
      version: '20240101000000_init',
      migrationId: 'prisma/migrations/20240101000000_init/migration.sql',
      name: 'init',
      expectsDown: false,
      sections: wholeFile(text, 'up', false, 'one-query'),
      notes: [],
    });
    expect(discovered({ 'prisma/migrations/20240101000000/migration.sql': '' }, 'prisma/migrations/20240101000000/migration.sql').name).toBe('20240101000000');
  });

  it("Supabase: <version>_<name>.sql (the CLI's ^([0-9]+)_(.*)\\.sql$; the version when the name is empty)", () => {
    const text = 'CREATE TABLE a (id bigint);';
    expect(discovered({ 'supabase/migrations/20240101000000_init.sql': text }, 'supabase/migrations/20240101000000_init.sql')).toEqual({
      path: 'supabase/migrations/20240101000000_init.sql',
      convention: 'supabase',
      role: 'up',
      version: '20240101000000',
      migrationId: 'supabase/migrations/20240101000000_init.sql',
      name: 'init',
      expectsDown: false,
      sections: wholeFile(text, 'up', true, 'pipeline'),
      notes: [],
    });
    expect(discovered({ 'supabase/migrations/20240101000000_.sql': '' }, 'supabase/migrations/20240101000000_.sql').name).toBe('20240101000000');
  });
});

describe('dbmate and goose: up and down in one file', () => {
  it('dbmate: version and name from the file name, the file as identity, a down expected', () => {
    const text = '-- migrate:up\nCREATE TABLE a (id bigint);\n-- migrate:down\nDROP TABLE a;\n';
    expect(discovered({ 'db/migrations/20240101000000_create_a.sql': text }, 'db/migrations/20240101000000_create_a.sql')).toMatchObject({
      convention: 'dbmate',
      role: 'up-down',
      version: '20240101000000',
      migrationId: 'db/migrations/20240101000000_create_a.sql',
      name: 'create_a',
      expectsDown: true,
      notes: [],
    });
  });

  it('goose: a file not named <version>_<name>.sql is still read by its markers, never skipped', () => {
    const found = discovered({ 'db/create_a.sql': '-- +goose Up\nCREATE TABLE a (id bigint);\n' }, 'db/create_a.sql');
    expect(found).toMatchObject({ convention: 'goose', role: 'up-down', sections: [{ role: 'up' }] });
  });

  it('goose: an annotation is a line that starts with -- (internal/sqlparser/parser.go), blanks after -- optional; a trailing comment is not one', () => {
    const tx = (text: string) => transactions(discovered({ 'db/00001_a.sql': text }, 'db/00001_a.sql'));
    expect(tx('--+goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (c);\n')).toEqual([false]);
    expect(tx('-- +goose Up\nSELECT 1; -- +goose NO TRANSACTION\n')).toEqual([true]);
  });

  it('only .sql files are migrations, whatever their text', () => {
    expect(discover({ 'db/README.md': '-- +goose Up\n-- migrate:up\n' }).size).toBe(0);
  });
});

/** How a one-file tool reads `text` saved at `path`: the migration, its sections' SQL, its error and warning notes. */
function readingOf(path: string) {
  const read = (text: string) => discovered({ [path]: text }, path);
  const notes = (text: string, severity: 'error' | 'warning') => read(text).notes.filter((n) => n.severity === severity).map((n) => n.message);
  return {
    read,
    slices: (text: string) => read(text).sections.map((s) => [s.role, text.slice(s.start, s.end).trim(), s.implicitTransaction]),
    errors: (text: string) => notes(text, 'error'),
    warnings: (text: string) => notes(text, 'warning'),
  };
}

describe('dbmate reads its markers as pkg/dbmate/migration.go does', () => {
  const { read, slices, errors, warnings } = readingOf('db/migrations/20240101000000_a.sql');

  it('only the first up and the first down marker open blocks; a later marker line is a comment inside the block that holds it', () => {
    const text = '-- migrate:up\nCREATE TABLE a (id bigint);\n-- migrate:down\nDROP TABLE a;\n-- migrate:up\nDROP TABLE b;\n';
    expect(slices(text)).toEqual([
      ['up', 'CREATE TABLE a (id bigint);', true],
      ['down', 'DROP TABLE a;\n-- migrate:up\nDROP TABLE b;', true],
    ]);
    expect(errors(text)).toEqual([]);
    expect(warnings(text)).toEqual([expect.stringMatching(/^dbmate reads line 5 \("-- migrate:up"\) as a plain comment: .* runs in the down block/)]);
  });

  it('a down marker followed by two words is no marker: the SQL under it runs in the up block', () => {
    const text = '-- migrate:up\nCREATE TABLE a (id bigint);\n-- migrate:down transaction:false please\nDROP TABLE users;\n-- migrate:down\nSELECT 1;\n';
    expect(slices(text)).toEqual([
      ['up', 'CREATE TABLE a (id bigint);\n-- migrate:down transaction:false please\nDROP TABLE users;', true],
      ['down', 'SELECT 1;', true],
    ]);
    expect(warnings(text)).toEqual([expect.stringMatching(/^dbmate reads line 3 .* runs in the up block/)]);
  });

  it('dbmate refuses a file without a down marker, with the down first, or with SQL before the up marker (its own words quoted)', () => {
    expect(errors('-- migrate:up\nCREATE TABLE a (id bigint);\n')).toEqual([`dbmate refuses this file: "dbmate requires each migration to define a down block with '-- migrate:down'"`]);
    expect(errors('-- migrate:down\nDROP TABLE a;\n')).toEqual([`dbmate refuses this file: "dbmate requires each migration to define an up block with '-- migrate:up'"`]);
    expect(errors('-- migrate:down\nDROP TABLE a;\n-- migrate:up\nCREATE TABLE a (id bigint);\n')).toEqual([`dbmate refuses this file: "dbmate requires '-- migrate:up' to appear before '-- migrate:down'"`]);
    expect(errors('-- a comment\n\n  -- another\nSET search_path = app;\n-- migrate:up\nSELECT 1;\n-- migrate:down\n')).toEqual([`dbmate refuses this file: "dbmate does not support statements preceding the '-- migrate:up' block (line 4)"`]);
    expect(errors('-- a comment\n\n  -- another\n-- migrate:up\nSELECT 1;\n-- migrate:down\n')).toEqual([]);
  });

  it('a block is read even when dbmate refuses the file, so its SQL is still checked', () => {
    expect(slices('-- migrate:down\nDROP TABLE a;\n-- migrate:up\nCREATE TABLE a (id bigint);\n')).toEqual([
      ['down', 'DROP TABLE a;', true],
      ['up', 'CREATE TABLE a (id bigint);', true],
    ]);
  });

  it('options are the key:value words of the marker line, the last of a key winning; nothing else turns the transaction off', () => {
    const tx = (upLine: string) => read(`${upLine}\nSELECT 1;\n-- migrate:down\n`).sections[0]!.implicitTransaction;
    expect(tx('-- migrate:up transaction:false')).toBe(false);
    expect(tx('--migrate:up   foo:bar transaction:false')).toBe(false);
    expect(tx('-- migrate:up transaction:false transaction:true')).toBe(true);
    expect(tx('-- migrate:up transaction: false')).toBe(true);
    expect(tx('-- migrate:up transaction:FALSE')).toBe(true);
    expect(tx('-- migrate:up notransaction:false')).toBe(true);
    expect(tx('-- migrate:up\n-- transaction:false')).toBe(true);
  });

  it('lines end at \\n only, as in Go: a marker after a lone \\r is not at a line start', () => {
    const text = '-- migrate:up\nCREATE TABLE a (id bigint);\r-- migrate:down\rDROP TABLE a;\n';
    expect(errors(text)).toEqual([`dbmate refuses this file: "dbmate requires each migration to define a down block with '-- migrate:down'"`]);
    expect(slices(text)).toEqual([['up', 'CREATE TABLE a (id bigint);\r-- migrate:down\rDROP TABLE a;', true]]);
  });

  it('a block starts after its marker line: option words are not SQL, and a marker on the last line without a newline opens an empty block', () => {
    expect(slices('-- migrate:up transaction:false note\nSELECT 1;\n-- migrate:down transaction:false')).toEqual([
      ['up', 'SELECT 1;', false],
      ['down', '', false],
    ]);
    expect(slices('-- migrate:up transaction:false:x\nSELECT 1;\n-- migrate:down\n')[0]).toEqual(['up', 'SELECT 1;', true]);
  });

  it('before the up marker, blank lines (of blanks too) and comment lines are allowed; a line with SQL before a comment is not', () => {
    expect(errors('  \n\t\n-- migrate:up\nSELECT 1;\n-- migrate:down\n')).toEqual([]);
    expect(errors('SELECT 1; -- setup\n-- migrate:up\nSELECT 1;\n-- migrate:down\n')).toEqual([`dbmate refuses this file: "dbmate does not support statements preceding the '-- migrate:up' block (line 1)"`]);
  });

  it('a warning quotes the marker-like line without its trailing blanks', () => {
    expect(warnings('-- migrate:up\nSELECT 1;\n-- migrate:up   \n-- migrate:down\n')).toEqual([
      'dbmate reads line 3 ("-- migrate:up") as a plain comment: it takes only the first `-- migrate:up` and the first `-- migrate:down` (with at most one option after it), so the SQL after this line runs in the up block. Remove the line or merge the blocks.',
    ]);
  });
});

describe('goose reads its annotations as internal/sqlparser/parser.go (v3.27) does', () => {
  const { read, slices, errors, warnings } = readingOf('db/00001_a.sql');

  it('annotations in any case (v3.19.0 on), with a warning that older releases read them as comments', () => {
    const text = '-- +goose up\n-- +goose no transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n--+goose   DOWN\nDROP INDEX i;\n';
    expect(slices(text)).toEqual([
      ['up', '-- +goose no transaction\nCREATE INDEX CONCURRENTLY i ON t (c);', false],
      ['down', 'DROP INDEX i;', false],
    ]);
    expect(errors(text)).toEqual([]);
    expect(warnings(text)).toEqual([
      'goose before v3.19.0 reads line 1 ("-- +goose up") as a plain comment: write `-- +goose Up`.',
      'goose before v3.19.0 reads line 2 ("-- +goose no transaction") as a plain comment: write `-- +goose NO TRANSACTION`.',
      'goose before v3.19.0 reads line 4 ("--+goose   DOWN") as a plain comment: write `-- +goose Down`.',
    ]);
    expect(read('--+goose Up\nSELECT 1;\n-- +goose Down   \n').notes).toEqual([]);
  });

  it('refuses a second Up, a Down without an Up before it, a second Down, and SQL before Up', () => {
    expect(errors('-- +goose Up\nSELECT 1;\n-- +goose Up\nSELECT 2;\n')).toEqual([`goose refuses this file at line 3: duplicate '-- +goose Up' annotations`]);
    expect(errors('-- +goose Down\nSELECT 1;\n-- +goose Up\nSELECT 2;\n')[0]).toMatch(/^goose refuses this file at line 1: it must start with '-- \+goose Up'/);
    expect(errors('-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2;\n-- +goose Down\nSELECT 3;\n')[0]).toMatch(/^goose refuses this file at line 5: /);
    expect(errors('-- header\n  SET search_path = app;  \n-- +goose Up\nSELECT 1;\n')).toEqual([`goose refuses this file at line 2: SQL before '-- +goose Up': SET search_path = app;`]);
  });

  it('refuses a comment line naming +goose that is no annotation: leading blanks, unknown words, two +goose', () => {
    expect(errors('  -- +goose Up\nSELECT 1;\n')[0]).toBe('goose refuses this file at line 1: failed to parse annotation line "  -- +goose Up": contains leading whitespace');
    expect(errors('-- +goose Up\n-- see +goose docs\nSELECT 1;\n')[0]).toBe('goose refuses this file at line 2: failed to parse annotation line "-- see +goose docs": "see  docs" not supported');
    expect(errors('-- +goose Up -- +goose Down\nSELECT 1;\n')[0]).toMatch(/^goose refuses this file at line 1: .*contains multiple '\+goose' annotations/);
  });

  it('a statement must end with ; at the end of its last line: before Down the up fails, at the end of the file the direction of its section', () => {
    expect(errors('-- +goose Up\nSELECT 1\n-- +goose Down\nSELECT 2;\n')).toEqual([`goose up fails on this file at line 3: the statement at line 2 does not end with ';' on its last line ("unexpected unfinished SQL query: missing semicolon?")`]);
    expect(errors('-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2\n')).toEqual([`goose down fails on this file: the statement at line 4 does not end with ';' on its last line ("unexpected unfinished SQL query: missing semicolon?")`]);
    expect(errors('-- +goose Up\nSELECT 1; -- done\nSELECT 2;--x\nSELECT 3;\n')).toEqual([]);
    // NOTE: a line of blanks starts goose's buffer, which then keeps the comment after it.
    expect(errors('-- +goose Up\nSELECT 1;\n   \n-- the end\n-- +goose Down\nSELECT 2;\n')[0]).toMatch(/^goose up fails on this file at line 5: the statement at line 3 /);
    expect(errors('-- +goose Up\nSELECT 1;\n\n-- the end\n-- +goose Down\nSELECT 2;\n')).toEqual([]);
  });

  it('outside StatementBegin/StatementEnd, a line ending in ; inside a dollar quote cuts the statement: goose refuses to send half of it', () => {
    const body = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at = now();\n  RETURN NEW;\nEND\n$$;\n";
    expect(errors(`-- +goose Up\n${body}`)).toEqual([
      `goose refuses this file at line 4: goose cuts the statement that starts at line 2 after this line (its ';' is inside a string, dollar quote or comment), so Postgres gets half of it. Wrap the statement in '-- +goose StatementBegin' and '-- +goose StatementEnd'.`,
    ]);
    expect(errors(`-- +goose Up\n-- +goose StatementBegin\n${body}-- +goose StatementEnd\n-- +goose Down\nDROP FUNCTION f();\n`)).toEqual([]);
    expect(errors("-- +goose Up\nINSERT INTO t VALUES ('a;\nb');\n")[0]).toMatch(/^goose refuses this file at line 2: goose cuts the statement that starts at line 2/);
  });

  it('StatementBegin/StatementEnd must pair, inside a section', () => {
    expect(errors('-- +goose Up\n-- +goose StatementEnd\n')).toEqual([`goose refuses this file at line 2: '-- +goose StatementEnd' must be defined after '-- +goose StatementBegin'`]);
    expect(errors('-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n')).toEqual([`goose refuses this file: missing '-- +goose StatementEnd' annotation`]);
    expect(errors('-- +goose StatementBegin\n-- +goose Up\n')[0]).toMatch(/^goose refuses this file at line 1: '-- \+goose StatementBegin' must be defined after/);
    expect(errors('-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose Down\n')[0]).toMatch(/^goose refuses this file at line 4: /);
  });

  it('a file is goose\'s when a line starts with an Up or Down annotation, whatever the blanks; an annotation after SQL on a line is not one', () => {
    const convention = (text: string) => discover({ 'db/00001_a.sql': text }).get('db/00001_a.sql')?.convention;
    expect(convention('-- generated by +goose tooling\nSELECT 1;\n')).toBe('plain');
    expect(convention('SELECT 1; -- +goose up later\n')).toBe('plain');
    expect(convention('--+goose Up\nSELECT 1;\n')).toBe('goose');
    expect(convention('-- +goose  Up\nSELECT 1;\n')).toBe('goose');
  });

  it('lines as bufio.ScanLines gives them: CRLF read as LF, a last line without a newline read too', () => {
    expect(read('-- +goose Up\r\nSELECT 1;\r\n-- +goose Down\r\nSELECT 2;\r\n').notes).toEqual([]);
    expect(slices('-- +goose Up\nSELECT 1;\n-- +goose Down')).toEqual([
      ['up', 'SELECT 1;', true],
      ['down', '', true],
    ]);
    expect(errors('-- +goose Up\nSELECT 1')).toEqual([`goose up fails on this file: the statement at line 2 does not end with ';' on its last line ("unexpected unfinished SQL query: missing semicolon?")`]);
    // NOTE: a carriage return inside a line is white space between words, not the end of the line.
    expect(errors('-- +goose Up\nSELECT\r1;\n')).toEqual([]);
  });

  it('blank lines, indented comments and ENVSUB annotations before Up are allowed; a +goose inside SQL is no annotation', () => {
    expect(read('   \n  -- note\n-- +goose ENVSUB ON\n-- +goose Up\nSELECT \'+goose Up\';\n-- +goose ENVSUB OFF\n').notes).toEqual([]);
    expect(slices('-- +goose ENVSUB ON\n-- +goose Up\nSELECT 1;\n')).toEqual([['up', 'SELECT 1;', true]]);
    // NOTE: ENVSUB has no spelling older releases knew (they had ENVSUBST), so no warning names one.
    expect(read('-- +goose envsub on\n-- +goose Up\nSELECT 1;\n').notes).toEqual([]);
  });

  it('refuses an empty annotation and one indented by a tab', () => {
    expect(errors('-- +goose Up\n-- +goose\n')).toEqual(['goose refuses this file at line 2: failed to parse annotation line "-- +goose": empty annotation']);
    expect(errors('\t-- +goose Up\nSELECT 1;\n')[0]).toBe('goose refuses this file at line 1: failed to parse annotation line "\t-- +goose Up": contains leading whitespace');
  });

  it('a warning does not hide an error after it, and quotes its line without trailing blanks', () => {
    const text = '-- +goose up  \nSELECT 1;\n-- +goose Up\n';
    expect(errors(text)).toEqual([`goose refuses this file at line 3: duplicate '-- +goose Up' annotations`]);
    expect(warnings(text)).toEqual(['goose before v3.19.0 reads line 1 ("-- +goose up") as a plain comment: write `-- +goose Up`.']);
  });

  it('a statement ends at a line whose last word before a -- word ends in ;, and a line of blanks alone leaves nothing unfinished', () => {
    expect(errors('-- +goose Up\nSELECT 1; --done\n-- +goose Down\n')).toEqual([]);
    expect(errors('-- +goose Up\nSELECT 1;\n   \n-- +goose Down\n')).toEqual([]);
  });

});

describe('plain SQL files', () => {
  it('record the path as version and identity, the base name without .sql as name, no down expected, no implicit transaction', () => {
    const text = 'UPDATE t SET a = 1;';
    expect(discovered({ 'sql/move.sqlite.data.sql': text }, 'sql/move.sqlite.data.sql')).toEqual({
      path: 'sql/move.sqlite.data.sql',
      convention: 'plain',
      role: 'up',
      version: 'sql/move.sqlite.data.sql',
      migrationId: 'sql/move.sqlite.data.sql',
      name: 'move.sqlite.data',
      expectsDown: false,
      sections: wholeFile(text, 'up', false),
      notes: [],
    });
  });

  it('<stem>.up.sql and <stem>.down.sql share the stem as version and identity', () => {
    expect(discovered({ 'db/V0001.Users.up.sql': '' }, 'db/V0001.Users.up.sql')).toMatchObject({ version: 'db/V0001.Users', migrationId: 'db/V0001.Users', name: 'V0001.Users' });
  });
});

describe('discovery across tools', () => {
  it('a forced convention claims its own files; the rest are plain', () => {
    const found = discover({ 'db/V1__a.sql': '', 'db/001_b.sql': '-- +goose Up\nSELECT 1;\n' }, { ...defaultConfig(), convention: 'flyway' });
    expect([...found.values()].map((m) => [m.path, m.convention])).toEqual([
      ['db/V1__a.sql', 'flyway'],
      ['db/001_b.sql', 'plain'],
    ]);
  });

  it('a file one tool claimed is not paired again by the tools after it', () => {
    const found = discover({ 'db/0001.up.sql': 'SELECT 1;', 'db/0001.down.sql': '-- +goose Up\nSELECT 1;\n' });
    expect(found.get('db/0001.down.sql')!.convention).toBe('goose');
    expect(found.get('db/0001.up.sql')!.convention).toBe('plain');
    expect(found.get('db/0001.up.sql')!.partner).toBeUndefined();
  });

  it('each file is one migration, even when two layouts of one tool both match it', () => {
    const files = input({ 'drizzle/20250101120000_x/meta/_journal.json': '{"entries": [{"tag": "migration", "when": 1}]}', 'drizzle/20250101120000_x/migration.sql': '' });
    expect(discoverMigrations(files, defaultConfig()).map((m) => m.path)).toEqual(['drizzle/20250101120000_x/migration.sql']);
  });

  it('companion files (read for the tools, never migrations) are known by their names in any folder', () => {
    for (const path of ['sqitch.plan', 'db/sqitch.plan', 'migrations/1/metadata.toml', 'migrations/1/metadata.yaml', 'meta/_journal.json', 'drizzle/meta/_journal.json', 'db/V1__a.sql.conf', 'db/V1__a.SQL.CONF']) {
      expect(isCompanionFile(path), path).toBe(true);
    }
    for (const path of ['db/plan.sql', 'db/my_sqitch.plan', 'db/meta/_journal.json.bak', 'db/metadata.json']) {
      expect(isCompanionFile(path), path).toBe(false);
    }
  });
});
