/**
 * Wrong advice, fixed: each test names the behaviour it guards (issue #16, "Rules and
 * advice"; issue #17, "Less noise"). All rules run, as in a real check.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import { staticFacts } from '../../src/core/history-facts.js';
import type { FileChange, InputFile } from '../../src/core/migration.js';
import type { ExampleFacts } from '../../src/core/rule.js';
import { adviseStrategy } from '../../src/core/strategy.js';
import { checkMigrations } from '../../src/engine.js';
import { allRules } from '../../src/rules/index.js';

const config = defaultConfig();
const file = (path: string, text: string, change: FileChange = 'added'): InputFile => ({ path, text, change });

async function findings(files: InputFile[], facts?: ExampleFacts) {
  const report = await checkMigrations(files, config, facts ? { facts: staticFacts(facts) } : {});
  return { report, findings: report.findings.filter((f) => !f.suppression) };
}

const tooEarly = (target: string): ExampleFacts => ({
  now: '2026-11-25T12:00:00Z',
  expand: { [target]: { source: 'migration', path: 'migrations/20261125100000_expand.up.sql', commit: '4f2c1e9', landedAt: '2026-11-25T10:00:00Z' } },
});

describe('contract-too-early phase plans', () => {
  it('plans a column drop for a dropped column, never a table drop', async () => {
    const { report } = await findings([file('migrations/20261125120000_drop_email.up.sql', 'ALTER TABLE users DROP COLUMN email;')], tooEarly('users.email'));
    expect(report.blocking.map((f) => f.ruleId)).toContain('contract-too-early');
    const onlyContract = { ...report, blocking: report.blocking.filter((f) => f.ruleId === 'contract-too-early') };
    const [plan, ...others] = adviseStrategy(onlyContract, config, allRules).plans;
    expect(others).toEqual([]);
    expect(plan!.subject).toBe('drop users.email');
    const sql = plan!.steps.flatMap((s) => s.files).map((f) => f.sql).join('\n');
    expect(sql).toContain('ALTER TABLE users DROP COLUMN email;');
    expect(sql).not.toMatch(/DROP TABLE/);
  });

  it('plans a column rename for a renamed column', async () => {
    const { report } = await findings([file('migrations/20261125120000_rename.up.sql', 'ALTER TABLE users RENAME COLUMN email TO email_address;')], tooEarly('users.email'));
    const onlyContract = { ...report, blocking: report.blocking.filter((f) => f.ruleId === 'contract-too-early') };
    expect(onlyContract.blocking).toHaveLength(1);
    const [plan] = adviseStrategy(onlyContract, config, allRules).plans;
    expect(plan!.subject).toBe('rename users.email to email_address');
    expect(plan!.steps.flatMap((s) => s.files).map((f) => f.sql).join('\n')).not.toMatch(/DROP TABLE/);
  });
});

describe('tables created in the same file', () => {
  it('does not flag DROP TABLE of a table made by SELECT ... INTO TEMP TABLE earlier in the file', async () => {
    const { findings: found } = await findings([
      file('migrations/001_tmp.up.sql', 'SELECT id INTO TEMP TABLE tmp_ids FROM users WHERE id < 10;\nDROP TABLE tmp_ids;'),
      file('migrations/001_tmp.down.sql', 'SELECT 1;'),
    ]);
    expect(found.filter((f) => f.statement?.startsWith('DROP TABLE')).map((f) => f.ruleId)).toEqual([]);
  });

  it('does not flag DROP TABLE of a CREATE TEMP TABLE earlier in the file', async () => {
    const { findings: found } = await findings([
      file('migrations/001_tmp.up.sql', 'CREATE TEMP TABLE tmp_ids (id bigint);\nDROP TABLE tmp_ids;'),
      file('migrations/001_tmp.down.sql', 'SELECT 1;'),
    ]);
    expect(found.filter((f) => f.statement?.startsWith('DROP TABLE')).map((f) => f.ruleId)).toEqual([]);
  });
});

describe('ban-drop-default', () => {
  const base = file('migrations/001_init.up.sql', "CREATE TABLE users (id bigint, status text NOT NULL DEFAULT 'active');", 'unchanged');
  it('does not call DROP NOT NULL plus DROP DEFAULT of one column in one statement "dropping the default of a NOT NULL column"', async () => {
    const { findings: found } = await findings([base, file('migrations/002_x.up.sql', 'ALTER TABLE users ALTER COLUMN status DROP NOT NULL, ALTER COLUMN status DROP DEFAULT;')]);
    expect(found.filter((f) => f.ruleId === 'ban-drop-default')).toEqual([]);
  });
  it('still flags DROP DEFAULT of a NOT NULL column', async () => {
    const { findings: found } = await findings([base, file('migrations/002_x.up.sql', 'ALTER TABLE users ALTER COLUMN status DROP DEFAULT;')]);
    expect(found.filter((f) => f.ruleId === 'ban-drop-default')).toHaveLength(1);
  });
});

describe('require-index-for-foreign-key', () => {
  const fk = file('migrations/003_fk.up.sql', 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;');
  it('honours an index that an earlier migration on the base branch created', async () => {
    const { findings: found } = await findings([
      file('migrations/001_init.up.sql', 'CREATE TABLE orders (id bigint, user_id bigint);', 'unchanged'),
      file('migrations/002_idx.up.sql', 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);', 'unchanged'),
      fk,
    ]);
    expect(found.filter((f) => f.ruleId === 'require-index-for-foreign-key')).toEqual([]);
  });
  it('still flags a foreign key no migration indexes', async () => {
    const { findings: found } = await findings([file('migrations/001_init.up.sql', 'CREATE TABLE orders (id bigint, user_id bigint);', 'unchanged'), fk]);
    expect(found.filter((f) => f.ruleId === 'require-index-for-foreign-key')).toHaveLength(1);
  });
});

describe('ban-out-of-order-migration', () => {
  it('is reported on the up file, not on its down file', async () => {
    const { findings: found } = await findings([
      file('migrations/20240301000000_orders.up.sql', 'CREATE TABLE orders (id bigint);', 'unchanged'),
      file('migrations/20240301000000_orders.down.sql', 'DROP TABLE orders;', 'unchanged'),
      file('migrations/20240215000000_phone.up.sql', 'ALTER TABLE users ADD COLUMN phone text;'),
      file('migrations/20240215000000_phone.down.sql', 'ALTER TABLE users DROP COLUMN phone;'),
    ]);
    expect(found.filter((f) => f.ruleId === 'ban-out-of-order-migration').map((f) => f.file)).toEqual(['migrations/20240215000000_phone.up.sql']);
  });
});

describe('require-lock-timeout', () => {
  it('names an index as an index, never as "the table"', async () => {
    const { findings: found } = await findings([file('migrations/001_x.up.sql', 'DROP INDEX users_email_idx;')]);
    const [finding] = found.filter((f) => f.ruleId === 'require-lock-timeout');
    expect(finding!.message).toContain('index users_email_idx (and its table)');
    expect(finding!.message).toContain('every query on its table');
  });

  it('reports once per file outside transactions, on the first statement that needs it', async () => {
    const { findings: found } = await findings([file('migrations/001_x.up.sql', 'ALTER TABLE users ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;\nALTER TABLE users ADD COLUMN c text;')]);
    expect(found.filter((f) => f.ruleId === 'require-lock-timeout').map((f) => f.span.start.line)).toEqual([1]);
  });

  it('names a write-blocking lock weaker than ACCESS EXCLUSIVE, and what waits behind it', async () => {
    const { findings: found } = await findings([file('migrations/001_x.up.sql', 'CREATE INDEX users_email_idx ON users (email);')]);
    const [finding] = found.filter((f) => f.ruleId === 'require-lock-timeout');
    expect(finding!.message).toContain('this SHARE lock on users');
    expect(finding!.message).toContain('every write on users');
    expect(finding!.lock?.mode).toBe('SHARE');
  });

  it('counts every write-blocking lock towards the one finding of its transaction', async () => {
    const text = 'BEGIN;\nCREATE INDEX users_email_idx ON users (email);\nALTER TABLE orders ADD COLUMN b text;\nCOMMIT;';
    const { findings: found } = await findings([file('migrations/001_x.up.sql', text)]);
    expect(found.filter((f) => f.ruleId === 'require-lock-timeout').map((f) => f.span.start.line)).toEqual([2]);
  });

  it('reports once per explicit transaction block', async () => {
    const text = 'BEGIN;\nALTER TABLE users ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;\nCOMMIT;\nBEGIN;\nALTER TABLE users ADD COLUMN c text;\nCOMMIT;';
    const { findings: found } = await findings([file('migrations/001_x.up.sql', text)]);
    expect(found.filter((f) => f.ruleId === 'require-lock-timeout').map((f) => f.span.start.line)).toEqual([2, 6]);
  });
});

describe('require-statement-timeout', () => {
  it('reports once per file outside transactions', async () => {
    const text = 'ALTER TABLE orders VALIDATE CONSTRAINT a;\nALTER TABLE orders VALIDATE CONSTRAINT b;\nALTER TABLE users VALIDATE CONSTRAINT c;';
    const { findings: found } = await findings([file('migrations/001_x.up.sql', text)]);
    expect(found.filter((f) => f.ruleId === 'require-statement-timeout').map((f) => f.span.start.line)).toEqual([1]);
  });
});

describe('require-down-migration', () => {
  const up = file('migrations/001_trim.up.sql', 'UPDATE users SET name = trim(name) WHERE id < 100;');
  it('counts a down file that explains why the change cannot be undone as documented', async () => {
    const { findings: found } = await findings([up, file('migrations/001_trim.down.sql', '-- Cannot be undone: the untrimmed names are not kept anywhere.\n')]);
    expect(found.filter((f) => f.ruleId === 'require-down-migration')).toEqual([]);
  });
  it('still flags a down file with only a TODO', async () => {
    const { findings: found } = await findings([up, file('migrations/001_trim.down.sql', '-- TODO: write the rollback\n')]);
    expect(found.filter((f) => f.ruleId === 'require-down-migration').map((f) => f.messageId)).toEqual(['empty']);
  });
});

describe('require-constraint-pre-check', () => {
  const severities = async (text: string) => (await findings([file('migrations/001_x.up.sql', text), file('migrations/001_x.down.sql', '-- Nothing to undo: this test reads the up file only.\n')])).findings.filter((f) => f.ruleId === 'require-constraint-pre-check').map((f) => f.severity);
  it('warns with the query where no other rule blocks the statement (a concurrent unique build)', async () => {
    expect(await severities('CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);')).toEqual(['warning']);
  });
  it('is a notice on a statement another rule reports as an error (its fix replaces the statement)', async () => {
    expect(await severities('ALTER TABLE users ALTER COLUMN email SET NOT NULL;')).toEqual(['notice']);
  });
  it('is a notice inside a DO block too, where the statement another rule reports is the block\'s, not the DO', async () => {
    const text = "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'apps_id_unique') THEN\n    ALTER TABLE apps ADD CONSTRAINT apps_id_unique UNIQUE (id);\n  END IF;\nEND;\n$$;";
    expect(await severities(text)).toEqual(['notice']);
  });
});

describe('objects new in the change', () => {
  const files = [
    file('migrations/001_helper.up.sql', "CREATE FUNCTION slugify(text) RETURNS text LANGUAGE sql AS 'SELECT lower($1)';\nCREATE TYPE mood AS ENUM ('ok');\nALTER TABLE users ADD COLUMN handle text;"),
    file('migrations/002_use.up.sql', "DROP FUNCTION slugify(text);\nALTER TYPE mood RENAME VALUE 'ok' TO 'fine';\nCREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle);"),
  ];
  const ruleIds = ['ban-drop-object', 'ban-rename-enum-value', 'require-constraint-pre-check'];

  it('counts what an earlier file of the change created or added as new', async () => {
    const report = await checkMigrations(files, defaultConfig());
    expect(report.findings.filter((f) => ruleIds.includes(f.ruleId))).toEqual([]);
  });

  it('with scope each-file, counts the earlier file as applied history', async () => {
    const report = await checkMigrations(files, defaultConfig(), { scope: 'each-file' });
    const found = report.findings.filter((f) => ruleIds.includes(f.ruleId) && f.file === 'migrations/002_use.up.sql');
    expect(found.map((f) => f.ruleId).sort()).toEqual(ruleIds);
  });
});
