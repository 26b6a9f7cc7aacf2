/**
 * The engine's contract with rules (src/core/analyze.ts): a rule that crashes or breaks
 * its metadata becomes a blocking internalError finding on that statement or file, and the
 * other rules' findings are kept.
 */
import { describe, expect, it } from 'vitest';
import { analyze, type ParseAhead } from '../../src/core/analyze.js';
import { defaultConfig } from '../../src/core/config.js';
import type { ReplayObservation } from '../../src/core/finding.js';
import type { LockMode } from '../../src/core/locks.js';
import type { ReplayStage } from '../../src/core/observations.js';
import { parseSql, type Statement } from '../../src/core/parse.js';
import { LIMITS } from '../../src/core/limits.js';
import type { ReplaySummary } from '../../src/core/report.js';
import { type ChangeSet, defineRule, type Rule } from '../../src/core/rule.js';
import { discoverMigrations } from '../../src/conventions/index.js';
import { allRules } from '../../src/rules/index.js';

const meta = {
  severity: 'error' as const,
  category: 'process' as const,
  summary: 'a rule made for this test',
  lock: null,
  rewrites: false,
  why: 'it exists to check how the engine treats rules',
  references: ['https://example.invalid'],
  examples: { valid: [], invalid: [] },
};

const crashesOnDrop = defineRule({
  ...meta,
  id: 'test-crashes-on-drop',
  messages: { never: 'never reported' },
  statementKinds: ['DropStmt'],
  statement() {
    throw new Error('boom');
  },
});

const unknownMessage = defineRule({
  ...meta,
  id: 'test-unknown-message',
  messages: { known: 'known' },
  file({ report }) {
    report({ messageId: 'other' as 'known' });
  },
});

const banDropTable = allRules.find((r) => r.id === 'ban-drop-table')!;

async function findings(rules: Rule[]) {
  const files = [{ path: 'migrations/20260101000000_drop.up.sql', text: 'CREATE INDEX CONCURRENTLY a_idx ON a (x);\nDROP TABLE users;\n', change: 'added' as const }];
  return (await analyze({ files, config: defaultConfig(), rules, discover: discoverMigrations })).findings;
}

describe('rules that break', () => {
  it('a crash in a statement hook becomes an error on that statement; other rules still report', async () => {
    const result = await findings([banDropTable, crashesOnDrop]);
    const crash = result.find((f) => f.ruleId === 'test-crashes-on-drop')!;
    expect(crash).toMatchObject({ messageId: 'internalError', severity: 'error', statement: 'DROP TABLE users' });
    expect(crash.message).toContain('Internal error in rule test-crashes-on-drop: boom');
    expect(result.filter((f) => f.ruleId === 'test-crashes-on-drop')).toHaveLength(1); // only the DROP statement
    expect(result.some((f) => f.ruleId === 'ban-drop-table' && f.statement === 'DROP TABLE users')).toBe(true);
  });

  it('a report with an unknown message id becomes an error on the file', async () => {
    const result = await findings([unknownMessage]);
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({
      ruleId: 'test-unknown-message',
      messageId: 'internalError',
      severity: 'error',
      file: 'migrations/20260101000000_drop.up.sql',
      span: { startOffset: 0, endOffset: 0, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
      why: 'The rule could not check this statement, so the result is not trusted.',
      statement: undefined,
      tables: [],
      lock: null,
      rewrite: false,
      details: {},
    });
    expect(result[0]!.message).toContain('reported unknown messageId "other"');
  });
});

describe('the services a change set hands to rules', () => {
  const history = [
    { path: 'migrations/20250101000000_users.up.sql', text: 'CREATE TABLE users (id bigint);\nCREATE INDEX users_id ON users (id);\n', change: 'unchanged' as const },
    { path: 'migrations/20250101000000_users.down.sql', text: 'DROP TABLE users;\n', change: 'unchanged' as const },
    { path: 'migrations/20260101000000_drop.up.sql', text: 'DROP TABLE users;\n', change: 'added' as const },
  ];

  it('statementsOf parses an applied migration on first request, once; derived computes once per change set', async () => {
    const seen: string[] = [];
    const parsedByEngine: number[] = [];
    const sameStatements: boolean[] = [];
    const sameDerived: boolean[] = [];
    let derivations = 0;
    const countStatements = (changeSet: ChangeSet) => {
      derivations++;
      return changeSet.files.map((file) => changeSet.statementsOf(file).length);
    };
    const asks = defineRule({
      ...meta,
      id: 'test-asks-the-change-set',
      messages: { counted: 'counted' },
      changeSet({ changeSet }) {
        const applied = changeSet.byPath(history[0]!.path)!;
        parsedByEngine.push(applied.statements.length);
        sameStatements.push(changeSet.statementsOf(applied) === changeSet.statementsOf(applied));
        seen.push(...changeSet.statementsOf(applied).map((s) => s.text));
        sameDerived.push(changeSet.derived(countStatements) === changeSet.derived(countStatements));
      },
    });
    const { findings } = await analyze({ files: history, config: defaultConfig(), rules: [asks, asks], discover: discoverMigrations });
    expect(findings.filter((f) => f.ruleId === 'test-asks-the-change-set')).toEqual([]);
    expect(parsedByEngine, 'the engine does not parse an applied migration').toEqual([0, 0]);
    expect([...sameStatements, ...sameDerived]).toEqual([true, true, true, true]);
    expect(seen).toEqual(['CREATE TABLE users (id bigint)', 'CREATE INDEX users_id ON users (id)', 'CREATE TABLE users (id bigint)', 'CREATE INDEX users_id ON users (id)']);
    expect(derivations, 'one derivation for two rules asking twice each').toBe(1);
    await analyze({ files: history, config: defaultConfig(), rules: [asks], discover: discoverMigrations });
    expect(derivations, 'a new change set derives anew').toBe(2);
  });

  it('downOf pairs an up with the down of the same migration only: its partner file, or its own down section', async () => {
    const files = [
      { path: 'a/migrations/001_users.up.sql', text: 'CREATE TABLE users (id bigint);\n', change: 'added' as const },
      { path: 'a/migrations/001_users.down.sql', text: 'DROP TABLE users;\n', change: 'added' as const },
      { path: 'b/migrations/001_users.up.sql', text: 'CREATE TABLE users (id bigint);\n', change: 'added' as const },
      { path: 'c/migrations/001_gone.up.sql', text: 'CREATE TABLE gone (id bigint);\n', change: 'added' as const },
      { path: 'c/migrations/001_gone.down.sql', text: '', baseText: 'DROP TABLE gone;\n', change: 'deleted' as const },
      { path: 'db/migrations/20240101_phone.sql', text: '-- migrate:up\nALTER TABLE users ADD COLUMN phone text;\n-- migrate:down\nALTER TABLE users DROP COLUMN phone;\n', change: 'added' as const },
      { path: 'db/migrations/20240102_trim.sql', text: '-- migrate:up\nUPDATE users SET name = trim(name);\n', change: 'added' as const },
    ];
    const pairs: Record<string, string | undefined> = {};
    const asks = defineRule({
      ...meta,
      id: 'test-asks-for-downs',
      messages: { never: 'never reported' },
      changeSet({ changeSet }) {
        for (const file of changeSet.files) pairs[file.migration.path] = changeSet.downOf(file)?.migration.path;
      },
    });
    await analyze({ files, config: defaultConfig(), rules: [asks], discover: discoverMigrations });
    expect(pairs).toEqual({
      'a/migrations/001_users.up.sql': 'a/migrations/001_users.down.sql',
      'a/migrations/001_users.down.sql': undefined,
      'b/migrations/001_users.up.sql': undefined,
      'c/migrations/001_gone.up.sql': undefined,
      'c/migrations/001_gone.down.sql': undefined,
      'db/migrations/20240101_phone.sql': 'db/migrations/20240101_phone.sql',
      'db/migrations/20240102_trim.sql': undefined,
    });
  });
});

describe('a replay stage', () => {
  const sql = ['a', 'b', 'c', 'd', 'e'].map((table) => `CREATE INDEX ${table}_x ON ${table} (x);`).join('\n');
  const files = [{ path: 'migrations/20260101000000_indexes.up.sql', text: `${sql}\n`, change: 'added' as const }];
  const summary: ReplaySummary = { database: 'postgres', serverVersion: 15, base: 'migrations', baseFiles: 0, baseFailedFiles: 0, baseStatements: 0, baseFailures: 0, baseMs: 0, statements: 5, failures: 0, tracedMs: 1, ms: 1 };

  /** A stage that observed `locks[i]` for the i-th statement of the changed file (none where undefined). */
  function stage(locks: (LockMode | undefined)[], withSummary: boolean): ReplayStage {
    return async (changeSet) => {
      const statements = new Map<Statement, ReplayObservation>();
      changeSet.changed[0]!.statements.forEach((statement, i) => {
        const mode = locks[i];
        if (mode) statements.set(statement, { locks: [{ relation: statement.text.split(' ')[4]!, mode }], rewrites: [], locksObserved: true });
      });
      return { statements, notices: [], roundTrips: [], ...(withSummary ? { summary } : {}) };
    };
  }

  const indexFindings = async (replay: ReplayStage | undefined) =>
    (await analyze({ files, config: defaultConfig(), rules: allRules, discover: discoverMigrations, ...(replay ? { replay } : {}) })).findings.filter((f) => f.ruleId === 'require-concurrent-index-creation');

  it('attaches to each finding what replay saw of its own statement', async () => {
    const result = await indexFindings(stage(['SHARE', 'ROW EXCLUSIVE', undefined, 'SHARE', 'ACCESS SHARE'], false));
    expect(result.map((f) => f.replay?.observedLock ?? null)).toEqual(['SHARE', 'ROW EXCLUSIVE', null, 'SHARE', 'ACCESS SHARE']);
    expect(result.map((f) => f.replay === undefined)).toEqual([false, false, true, false, false]);
    expect(result.map((f) => f.severity)).toEqual(['error', 'error', 'error', 'error', 'error']);
  });

  it('checks the claims against the observation when replay ran on a server of the target version', async () => {
    const result = await indexFindings(stage(['SHARE', 'ROW EXCLUSIVE', undefined, 'SHARE', 'ACCESS SHARE'], true));
    expect(result.map((f) => f.severity)).toEqual(['error', 'warning', 'error', 'error', 'warning']);
    expect(result[1]!.message).toContain('Replay on PostgreSQL 15 observed ROW EXCLUSIVE, not SHARE');
  });

  it('puts its summary in the report and each observation on its statement in the file report', async () => {
    const observed = stage(['SHARE', undefined, undefined, undefined, 'ACCESS SHARE'], true);
    const report = await analyze({ files, config: defaultConfig(), rules: [], discover: discoverMigrations, replay: observed });
    expect(report.replay).toEqual(summary);
    expect(report.files[0]!.statements.map((s) => s.replay?.locks[0]?.mode ?? null)).toEqual(['SHARE', null, null, null, 'ACCESS SHARE']);
    const without = await analyze({ files, config: defaultConfig(), rules: [], discover: discoverMigrations });
    expect('replay' in without).toBe(false);
  });

  it('says when the server replay ran on is newer than the target version', async () => {
    const config = { ...defaultConfig(), 'postgres-version': 14 };
    const report = await analyze({ files, config, rules: allRules, discover: discoverMigrations, replay: stage(['SHARE', 'ROW EXCLUSIVE', undefined, undefined, undefined], true) });
    const second = report.findings.find((f) => f.ruleId === 'require-concurrent-index-creation' && f.statement === 'CREATE INDEX b_x ON b (x)')!;
    expect(second.message).toContain('Replay on PostgreSQL 15 observed ROW EXCLUSIVE, not SHARE; the target is PostgreSQL 14');
    expect(second.severity).toBe('error');
  });

  it('matches a finding to the statement that holds its offset, its last character included; a finding in another file gets none', async () => {
    const pointsAround = defineRule({
      ...meta,
      id: 'test-points-around',
      messages: { end: 'at the end', elsewhere: 'in the code' },
      statementKinds: ['IndexStmt'],
      statement({ statement, report }) {
        const end = { ...statement.span, startOffset: statement.span.endOffset };
        report({ messageId: 'end', span: end });
        report({ messageId: 'elsewhere', file: 'app/models/user.rb', span: end });
      },
    });
    const report = await analyze({ files, config: defaultConfig(), rules: [pointsAround], discover: discoverMigrations, replay: stage(['SHARE', 'SHARE', 'SHARE', 'SHARE', 'SHARE'], false) });
    const replayed = (messageId: string) => report.findings.filter((f) => f.messageId === messageId).map((f) => f.replay?.observedLock ?? null);
    expect(replayed('end')).toEqual(['SHARE', 'SHARE', 'SHARE', 'SHARE', 'SHARE']);
    expect(replayed('elsewhere')).toEqual([null, null, null, null, null]);
  });

  it('changes nothing when the stage observed nothing', async () => {
    const without = await indexFindings(undefined);
    expect(await indexFindings(async () => undefined)).toEqual(without);
    expect(without.map((f) => f.replay)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('the report', () => {
  const run = (files: { path: string; text: string; change: 'added' | 'unchanged' | 'modified' | 'deleted' }[]) => analyze({ files, config: defaultConfig(), rules: allRules, discover: discoverMigrations });

  it('is empty when nothing is added, modified or deleted, whatever the applied files hold', async () => {
    const applied = [
      { path: 'migrations/001_a.up.sql', text: 'DROP TABLE a;\n', change: 'unchanged' as const },
      { path: 'migrations/001_b.up.sql', text: 'CREATE INDEX i ON b (x);\n', change: 'unchanged' as const },
    ];
    expect(await run(applied)).toMatchObject({ verdict: 'pass', files: [], findings: [], blocking: [] });
  });

  it('lists only the files under review', async () => {
    const report = await run([
      { path: 'migrations/001_a.up.sql', text: 'CREATE TABLE a (id bigint);\n', change: 'unchanged' },
      { path: 'migrations/002_b.up.sql', text: 'DROP TABLE a;\n', change: 'added' },
    ]);
    expect(report.files.map((f) => f.path)).toEqual(['migrations/002_b.up.sql']);
  });

  it('lists the findings of every phase in file order, those about ignore comments included', async () => {
    const report = await run([{ path: 'migrations/001_a.up.sql', text: 'DROP TABLE b; -- migration-guard:ignore ban-drop-column reason: not needed\nDROP TABLE c;\n', change: 'added' }]);
    const order = report.findings.map((f) => [f.span.startOffset, f.ruleId]);
    expect(order.map(([, ruleId]) => ruleId)).toContain('unused-ignore');
    expect(order).toEqual([...order].sort(([a, ruleA], [b, ruleB]) => (a as number) - (b as number) || String(ruleA).localeCompare(String(ruleB))));
  });
});

describe('nothing under review', () => {
  it('runs no rule and no replay stage, even rules that judge the whole change', async () => {
    let replayed = 0;
    const alwaysReports = defineRule({
      ...meta,
      id: 'test-always-reports',
      messages: { seen: 'seen' },
      changeSet({ report }) {
        report({ messageId: 'seen' });
      },
    });
    const applied = [{ path: 'migrations/001_a.up.sql', text: 'DROP TABLE a;\n', change: 'unchanged' as const }];
    const replay: ReplayStage = async () => {
      replayed++;
      return undefined;
    };
    const report = await analyze({ files: applied, config: defaultConfig(), rules: [alwaysReports], discover: discoverMigrations, replay });
    expect(report.findings).toEqual([]);
    expect(replayed).toBe(0);
    // The same rule reports once a file is under review.
    const changed = await analyze({ files: [{ ...applied[0]!, change: 'modified' }], config: defaultConfig(), rules: [alwaysReports], discover: discoverMigrations, replay });
    expect(changed.findings.map((f) => f.ruleId)).toEqual(['test-always-reports']);
    expect(replayed).toBe(1);
  });
});

describe('what the engine parses', () => {
  /** A rule that records, for each file of the change set, what the engine gives rules about it. */
  function recorder() {
    const seen = new Map<string, { statements: number; onDemand: number; sameAsEngine: boolean; ignores: number; input: unknown; issues: string[] }>();
    const rule = defineRule({
      ...meta,
      id: 'test-records-files',
      messages: { never: 'never reported' },
      changeSet({ changeSet }) {
        for (const file of changeSet.files) {
          const onDemand = changeSet.statementsOf(file);
          seen.set(file.migration.path, {
            statements: file.statements.length,
            onDemand: onDemand.length,
            sameAsEngine: onDemand === file.statements,
            ignores: file.ignores.length,
            input: file.input,
            issues: file.issues.map((i) => i.message),
          });
        }
      },
    });
    return { rule, seen };
  }

  it('parses the partner of a changed file with the engine, and hands rules those same statements', async () => {
    const { rule, seen } = recorder();
    const files = [
      { path: 'migrations/001_users.up.sql', text: '-- migration-guard:ignore ban-drop-table reason: old\nCREATE TABLE users (id bigint);\n', change: 'unchanged' as const },
      { path: 'migrations/002_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;\n', change: 'added' as const },
      { path: 'migrations/002_phone.down.sql', text: 'ALTER TABLE users DROP COLUMN phone;\n', change: 'unchanged' as const },
      { path: 'migrations/000_unread.up.sql', text: 'CREATE TABLE t (id bigint);\n', change: 'unchanged' as const, unread: 'not read for this test' },
    ];
    await analyze({ files, config: defaultConfig(), rules: [rule], discover: discoverMigrations });
    expect(seen.get('migrations/002_phone.down.sql')).toMatchObject({ statements: 1, onDemand: 1, sameAsEngine: true, ignores: 0 });
    expect(seen.get('migrations/002_phone.up.sql')).toMatchObject({ statements: 1, onDemand: 1, sameAsEngine: true });
    // An applied file: not parsed by the engine, its ignore comments not read; parsed on request.
    expect(seen.get('migrations/001_users.up.sql')).toMatchObject({ statements: 0, onDemand: 1, sameAsEngine: false, ignores: 0 });
    // An applied file the adapter did not read is not parsed on request either.
    expect(seen.get('migrations/000_unread.up.sql')).toMatchObject({ statements: 0, onDemand: 0 });
  });

  it('takes a migration that discovery names without an input file as applied and empty', async () => {
    const { rule, seen } = recorder();
    const files = [{ path: 'migrations/002_b.up.sql', text: 'SELECT 1;\n', change: 'added' as const }];
    const discover: typeof discoverMigrations = (inputs, config) => {
      const found = discoverMigrations(inputs, config);
      return [...found, { ...found[0]!, path: 'migrations/001_a.up.sql', version: '001', migrationId: '001', name: 'a' }];
    };
    const report = await analyze({ files, config: defaultConfig(), rules: [rule], discover });
    expect(seen.get('migrations/001_a.up.sql')).toMatchObject({ input: { path: 'migrations/001_a.up.sql', text: '', change: 'unchanged' }, onDemand: 0 });
    expect(report.files.map((f) => f.path)).toEqual(['migrations/002_b.up.sql']);
  });

  it('orders migrations of the same version by path', async () => {
    const files = [
      { path: 'b/migrations/001_x.up.sql', text: 'SELECT 1;\n', change: 'added' as const },
      { path: 'a/migrations/001_x.up.sql', text: 'SELECT 1;\n', change: 'added' as const },
    ];
    const discover: typeof discoverMigrations = (inputs, config) => discoverMigrations(inputs, config).sort((x, y) => y.path.localeCompare(x.path));
    const report = await analyze({ files, config: defaultConfig(), rules: [], discover });
    expect(report.files.map((f) => f.path)).toEqual(['a/migrations/001_x.up.sql', 'b/migrations/001_x.up.sql']);
  });

  it('reads a file of exactly LIMITS.fileBytes, and refuses one byte more, changed or applied', async () => {
    const { rule, seen } = recorder();
    const sized = (bytes: number) => {
      const head = 'SELECT 1;\n-- ';
      return `${head}${'x'.repeat(bytes - head.length - 1)}\n`;
    };
    const files = [
      { path: 'migrations/001_at.up.sql', text: sized(LIMITS.fileBytes), change: 'unchanged' as const },
      { path: 'migrations/002_over.up.sql', text: sized(LIMITS.fileBytes + 1), change: 'unchanged' as const },
      { path: 'migrations/003_at.up.sql', text: sized(LIMITS.fileBytes), change: 'added' as const },
    ];
    expect(files.map((f) => f.text.length - LIMITS.fileBytes)).toEqual([0, 1, 0]);
    await analyze({ files, config: defaultConfig(), rules: [rule], discover: discoverMigrations });
    expect(seen.get('migrations/001_at.up.sql')).toMatchObject({ onDemand: 1 });
    expect(seen.get('migrations/002_over.up.sql')).toMatchObject({ onDemand: 0 });
    expect(seen.get('migrations/003_at.up.sql')).toMatchObject({ statements: 1, issues: [] });
  });

  it('sends parseAhead the sections of the files it parses only, and uses its answers', async () => {
    const asked: string[] = [];
    const parseAhead: ParseAhead = async (texts) => {
      asked.push(...texts);
      // NOTE: a parser that refuses one text shows that the engine used its answer rather than parsing again.
      return texts.map((text) => (text.includes('refused_here') ? { ok: false, error: { message: 'refused by the parse-ahead', cursorpos: 0 } } : parseSql(text)));
    };
    const files = [
      { path: 'migrations/001_a.up.sql', text: 'CREATE TABLE applied_table (id bigint);\n', change: 'unchanged' as const },
      { path: 'migrations/002_b.up.sql', text: 'CREATE TABLE refused_here (id bigint);\n', change: 'added' as const },
      { path: 'migrations/003_c.up.sql', text: 'CREATE TABLE (;\nCREATE TABLE after_error (id bigint);\n', change: 'added' as const },
      { path: 'migrations/004_d.up.sql', text: 'CREATE TABLE unread_table (id bigint);\n', change: 'added' as const, unread: 'not read for this test' },
      { path: 'migrations/005_e.up.sql', text: '', change: 'deleted' as const },
    ];
    const withAhead = await analyze({ files, config: defaultConfig(), rules: allRules, discover: discoverMigrations, parseAhead });
    expect(asked.some((text) => text.includes('applied_table')), 'an applied file is not parsed').toBe(false);
    expect(asked.some((text) => text.includes('unread_table')), 'an unread file is not parsed').toBe(false);
    expect(asked.some((text) => text.includes('refused_here'))).toBe(true);
    const parseErrors = withAhead.findings.filter((f) => f.ruleId === 'parse-error');
    expect(parseErrors.find((f) => f.file === 'migrations/002_b.up.sql')?.message).toContain('refused by the parse-ahead');
    const without = await analyze({ files, config: defaultConfig(), rules: allRules, discover: discoverMigrations });
    // Texts parseAhead was not asked for (after a syntax error) are parsed here, as without it.
    const inC = (report: typeof without) => report.findings.filter((f) => f.file === 'migrations/003_c.up.sql').map((f) => [f.ruleId, f.message]);
    expect(inC(withAhead)).toEqual(inC(without));
    expect(inC(without).length).toBeGreaterThan(0);
  });
});

describe('a file with more findings than a report lists', () => {
  const many = defineRule({
    ...meta,
    id: 'test-many-findings',
    messages: { one: 'one of many' },
    statement({ statement, report }) {
      // The first statement of a file gets LIMITS.findingsPerFile notices; each later one the severities its text names.
      if (statement.index === 0) {
        for (let i = 0; i < LIMITS.findingsPerFile; i++) report({ messageId: 'one', severity: 'notice' });
        return;
      }
      for (const severity of statement.text.match(/error|warning|notice/g) ?? []) report({ messageId: 'one', severity: severity as 'error' });
    },
  });
  const files = [
    { path: 'migrations/001_a.up.sql', text: "SELECT 'first';\nSELECT 'error warning warning notice notice notice';\n", change: 'added' as const },
    { path: 'migrations/002_b.up.sql', text: "SELECT 'first';\n-- migration-guard:ignore test-many-findings reason: known\nSELECT 'error warning';\n", change: 'added' as const },
  ];

  it('lists the first ones, then one finding that counts the rest by severity, with the severity of the most severe', async () => {
    const report = await analyze({ files, config: defaultConfig(), rules: [many], discover: discoverMigrations });
    const summaries = report.findings.filter((f) => f.messageId === 'tooManyFindings');
    expect(report.findings).toHaveLength(2 * LIMITS.findingsPerFile + 2);
    expect(summaries.map((f) => [f.file, f.severity, f.details])).toEqual([
      ['migrations/001_a.up.sql', 'error', { count: 6, error: 1, warning: 2, notice: 3, suppressed: 0 }],
      ['migrations/002_b.up.sql', 'notice', { count: 2, error: 0, warning: 0, notice: 0, suppressed: 2 }],
    ]);
    expect(summaries.map((f) => f.message)).toEqual([
      '6 more findings in this file are not listed, from here on (1 error, 2 warnings, 3 notices): a report lists at most 10,000 per file. Split the migration into smaller ones.',
      '2 more findings in this file are not listed, from here on (0 errors, 0 warnings, 0 notices, 2 suppressed): a report lists at most 10,000 per file. Split the migration into smaller ones.',
    ]);
    expect(summaries[0]!.why).toBe('A migration with this many findings cannot be reviewed as it is. The findings left out still count: this one has the severity of the most severe of them.');
    expect(summaries[0]!.statement).toBe("SELECT 'error warning warning notice notice notice'");
    expect(report.verdict).toBe('blocked');
    // Each file's findings stay together, its summary last.
    expect(report.findings.map((f) => f.file)).toEqual([...Array(LIMITS.findingsPerFile + 1).fill(files[0]!.path), ...Array(LIMITS.findingsPerFile + 1).fill(files[1]!.path)]);
  });
});

describe('what a finding holds', () => {
  const file = (text: string) => [{ path: 'migrations/001_a.up.sql', text, change: 'added' as const }];

  it('never has a severity above the level the config lowers its rule to', async () => {
    const severities = defineRule({
      ...meta,
      id: 'test-severities',
      messages: { one: 'one' },
      file({ report }) {
        report({ messageId: 'one', severity: 'notice' });
        report({ messageId: 'one' });
        report({ messageId: 'one', severity: 'error' });
      },
    });
    const run = async (config: ReturnType<typeof defaultConfig>) => (await analyze({ files: file('SELECT 1;\n'), config, rules: [severities], discover: discoverMigrations })).findings.map((f) => f.severity);
    expect(await run(defaultConfig())).toEqual(['notice', 'error', 'error']);
    expect(await run({ ...defaultConfig(), rules: { 'test-severities': 'warning' } })).toEqual(['notice', 'warning', 'warning']);
  });

  it('has no tables when reported on a file, and the first line of the file as its place', async () => {
    const onFile = defineRule({
      ...meta,
      id: 'test-on-file',
      messages: { one: 'one' },
      file({ report }) {
        report({ messageId: 'one' });
      },
    });
    const [finding] = (await analyze({ files: file('\nDROP TABLE users;\n'), config: defaultConfig(), rules: [onFile], discover: discoverMigrations })).findings;
    expect(finding).toMatchObject({ tables: [], statement: undefined, span: { startOffset: 0, start: { line: 1, column: 1 } } });
  });

  it('is an internal error when a rule reports a fix its metadata does not declare', async () => {
    const undeclaredFix = defineRule({
      ...meta,
      id: 'test-undeclared-fix',
      messages: { one: 'one' },
      statement({ report }) {
        report({ messageId: 'one', fix: 'do something else' });
      },
    });
    const result = (await analyze({ files: file('SELECT 1;\n'), config: defaultConfig(), rules: [undeclaredFix], discover: discoverMigrations })).findings;
    expect(result.map((f) => [f.messageId, f.message])).toEqual([
      ['internalError', 'Internal error in rule test-undeclared-fix: rule test-undeclared-fix reported a fix but declares no fix in its metadata. This is a bug in migration-guard; please report it with this statement.'],
    ]);
    expect(result[0]!.span.start.line).toBe(1);
  });

  it('of a change-set rule, when the change holds no migration, names no file and points at the start', async () => {
    const reports = defineRule({
      ...meta,
      id: 'test-reports-on-change',
      messages: { one: 'one' },
      changeSet({ report }) {
        report({ messageId: 'one' });
      },
    });
    const crashes = defineRule({
      ...meta,
      id: 'test-crashes-on-change',
      messages: { one: 'one' },
      changeSet() {
        throw new Error('boom');
      },
    });
    const files = [{ path: 'README.md', text: '# not a migration\n', change: 'added' as const }];
    const result = (await analyze({ files, config: defaultConfig(), rules: [reports, crashes], discover: discoverMigrations })).findings;
    const start = { startOffset: 0, endOffset: 0, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
    expect(result.map((f) => [f.ruleId, f.messageId, f.file, f.span])).toEqual([
      ['test-crashes-on-change', 'internalError', '?', start],
      ['test-reports-on-change', 'one', '?', start],
    ]);
  });

  it('of a crashing statement hook points at the statement', async () => {
    const crash = (await findings([crashesOnDrop])).find((f) => f.ruleId === 'test-crashes-on-drop')!;
    expect(crash.span.start).toEqual({ line: 2, column: 1 });
  });
});

describe('rules that read the other rules\' findings', () => {
  it('see a finding on the innermost statement that holds it (its last character included): a DO block\'s own statement, or the DO between them', async () => {
    const marks = defineRule({
      ...meta,
      id: 'test-marks',
      messages: { start: 'at the start', tail: 'after the last inner statement', end: 'at the end' },
      statement({ statement, report }) {
        report({ messageId: 'start' });
        if (statement.kind === 'DoStmt') report({ messageId: 'tail', span: { ...statement.span, startOffset: statement.span.endOffset - 1 } });
        if (statement.index === 4) report({ messageId: 'end', span: { ...statement.span, startOffset: statement.span.endOffset } });
      },
    });
    const seen: string[] = [];
    const reads = defineRule({
      ...meta,
      id: 'test-reads',
      afterRules: true,
      messages: { never: 'never reported' },
      statement({ statement, findingsOn }) {
        seen.push(`${statement.kind}: ${findingsOn(statement).map((f) => f.messageId).join(' ')}`);
      },
    });
    const text = "SELECT 1;\nDO $$\nBEGIN\n  CREATE INDEX a_x ON a (x);\n  CREATE INDEX b_x ON b (x);\nEND\n$$;\nSELECT 2;\n";
    await analyze({ files: [{ path: 'migrations/001_a.up.sql', text, change: 'added' as const }], config: defaultConfig(), rules: [marks, reads], discover: discoverMigrations });
    expect(seen).toEqual(['SelectStmt: start', 'DoStmt: start tail', 'IndexStmt: start', 'IndexStmt: start', 'SelectStmt: start end']);
  });
});
