// The production context and the rehearsal in words (src/render/context.ts), as the text
// output and the PR comment print them: sizes in powers of 1024 with pg_size_pretty's unit
// names, durations in the unit a reader takes in at a glance, unknowns said as unknown.
import { describe, expect, it } from 'vitest';
import type { Finding, StatementTiming } from '../../src/core/finding.js';
import type { FindingContext, TableContext } from '../../src/core/production-context.js';
import type { FileReport, StatementReport } from '../../src/core/report.js';
import { contextSummaryLine, estimateLine, findingContextLines, formatBytes, formatDuration, formatSizeChange, rehearsalRows, rehearsalSection } from '../../src/render/context.js';

const table = (overrides: Partial<TableContext> = {}): TableContext => ({
  table: 'events',
  totalBytes: 3 * 1024 ** 3,
  heapBytes: 2 * 1024 ** 3,
  rows: 12_345_678,
  indexes: 2,
  readsPerMinute: 1200.4,
  writesPerMinute: 30,
  traffic: 'pg_stat_statements',
  size: 'large',
  hot: true,
  ...overrides,
});

const withContext = (context: FindingContext) => ({ context }) as Finding;

describe('formatBytes', () => {
  it('counts in powers of 1024: whole bytes, one decimal under 10 of a unit, none from 10', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1.0 kB');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(10 * 1024)).toBe('10 kB');
    expect(formatBytes(5 * 1024 ** 2)).toBe('5.0 MB');
    expect(formatBytes(20 * 1024 ** 3)).toBe('20 GB');
    expect(formatBytes(2 * 1024 ** 4)).toBe('2.0 TB');
  });

  it('stops at TB, and keeps the sign of a shrink', () => {
    expect(formatBytes(2048 * 1024 ** 4)).toBe('2048 TB');
    expect(formatBytes(-2048)).toBe('-2.0 kB');
    expect(formatBytes(-100)).toBe('-100 bytes');
  });
});

describe('formatSizeChange', () => {
  it('marks growth with +, a shrink with -, and no change with neither', () => {
    expect(formatSizeChange(8 * 1024 ** 2)).toBe('+8.0 MB');
    expect(formatSizeChange(-120 * 1024)).toBe('-120 kB');
    expect(formatSizeChange(0)).toBe('0 bytes');
  });
});

describe('formatDuration', () => {
  it('ms under a second, s under a minute, min under an hour, then h; one decimal under 10 of a unit', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(849.6)).toBe('850 ms');
    expect(formatDuration(999)).toBe('999 ms');
    expect(formatDuration(1000)).toBe('1.0 s');
    expect(formatDuration(9_940)).toBe('9.9 s');
    expect(formatDuration(10_000)).toBe('10 s');
    expect(formatDuration(59_000)).toBe('59 s');
    expect(formatDuration(60_000)).toBe('1.0 min');
    expect(formatDuration(252_000)).toBe('4.2 min');
    expect(formatDuration(600_000)).toBe('10 min');
    expect(formatDuration(3_540_000)).toBe('59 min');
    expect(formatDuration(3_600_000)).toBe('1.0 h');
    expect(formatDuration(5_400_000)).toBe('1.5 h');
    expect(formatDuration(36_000_000)).toBe('10.0 h');
  });
});

describe("a finding's context lines", () => {
  it('none without a context', () => {
    expect(findingContextLines({} as Finding)).toEqual([]);
  });

  it("names each table's size, rows, indexes and traffic, tagged when not medium or when hot", () => {
    const lines = findingContextLines(
      withContext({
        tables: [
          table(),
          table({ table: 'tags', totalBytes: 8192, heapBytes: 8192, rows: null, indexes: 1, readsPerMinute: null, writesPerMinute: null, size: 'tiny', hot: false }),
          table({ table: 'users', rows: 2, readsPerMinute: 5, writesPerMinute: null, traffic: 'pg_stat_user_tables', size: 'medium', hot: false }),
          table({ table: 'logs', rows: 2, readsPerMinute: null, writesPerMinute: 7, traffic: 'pg_stat_user_tables', size: 'medium', hot: false }),
        ],
        impact: 0,
      }),
    );
    expect(lines).toEqual([
      'events: 3.0 GB (2.0 GB heap), 12,345,678 rows, 2 indexes, 1,200 reads/min, 30 writes/min (pg_stat_statements) [large, hot]',
      'tags: 8.0 kB (8.0 kB heap), rows unknown (never analysed), 1 index, traffic unknown [tiny]',
      'users: 3.0 GB (2.0 GB heap), 2 rows, 2 indexes, 5 reads/min, 0 writes/min (pg_stat_user_tables)',
      'logs: 3.0 GB (2.0 GB heap), 2 rows, 2 indexes, 0 reads/min, 7 writes/min (pg_stat_user_tables)',
    ]);
  });

  it('adds the estimate and the policy that changed the severity, each on one line', () => {
    const lines = findingContextLines(
      withContext({
        tables: [],
        estimate: { work: 'index-build', table: 'events', lowMs: 2100, highMs: 8400, lock: 'SHARE', blocks: ['writes'], blockedQueriesPerMinute: 1200 },
        impact: 1,
        policy: { from: 'warning', to: 'error', reason: 'events is large  \n  (over 1 GB)\n' },
      }),
    );
    expect(lines).toEqual(['estimated index-build of events: 2.1 s to 8.4 s holding SHARE (blocks writes), ~1,200 queries blocked/min', 'severity warning → error: events is large (over 1 GB)']);
  });
});

describe('estimateLine', () => {
  const estimate = { work: 'rewrite', table: 't', lowMs: 500, highMs: 90_000, lock: 'ACCESS EXCLUSIVE', blocks: ['reads', 'writes', 'ddl'], blockedQueriesPerMinute: 40 } as const;
  const line = (changes: Partial<NonNullable<FindingContext['estimate']>>) => estimateLine({ tables: [], impact: 0, estimate: { ...estimate, blocks: [...estimate.blocks], ...changes } });

  it('none without an estimate', () => {
    expect(estimateLine({ tables: [], impact: 0 })).toBeUndefined();
  });

  it('says the lock, what it blocks and how many queries wait', () => {
    expect(line({})).toBe('estimated rewrite of t: 500 ms to 1.5 min holding ACCESS EXCLUSIVE (blocks reads, writes, ddl), ~40 queries blocked/min');
  });

  it('says unknown without traffic, nothing about waiting queries when only DDL waits, and no lock when none is held', () => {
    expect(line({ blockedQueriesPerMinute: null })).toBe('estimated rewrite of t: 500 ms to 1.5 min holding ACCESS EXCLUSIVE (blocks reads, writes, ddl), queries blocked unknown (no traffic in the snapshot)');
    expect(line({ lock: 'SHARE UPDATE EXCLUSIVE', blocks: ['ddl'] })).toBe('estimated rewrite of t: 500 ms to 1.5 min holding SHARE UPDATE EXCLUSIVE (blocks ddl)');
    expect(line({ lock: 'SHARE UPDATE EXCLUSIVE', blocks: [] })).toBe('estimated rewrite of t: 500 ms to 1.5 min holding SHARE UPDATE EXCLUSIVE');
    expect(line({ lock: null, blocks: [] })).toBe('estimated rewrite of t: 500 ms to 1.5 min');
  });
});

describe('contextSummaryLine', () => {
  it('names the snapshot, its table count and how many findings it informed', () => {
    expect(contextSummaryLine({ takenAt: '2026-12-01T00:00:00Z', tables: 1500, findingsWithContext: 1, coefficientsMeasuredOn: 'PostgreSQL 17' })).toBe(
      'production context: stats snapshot of 2026-12-01T00:00:00Z (1,500 tables), 1 finding on its tables; estimates from throughput measured on PostgreSQL 17',
    );
    expect(contextSummaryLine({ takenAt: 'x', tables: 2, findingsWithContext: 0, coefficientsMeasuredOn: 'y' })).toContain('(2 tables), 0 findings on its tables');
  });
});

describe('the rehearsal', () => {
  const statement = (timing?: StatementTiming, error = false): StatementReport => ({
    index: 0,
    section: 'up',
    kind: 'IndexStmt',
    line: 1,
    endLine: 1,
    text: 'CREATE INDEX i ON t (c)',
    tables: ['t'],
    lock: null,
    rewrite: false,
    replay: { locks: [], rewrites: [], locksObserved: true, ...(timing ? { timing } : {}), ...(error ? { error: { message: 'boom', line: 1 } } : {}) },
  });
  const file = (path: string, statements: StatementReport[]): FileReport => ({ path, convention: 'plain', role: 'up', change: 'added', version: path, migrationId: path, partner: null, implicitTransaction: false, statements });

  it('totals each migration: statements timed or failed, summed duration and size, the longest lock, whether it stopped at an error', () => {
    const rows = rehearsalRows([
      // NOTE: statements neither timed nor failed (not rehearsed, or not replayed at all) are not counted.
      file('a.sql', [statement({ durationMs: 1200, lockHeldMs: 1500, sizeChangeBytes: 8 * 1024 ** 2 }), { ...statement(), replay: undefined }, statement(), statement({ durationMs: 300, lockHeldMs: 400, sizeChangeBytes: -1024 }), statement(undefined, true)]),
      file('b.sql', [statement({ durationMs: 10, lockHeldMs: 0, sizeChangeBytes: 0 })]),
    ]);
    expect(rows).toEqual([
      { path: 'a.sql', statements: 3, durationMs: 1500, longestLockMs: 1500, sizeChangeBytes: 8 * 1024 ** 2 - 1024, failed: true },
      { path: 'b.sql', statements: 1, durationMs: 10, longestLockMs: 0, sizeChangeBytes: 0, failed: false },
    ]);
  });

  it('leaves out migrations that nothing timed: not rehearsed, or failed at once', () => {
    expect(rehearsalRows([file('a.sql', [statement()]), file('b.sql', [statement(undefined, true)]), file('c.sql', [{ ...statement(), replay: undefined }])])).toEqual([]);
    expect(rehearsalSection([file('a.sql', [statement()])])).toBeUndefined();
  });

  it('is a table in the comment, one row per migration, a | in a path escaped so the row keeps its cells (GFM tables)', () => {
    const section = rehearsalSection([file('a|b.sql', [statement({ durationMs: 1200, lockHeldMs: 1500, sizeChangeBytes: 8 * 1024 ** 2 })]), file('c.sql', [statement({ durationMs: 5, lockHeldMs: 5, sizeChangeBytes: 0 }), statement(undefined, true)])]);
    expect(section).toBe(
      [
        '### Rehearsal',
        '',
        'Measured on the `--database-url` server: each statement in its own transaction, so a lock is held from its start to its commit.',
        '',
        '| migration | statements | duration | longest lock | size change | result |',
        '| --- | --- | --- | --- | --- | --- |',
        '| `a\\|b.sql` | 1 | 1.2 s | 1.5 s | +8.0 MB | ✅ |',
        '| `c.sql` | 2 | 5 ms | 5 ms | 0 bytes | ❌ error |',
        '',
      ].join('\n'),
    );
  });
});
