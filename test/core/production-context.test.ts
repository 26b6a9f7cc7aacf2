/**
 * The pure production context: the stats snapshot's format, table lookup (quoting,
 * schemas, hashing), the estimate model and its fit, the size-thresholds policy and the
 * order of the blocking findings, on reports the real engine produced.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, parseConfigText } from '../../src/core/config.js';
import { type Coefficients, curveMs, DEFAULT_COEFFICIENTS, estimateMs } from '../../src/core/estimate.js';
import { lockInfo } from '../../src/core/locks.js';
import { applyProductionContext, bytesOf, findingWork } from '../../src/core/production-context.js';
import type { Report } from '../../src/core/report.js';
import { catalogName, hashName, parseStatsSnapshot, STATS_SNAPSHOT_VERSION, type StatsSnapshot, StatsFileError, type TableStats } from '../../src/core/stats.js';
import { checkMigrations } from '../../src/engine.js';
import { allRules, findRule } from '../../src/rules/index.js';
import { withStats } from '../../src/stats/context.js';

const MIB = 1024 * 1024;

function table(name: string, rows: number, heapBytes: number, traffic: { reads: number; writes: number } = { reads: 0, writes: 0 }): TableStats {
  return { name, totalBytes: heapBytes * 1.5, heapBytes, rows, indexes: [{ name: `${name}_pkey`, bytes: heapBytes / 2 }], readsPerMinute: traffic.reads, writesPerMinute: traffic.writes };
}

function snapshot(tables: TableStats[], hashedNames = false): StatsSnapshot {
  return { version: STATS_SNAPSHOT_VERSION, takenAt: '2026-12-01T03:00:00.000Z', serverVersion: 16, hashedNames, activityWindowSeconds: 86_400, statementsWindowSeconds: null, tables };
}

/** Linear curves with round numbers (ms per MiB or per thousand rows), so the expected estimates are easy to check by hand. */
const linear = (msPerUnit: number) => ({ points: [{ units: 1, ms: msPerUnit }, { units: 10, ms: 10 * msPerUnit }] });
const COEFFICIENTS: Coefficients = {
  measuredOn: 'test',
  work: { rewrite: linear(10), scan: linear(1), 'index-build': linear(2), validation: linear(3), backfill: linear(4) },
};

async function report(sql: string): Promise<Report> {
  return checkMigrations([{ path: 'migrations/001_change.sql', text: sql, change: 'added' }], defaultConfig());
}

function judge(base: Report, stats: StatsSnapshot, config = defaultConfig()): Report {
  return applyProductionContext(base, { snapshot: stats, coefficients: COEFFICIENTS, thresholds: config['size-thresholds'], ruleOf: findRule });
}

describe('table names', () => {
  it('folds unquoted names, keeps quoted ones and puts unqualified names in public', () => {
    expect(catalogName('Users')).toBe('public.users');
    expect(catalogName('"Users"')).toBe('public.Users');
    expect(catalogName('billing.Invoices')).toBe('billing.invoices');
    expect(catalogName('"My Schema"."a.b"')).toBe('My Schema.a.b');
  });

  it('finds tables of a hashing snapshot by the digest of their catalog name', async () => {
    const base = await report('CREATE INDEX events_kind ON Events (kind);\n');
    const hashed = judge(base, snapshot([{ ...table('x', 50_000_000, 4096 * MIB), name: hashName('public.events') }], true));
    const finding = hashed.findings.find((f) => f.ruleId === 'require-concurrent-index-creation')!;
    expect(finding.context?.tables[0]).toMatchObject({ table: 'events', rows: 50_000_000, size: 'large' });
    expect(hashName('public.events')).toMatch(/^sha256:[0-9a-f]{32}$/);
  });
});

describe('estimates', () => {
  it('scales each kind with its unit; a rewrite also rebuilds every index', () => {
    const events = table('public.events', 2_000_000, 100 * MIB);
    expect(estimateMs('scan', events, COEFFICIENTS)).toBe(100);
    expect(estimateMs('index-build', events, COEFFICIENTS)).toBe(4000);
    expect(estimateMs('rewrite', events, COEFFICIENTS)).toBe(1000 + 4000);
    expect(estimateMs('backfill', { ...events, rows: null }, DEFAULT_COEFFICIENTS)).toBe(0);
  });

  it('follows the power law between measured points and grows at least linearly past the largest', () => {
    const points = [{ units: 10, ms: 20 }, { units: 100, ms: 50 }, { units: 1000, ms: 1000 }];
    expect(curveMs(points, 10)).toBeCloseTo(20);
    expect(curveMs(points, 1000)).toBeCloseTo(1000);
    // Between 10 and 100 the exponent is log(2.5)/log(10): sqrt(10) units in, sqrt(2.5) times the time.
    expect(curveMs(points, Math.sqrt(10) * 10)).toBeCloseTo(20 * Math.sqrt(2.5));
    // The last segment's exponent (1.3) carries on past it; a flat one (fixed costs) is raised to linear.
    expect(curveMs(points, 10_000)).toBeCloseTo(1000 * 20);
    expect(curveMs([{ units: 10, ms: 20 }, { units: 100, ms: 25 }], 1000)).toBeCloseTo(250);
    expect(curveMs(points, 1)).toBeCloseTo(20 * 0.1 ** (Math.log(2.5) / Math.log(10)));
    expect(curveMs([{ units: 4, ms: 8 }], 10)).toBe(20);
  });

  it('puts the estimate, the lock and the queries it blocks on the finding', async () => {
    const base = await report("SET lock_timeout = '2s';\nSET statement_timeout = '1h';\nCREATE INDEX events_kind ON events (kind);\n");
    const judged = judge(base, snapshot([table('public.events', 2_000_000, 100 * MIB, { reads: 900, writes: 120 })]));
    const finding = judged.findings.find((f) => f.ruleId === 'require-concurrent-index-creation')!;
    expect(finding.context?.estimate).toEqual({ work: 'index-build', table: 'events', lowMs: 2000, highMs: 8000, lock: 'SHARE', blocks: ['writes', 'ddl'], blockedQueriesPerMinute: 120 });
    expect(finding.context?.impact).toBe(16);
  });
});

describe('how a table of the snapshot is judged', () => {
  const INDEX = "SET lock_timeout = '2s';\nSET statement_timeout = '1h';\nCREATE INDEX events_kind ON events (kind);\nUPDATE events SET kind = 0;\n";
  const GIB = 1024 * MIB;
  let base: Report;
  beforeAll(async () => {
    base = await report(INDEX);
  });
  const events = (overrides: Partial<TableStats>): TableStats => ({ name: 'public.events', totalBytes: MIB, heapBytes: MIB, rows: 100, indexes: [], readsPerMinute: 0, writesPerMinute: 0, ...overrides });
  const judged = (overrides: Partial<TableStats>, rule = 'require-concurrent-index-creation') => judge(base, snapshot([events(overrides)])).findings.find((f) => f.ruleId === rule)!;

  it.each([
    [{ rows: 9_999, totalBytes: 10 * MIB - 1 }, 'tiny'],
    [{ rows: null, totalBytes: MIB }, 'tiny'],
    [{ rows: 10_000, totalBytes: MIB }, 'medium'],
    [{ rows: 100, totalBytes: 10 * MIB }, 'medium'],
    [{ rows: 9_999_999, totalBytes: 10 * GIB - 1 }, 'medium'],
    [{ rows: 10_000_000, totalBytes: MIB }, 'large'],
    [{ rows: 100, totalBytes: 10 * GIB }, 'large'],
  ] as const)('sizes %o as %s (tiny: below 10,000 rows and 10MB; large: at 10,000,000 rows or 10GB)', (overrides, size) => {
    expect(judged(overrides).context?.tables[0]?.size).toBe(size);
  });

  it('counts reads and writes together against hot-queries-per-minute (600)', () => {
    expect(judged({ readsPerMinute: 300, writesPerMinute: 300 }).context?.tables[0]).toMatchObject({ hot: true, traffic: 'pg_stat_user_tables' });
    expect(judged({ readsPerMinute: 300, writesPerMinute: 299 }).context?.tables[0]?.hot).toBe(false);
    expect(judged({ readsPerMinute: 0, writesPerMinute: 600 }).context?.tables[0]?.hot).toBe(true);
  });

  it('takes the traffic from pg_stat_statements when the snapshot has it', () => {
    const table = judged({ readsPerMinute: 0, writesPerMinute: 0, statements: { readCallsPerMinute: 500, writeCallsPerMinute: 100 } }).context?.tables[0];
    expect(table).toMatchObject({ readsPerMinute: 500, writesPerMinute: 100, traffic: 'pg_stat_statements', hot: true });
  });

  it('leaves the blocked queries unknown when the traffic it blocks is unknown, and then ranks by duration', () => {
    const context = judged({ rows: 2_000_000, totalBytes: 150 * MIB, heapBytes: 100 * MIB, readsPerMinute: 900, writesPerMinute: null }).context!;
    expect(context.estimate).toMatchObject({ blocks: ['writes', 'ddl'], blockedQueriesPerMinute: null, highMs: 8000 });
    expect(context.impact).toBe(8);
  });

  it('raises a warning to an error on a hot table and on a large one, naming which', () => {
    expect(judged({ readsPerMinute: 1000 }, 'ban-unbatched-backfill')).toMatchObject({ severity: 'error', context: { policy: { from: 'warning', to: 'error', reason: 'events is hot (size-thresholds)' } } });
    expect(judged({ rows: 10_000_000 }, 'ban-unbatched-backfill')).toMatchObject({ severity: 'error', context: { policy: { reason: 'events is large (size-thresholds)' } } });
    const medium = judged({ rows: 50_000 }, 'ban-unbatched-backfill');
    expect(medium.severity).toBe('warning');
    expect(medium.context?.policy).toBeUndefined();
  });

  it('names the tiny-table policy in the finding it lowered', () => {
    expect(judged({}).context?.policy).toEqual({ from: 'error', to: 'notice', reason: 'every table it touches is below the size-thresholds "tiny" limits and not hot' });
  });
});

describe('the size-thresholds policy', () => {
  const SQL = "SET lock_timeout = '2s';\nSET statement_timeout = '1h';\nCREATE INDEX lookup_name ON lookup (name);\nCREATE INDEX events_kind ON events (kind);\nUPDATE events SET kind = 0;\nALTER TABLE lookup DROP COLUMN legacy;\nCREATE INDEX audit_at ON audit (at);\n";

  it('makes findings about locks on tiny quiet tables notices, raises warnings on large ones, and leaves the rest alone', async () => {
    const base = await report(SQL);
    const judged = judge(base, snapshot([table('public.lookup', 40, 8192), table('public.events', 20_000_000, 4096 * MIB)]));
    const on = (rule: string, statement: string) => judged.findings.find((f) => f.ruleId === rule && f.statement?.includes(statement))!;
    expect(on('require-concurrent-index-creation', 'lookup')).toMatchObject({ severity: 'notice', context: { policy: { from: 'error', to: 'notice' } } });
    expect(on('require-concurrent-index-creation', 'events')).toMatchObject({ severity: 'error' });
    // Only warnings are raised: an error on a large table stays as it was, with no policy named.
    expect(on('require-concurrent-index-creation', 'events').context?.policy).toBeUndefined();
    expect(on('ban-unbatched-backfill', 'events')).toMatchObject({ severity: 'error', context: { policy: { from: 'warning', to: 'error' }, estimate: { work: 'backfill' } } });
    // A dropped column breaks running code on a table of any size.
    expect(on('ban-drop-column', 'lookup')).toMatchObject({ severity: 'error', context: { tables: [{ size: 'tiny' }] } });
    expect(on('ban-drop-column', 'lookup').context?.policy).toBeUndefined();
    // audit is not in the snapshot: exactly as before.
    const audit = base.findings.filter((f) => f.statement?.includes('audit'));
    expect(judged.findings.filter((f) => f.statement?.includes('audit'))).toEqual(audit);
    expect(audit.length).toBeGreaterThan(0);
    expect(judged.blocking).not.toContain(on('require-concurrent-index-creation', 'lookup'));
    expect(judged.context).toMatchObject({ tables: 2, findingsWithContext: 4 });
  });

  it('keeps a tiny table that is hot, and reads its limits from the config', async () => {
    const base = await report(SQL);
    const hot = judge(base, snapshot([table('public.lookup', 40, 8192, { reads: 5000, writes: 0 })]));
    expect(hot.findings.find((f) => f.ruleId === 'require-concurrent-index-creation' && f.statement?.includes('lookup'))!.severity).toBe('error');
    const config = await parseConfigText('size-thresholds:\n  tiny: { rows: 10, bytes: 1kB }\n  raise-large: false\n', allRules, 'c.yml');
    const strict = judge(base, snapshot([table('public.lookup', 40, 8192), table('public.events', 20_000_000, 4096 * MIB)]), config);
    expect(strict.findings.find((f) => f.ruleId === 'require-concurrent-index-creation' && f.statement?.includes('lookup'))!.severity).toBe('error');
    expect(strict.findings.find((f) => f.ruleId === 'ban-unbatched-backfill')!.severity).toBe('warning');
  });

  it('leaves alone a locking finding about neither a lock nor work, and lowers one about a lock alone', async () => {
    // require-statement-timeout names no lock and no work; require-lock-timeout names CREATE INDEX's SHARE lock and no work of its own.
    const base = await report('CREATE INDEX lookup_name ON lookup (name);\n');
    const judged = judge(base, snapshot([table('public.lookup', 40, 8192)]));
    const timeout = (rule: string) => judged.findings.find((f) => f.ruleId === rule)!;
    expect(timeout('require-statement-timeout')).toMatchObject({ lock: null, severity: 'warning', context: { tables: [{ size: 'tiny' }] } });
    expect(timeout('require-statement-timeout').context?.policy).toBeUndefined();
    expect(timeout('require-lock-timeout')).toMatchObject({ lock: { mode: 'SHARE' }, severity: 'notice', context: { policy: { from: 'warning', to: 'notice' } } });
  });

  it('lowers a finding only when every table it locks is tiny (a foreign key locks both)', async () => {
    const base = await report("SET lock_timeout = '2s';\nSET statement_timeout = '1h';\nALTER TABLE events ADD CONSTRAINT events_lookup FOREIGN KEY (lookup_id) REFERENCES lookup (id);\n");
    const judged = judge(base, snapshot([table('public.lookup', 40, 8192), table('public.events', 20_000_000, 4096 * MIB)]));
    const foreignKey = judged.findings.find((f) => f.ruleId === 'require-not-valid-foreign-key')!;
    expect(foreignKey.context?.tables.map((t) => t.size)).toEqual(['large', 'tiny']);
    expect(foreignKey.severity).toBe('error');
    expect(foreignKey.context?.policy).toBeUndefined();
  });

  it('leaves a notice the config asked for without naming a policy', async () => {
    const config = await parseConfigText('rules:\n  require-concurrent-index-creation: notice\n', allRules, 'c.yml');
    const base = await checkMigrations([{ path: 'migrations/001_change.sql', text: 'CREATE INDEX lookup_name ON lookup (name);\n', change: 'added' }], config);
    const finding = judge(base, snapshot([table('public.lookup', 40, 8192)]), config).findings.find((f) => f.ruleId === 'require-concurrent-index-creation')!;
    expect(finding).toMatchObject({ severity: 'notice', context: { tables: [{ size: 'tiny' }] } });
    expect(finding.context?.policy).toBeUndefined();
  });

  it('judges a finding of a rule it is not told about by its size alone: no estimate, no policy', async () => {
    const base = await report('CREATE INDEX events_kind ON events (kind);\n');
    const ruleOf = (ruleId: string) => (ruleId === 'require-concurrent-index-creation' ? undefined : findRule(ruleId));
    const judged = applyProductionContext(base, { snapshot: snapshot([table('public.events', 40, 8192)]), coefficients: COEFFICIENTS, thresholds: defaultConfig()['size-thresholds'], ruleOf });
    const finding = judged.findings.find((f) => f.ruleId === 'require-concurrent-index-creation')!;
    expect(finding).toMatchObject({ severity: 'error', context: { tables: [{ size: 'tiny' }], impact: 0 } });
    expect(finding.context?.estimate).toBeUndefined();
    expect(finding.context?.policy).toBeUndefined();
  });

  it('orders the blocking findings by estimated impact, unestimated ones last in their order', async () => {
    const base = await report("SET lock_timeout = '2s';\nSET statement_timeout = '1h';\nCREATE INDEX small_a ON small (a);\nALTER TABLE users DROP COLUMN email;\nCREATE INDEX big_a ON big (a);\n");
    const judged = judge(base, snapshot([table('public.small', 200_000, 10 * MIB, { reads: 0, writes: 10 }), table('public.big', 9_000_000, 900 * MIB, { reads: 0, writes: 10 })]));
    expect(judged.blocking.map((f) => f.statement?.match(/small|users|big/)?.[0])).toEqual(['big', 'small', 'users']);
    expect(base.blocking.map((f) => f.statement?.match(/small|users|big/)?.[0])).toEqual(['small', 'users', 'big']);
  });
});

describe('the blocking order', () => {
  it('puts a finding on a table of the snapshot (impact 0 without an estimate) before those on unknown tables, which keep their order', async () => {
    const sql = ['a', 'b', 'c', 'd', 'e', 'known', 'f', 'g'].map((name) => `ALTER TABLE ${name} DROP COLUMN legacy;\n`).join('');
    const judged = judge(await report(sql), snapshot([table('public.known', 100, 8192)]));
    expect(judged.blocking.map((f) => f.tables[0])).toEqual(['known', 'a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(judged.blocking[0]?.context?.impact).toBe(0);
  });
});

describe('the work a finding describes', () => {
  const scanRule = () => ({ category: 'locking' as const, work: 'scan' as const });

  it('is a rewrite when the finding or replay says the statement rewrites, else the rule\'s work', () => {
    const finding = { ruleId: 'some-rule', rewrite: false };
    expect(findingWork(finding, scanRule)).toBe('scan');
    expect(findingWork({ ...finding, rewrite: true }, scanRule)).toBe('rewrite');
    const replay = { locks: [], rewrites: ['public.events'], locksObserved: true, observedLock: null, lockMismatch: false };
    expect(findingWork({ ...finding, replay }, scanRule)).toBe('rewrite');
    expect(findingWork({ ...finding, replay: { ...replay, rewrites: [] } }, scanRule)).toBe('scan');
  });

  it('is none for a rule the lookup does not know', () => {
    expect(findingWork({ ruleId: 'not-a-rule', rewrite: false }, findRule)).toBeUndefined();
  });

  it('estimates a rewrite the finding reports even when its rule names no work, and counts the reads an ACCESS EXCLUSIVE lock blocks', async () => {
    const base = await report('ALTER TABLE events ADD COLUMN token uuid DEFAULT gen_random_uuid();\n');
    const judged = judge(base, snapshot([table('public.events', 2_000_000, 100 * MIB, { reads: 900, writes: 120 })]));
    const finding = judged.findings.find((f) => f.ruleId === 'ban-volatile-default')!;
    expect(findRule('ban-volatile-default')?.work).toBeUndefined();
    expect(finding.context?.estimate).toMatchObject({ work: 'rewrite', lock: 'ACCESS EXCLUSIVE', blocks: ['reads', 'writes', 'ddl'], blockedQueriesPerMinute: 1020 });
  });

  it('counts no queries for a lock that blocks DDL only, and names no lock when the finding has none', async () => {
    const base = await report('CREATE INDEX events_kind ON events (kind);\n');
    const stats = snapshot([table('public.events', 2_000_000, 100 * MIB, { reads: 900, writes: 120 })]);
    const withLock = (lock: Report['findings'][number]['lock']): Report => ({ ...base, findings: base.findings.map((f) => (f.ruleId === 'require-concurrent-index-creation' ? { ...f, lock } : f)) });
    const estimate = (judged: Report) => judged.findings.find((f) => f.ruleId === 'require-concurrent-index-creation')!.context?.estimate;
    expect(estimate(judge(withLock(lockInfo('SHARE UPDATE EXCLUSIVE')), stats))).toMatchObject({ work: 'index-build', lock: 'SHARE UPDATE EXCLUSIVE', blocks: ['ddl'], blockedQueriesPerMinute: 0 });
    expect(estimate(judge(withLock(null), stats))).toMatchObject({ work: 'index-build', lock: null, blocks: [], blockedQueriesPerMinute: 0 });
  });
});

describe('configuration and files', () => {
  it('validates the new config keys', async () => {
    expect(bytesOf('10MB')).toBe(10 * MIB);
    expect(bytesOf('1.5 GiB')).toBe(1.5 * 1024 * MIB);
    expect(bytesOf(123)).toBe(123);
    // A number the schema accepts but that prints in exponent notation is still a number of bytes.
    expect(bytesOf(1e21)).toBe(1e21);
    expect(bytesOf('1.25 MB')).toBe(1.25 * MIB);
    expect(bytesOf(' 2 kB ')).toBe(2048);
    expect(bytesOf('512')).toBe(512);
    await expect(parseConfigText('size-thresholds:\n  tiny: { bytes: ten }\n', allRules, 'c.yml')).rejects.toThrow(ConfigError);
    await expect(parseConfigText('size-thresholds:\n  tiny: { bytes: ten }\n', allRules, 'c.yml')).rejects.toThrow(/size-thresholds\.tiny\.bytes.*10MB/);
    await expect(parseConfigText('size-threshold: {}\n', allRules, 'c.yml')).rejects.toThrow(/did you mean "size-thresholds"/);
    expect((await parseConfigText('stats-file: db/migration-stats.json\n', allRules, 'c.yml'))['stats-file']).toBe('db/migration-stats.json');
  });

  it('refuses stats files that are not JSON, of another version, or malformed, naming the file and the field', async () => {
    expect(() => parseStatsSnapshot('{', 'stats.json')).toThrow(/^stats\.json: not valid JSON/);
    expect(() => parseStatsSnapshot('{"version": 2}', 'stats.json')).toThrow(/unsupported stats snapshot version 2/);
    const bad = { ...snapshot([table('public.t', 1, 1)]), tables: [{ ...table('public.t', 1, 1), totalBytes: -1 }] };
    expect(() => parseStatsSnapshot(JSON.stringify(bad), 'stats.json')).toThrow(StatsFileError);
    expect(() => parseStatsSnapshot(JSON.stringify(bad), 'stats.json')).toThrow(/field "tables\.0\.totalBytes"/);
    const base = await report('CREATE INDEX t_a ON t (a);\n');
    const judged = withStats(base, defaultConfig(), { path: 'stats.json', text: JSON.stringify(snapshot([table('public.t', 50_000, 5 * MIB)])) });
    expect(judged.context?.coefficientsMeasuredOn).toBe(DEFAULT_COEFFICIENTS.measuredOn);
  });
});
