// The terminal output (src/render/text.ts) for findings built by hand: what each finding
// shows (source window, lock, replay, context, fix) and what follows the findings (the
// strategy, replay, rehearsal and snapshot lines, the summary).
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { lockInfo } from '../../src/core/locks.js';
import type { FileReport, Report } from '../../src/core/report.js';
import { renderText, summaryLine } from '../../src/render/text.js';
import { findingOf } from '../support/findings.js';

const SOURCE = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n');
const text = (findings: Finding[], extra: Partial<Report> = {}, color = false) =>
  renderText({ verdict: 'blocked', files: [], findings, blocking: findings.slice(0, 1), ...extra } as unknown as Report, { color, sources: new Map([['db/001_drop.sql', SOURCE]]) });
const span = (startLine: number, endLine: number, startColumn = 1, endColumn = 6) => ({ startOffset: 0, endOffset: 1, start: { line: startLine, column: startColumn }, end: { line: endLine, column: endColumn } });

describe('a finding in the text output', () => {
  it('underlines at most five lines of a long statement and says how many more there are, the gutter as wide as the last line number', () => {
    const out = text([findingOf({ span: span(8, 11) }), findingOf({ span: span(2, 9, 3, 4) })]);
    expect(out).toContain(['db/001_drop.sql:8:1 error ban-drop-column Dropping column "email" breaks running code', '   8 | line 8', '     | ^^^^^^', '   9 | line 9', '     | ^^^^^^', '  10 | line 10', '     | ^^^^^^^', '  11 | line 11', '     | ^^^^^^', '  why: why'].join('\n'));
    expect(out).toContain(['  2 | line 2', '    |   ^^^^', '  3 | line 3', '    | ^^^^^^', '  4 | line 4', '    | ^^^^^^', '  5 | line 5', '    | ^^^^^^', '  6 | line 6', '    | ^^^^^^', '    | ... (3 more lines)'].join('\n'));
  });

  it('names the lock, its tables, what it blocks and a rewrite; a lock blocking nothing but DDL says so', () => {
    expect(text([findingOf({ lock: lockInfo('ACCESS EXCLUSIVE'), tables: ['users', 'orders'], rewrite: true })])).toContain('  lock: ACCESS EXCLUSIVE on users, orders (blocks reads, writes, ddl); rewrites the table\n');
    expect(text([findingOf({ lock: lockInfo('SHARE UPDATE EXCLUSIVE'), tables: [] })])).toContain('  lock: SHARE UPDATE EXCLUSIVE (blocks ddl)\n');
    expect(text([findingOf({ lock: { mode: 'ACCESS SHARE', blocks: [] }, tables: [] })])).toContain('  lock: ACCESS SHARE (blocks nothing but other DDL)\n');
    expect(text([findingOf()])).not.toContain('  lock:');
  });

  it('adds the replay, the context, why, the safe alternative indented, and the docs', () => {
    const replay = { locks: [{ relation: 'users', mode: 'ACCESS EXCLUSIVE' as const }], rewrites: [], locksObserved: true, observedLock: 'ACCESS EXCLUSIVE' as const, lockMismatch: true };
    const context = { tables: [], impact: 0, policy: { from: 'warning' as const, to: 'error' as const, reason: 'users is large' } };
    const out = text([findingOf({ replay, context, fix: 'SET lock_timeout = 1000;\nALTER TABLE users DROP COLUMN email;' })]);
    expect(out).toContain(
      [
        '  replay: ACCESS EXCLUSIVE on users (the rule claims no lock; Postgres took ACCESS EXCLUSIVE)',
        '  context: severity warning → error: users is large',
        '  why: why',
        '  fix:',
        '    SET lock_timeout = 1000;',
        '    ALTER TABLE users DROP COLUMN email;',
        '  docs: https://example.test/ban-drop-column.md',
      ].join('\n'),
    );
    expect(text([findingOf({ replay, context })], {}, true)).toContain('\x1b[1mreplay\x1b[0m: \x1b[31mACCESS EXCLUSIVE on users (the rule claims no lock; Postgres took ACCESS EXCLUSIVE)\x1b[0m');
    expect(text([findingOf({ replay: { ...replay, lockMismatch: false } })], {}, true)).toContain('\x1b[1mreplay\x1b[0m: ACCESS EXCLUSIVE on users\n');
  });

  it('colours the place bold, the rule cyan, the gutter dim and the carets as the severity', () => {
    const out = text([findingOf({ span: span(2, 2, 1, 6) })], {}, true);
    expect(out).toContain('\x1b[1mdb/001_drop.sql:2:1\x1b[0m \x1b[31merror\x1b[0m \x1b[36mban-drop-column\x1b[0m Dropping column');
    expect(out).toContain('  \x1b[2m2 |\x1b[0m line 2\n  \x1b[2m  |\x1b[0m \x1b[31m^^^^^^\x1b[0m');
    expect(out).toContain('\x1b[1mwhy\x1b[0m: why');
    expect(text([findingOf({ span: span(1, 9) })], {}, true)).toContain('  \x1b[2m  | ... (4 more lines)\x1b[0m\n');
  });

  it('underlines a continuation line from its first non-blank character, a one-character span with one caret, a blank line with none', () => {
    const source = 'ALTER TABLE users\n\n    DROP COLUMN email;\nx';
    const render = (f: Finding) => renderText({ verdict: 'blocked', files: [], findings: [f], blocking: [] } as unknown as Report, { color: false, sources: new Map([['db/001_drop.sql', source]]) });
    expect(render(findingOf({ span: span(1, 3, 13, 21) }))).toContain(['  1 | ALTER TABLE users', '    |             ^^^^^', '  2 | ', '  3 |     DROP COLUMN email;', '    |     ^^^^^^^^^^^^^^^^^', '  why: why'].join('\n'));
    expect(render(findingOf({ span: span(4, 4, 1, 1) }))).toContain('  4 | x\n    | ^\n  why: why');
    const oneBlank = renderText({ verdict: 'blocked', files: [], findings: [findingOf({ span: span(1, 2, 1, 3) })], blocking: [] } as unknown as Report, { color: false, sources: new Map([['db/001_drop.sql', 'ab\n cd']]) });
    expect(oneBlank).toContain('  2 |  cd\n    |  ^^\n');
  });

  it('shows a line of exactly 200 characters whole; a window at either end of a longer line has one ellipsis', () => {
    const render = (line: string, column: number) => renderText({ verdict: 'blocked', files: [], findings: [findingOf({ span: span(1, 1, column, column) })], blocking: [] } as unknown as Report, { color: false, sources: new Map([['db/001_drop.sql', line]]) }).split('\n')[1];
    const exact = 'a'.repeat(200);
    expect(render(exact, 1)).toBe(`  1 | ${exact}`);
    const long = `${'b'.repeat(150)}${'c'.repeat(150)}`;
    expect(render(long, 1)).toBe(`  1 | ${long.slice(0, 200)}…`);
    expect(render(long, 300)).toBe(`  1 | …${long.slice(100)}`);
  });

  it('shows a file whose source was not read with empty lines, and leaves suppressed findings and absent replays out', () => {
    const out = renderText({ verdict: 'pass', files: [], findings: [findingOf({ file: 'db/unread.sql', span: span(1, 1) }), findingOf({ suppression: { kind: 'inline', reason: 'r', line: 1 }, message: 'hidden' })], blocking: [] } as unknown as Report, { color: false, sources: new Map() });
    expect(out).toContain('db/unread.sql:1:1 error ban-drop-column Dropping column "email" breaks running code\n  1 | \n  why: why\n');
    const beyond = renderText({ verdict: 'blocked', files: [], findings: [findingOf({ span: span(5, 5) })], blocking: [] } as unknown as Report, { color: false, sources: new Map([['db/001_drop.sql', 'x']]) });
    expect(beyond).toContain('  5 | \n  why: why\n');
    expect(out).not.toContain('hidden');
    expect(out).not.toContain('replay:');
  });

  it('is exactly this, in colour: finding, strategy, replay, rehearsal and snapshot lines, summary', () => {
    const replay = { locks: [], rewrites: [], locksObserved: true, observedLock: null, lockMismatch: false };
    const finding = findingOf({ span: span(2, 2, 1, 4), lock: lockInfo('SHARE'), tables: ['users'], replay, context: { tables: [], impact: 0, policy: { from: 'warning', to: 'error', reason: 'big' } }, fix: 'SELECT 1;' });
    const timed: FileReport = { path: 'db/001.sql', convention: 'plain', role: 'up', change: 'added', version: 'x', migrationId: 'x', partner: null, implicitTransaction: false, statements: [{ index: 0, section: 'up', kind: 'IndexStmt', line: 1, endLine: 1, text: 'x', tables: [], lock: null, rewrite: false, replay: { locks: [], rewrites: [], locksObserved: true, timing: { durationMs: 5, lockHeldMs: 5, sizeChangeBytes: 0 } } }] };
    const summary = { database: 'pglite', serverVersion: 17, base: 'migrations', baseFiles: 1, baseFailedFiles: 0, baseStatements: 1, baseFailures: 0, baseMs: 1, statements: 1, failures: 0, tracedMs: 1, ms: 2 };
    const report = { verdict: 'blocked', files: [timed], findings: [finding], blocking: [finding], replay: summary, context: { takenAt: 't', tables: 1, findingsWithContext: 1, coefficientsMeasuredOn: 'PG' } } as unknown as Report;
    const advice = { strategy: 'needs-maintenance-window' as const, reason: 'Locks.', plans: [{ subject: 's', steps: [{ title: 'Do', files: [{ path: 'p.sql', sql: 'SELECT 2;' }] }] }] };
    const bold = (t: string) => `\x1b[1m${t}\x1b[0m`;
    const dim = (t: string) => `\x1b[2m${t}\x1b[0m`;
    expect(renderText(report, { color: true, sources: new Map([['db/001_drop.sql', SOURCE]]), advice }).split('\n')).toEqual([
      `${bold('db/001_drop.sql:2:1')} \x1b[31merror\x1b[0m \x1b[36mban-drop-column\x1b[0m Dropping column "email" breaks running code`,
      `  ${dim('2 |')} line 2`,
      `  ${dim('  |')} \x1b[31m^^^^\x1b[0m`,
      `  ${bold('lock')}: SHARE on users (blocks writes, ddl)`,
      `  ${bold('replay')}: no relation locks`,
      `  ${bold('context')}: severity warning → error: big`,
      `  ${bold('why')}: why`,
      `  ${bold('fix')}:`,
      '    SELECT 1;',
      `  ${bold('docs')}: https://example.test/ban-drop-column.md`,
      '',
      `${bold('Strategy')}: needs-maintenance-window. Locks.`,
      '',
      `  ${bold('Phase plan: s')}`,
      '  1. Do',
      '     \x1b[36mp.sql\x1b[0m',
      '       SELECT 2;',
      '',
      dim('replay on pglite (Postgres 17): base: 1 earlier migration in 1 ms; 1 statement traced; 2 ms'),
      dim('rehearsal: db/001.sql: 1 statement in 5 ms, longest lock 5 ms, size 0 bytes'),
      dim('production context: stats snapshot of t (1 table), 1 finding on its tables; estimates from throughput measured on PG'),
      '1 file checked, 1 error, 0 warnings, 0 notices: \x1b[31mBLOCKED (1 blocking)\x1b[0m',
      '',
    ]);
    expect(renderText({ verdict: 'pass', files: [], findings: [], blocking: [] } as unknown as Report, { color: true, sources: new Map() })).toBe('0 files checked, 0 errors, 0 warnings, 0 notices: \x1b[32mPASS\x1b[0m\n');
  });

  it('shows source lines without their CR (CRLF files)', () => {
    const out = renderText({ verdict: 'blocked', files: [], findings: [findingOf({ span: span(1, 1) })], blocking: [] } as unknown as Report, { color: false, sources: new Map([['db/001_drop.sql', 'first\r\nsecond\r\n']]) });
    expect(out).toContain('  1 | first\n    | ^^^^^\n');
    const loneCr = renderText({ verdict: 'blocked', files: [], findings: [findingOf({ span: span(1, 1, 1, 3) })], blocking: [] } as unknown as Report, { color: false, sources: new Map([['db/001_drop.sql', 'a\rb\r\n']]) });
    expect(loneCr).toContain('  1 | a\rb\n');
  });

  it('colours the severity: errors red, warnings yellow, notices blue', () => {
    expect(text([findingOf({ severity: 'warning' })], {}, true)).toContain('\x1b[33mwarning\x1b[0m');
    expect(text([findingOf({ severity: 'notice' })], {}, true)).toContain('\x1b[34mnotice\x1b[0m');
  });
});

describe('after the findings', () => {
  it('the strategy and its phase plans, unless the change is backward compatible', () => {
    const advice = { strategy: 'needs-blue-green' as const, reason: 'Old code breaks.', plans: [{ subject: 'drop users.email', steps: [{ title: 'Stop using it', files: [], note: 'deploy the code first' }, { title: 'Drop it', files: [{ path: 'db/002.sql', sql: 'ALTER TABLE users\nDROP COLUMN email;' }] }] }] };
    const report = { verdict: 'blocked', files: [], findings: [], blocking: [] } as unknown as Report;
    expect(renderText(report, { color: false, sources: new Map(), advice })).toContain(
      ['Strategy: needs-blue-green. Old code breaks.', '', '  Phase plan: drop users.email', '  1. Stop using it', '     deploy the code first', '  2. Drop it', '     db/002.sql', '       ALTER TABLE users', '       DROP COLUMN email;', ''].join('\n'),
    );
    expect(renderText(report, { color: false, sources: new Map(), advice: { ...advice, strategy: 'backward-compatible' } })).not.toContain('Strategy');
  });

  it('the replay, rehearsal and snapshot lines, then the summary', () => {
    const timed: FileReport = { path: 'db/001.sql', convention: 'plain', role: 'up', change: 'added', version: 'x', migrationId: 'x', partner: null, implicitTransaction: false, statements: [{ index: 0, section: 'up', kind: 'IndexStmt', line: 1, endLine: 1, text: 'x', tables: [], lock: null, rewrite: false, replay: { locks: [], rewrites: [], locksObserved: true, timing: { durationMs: 1200, lockHeldMs: 1500, sizeChangeBytes: 2048 }, error: { message: 'boom', line: 1 } } }] };
    const replay = { database: 'postgres', serverVersion: 170004, base: 'migrations', baseFiles: 2, baseFailedFiles: 0, baseStatements: 4, baseFailures: 0, baseMs: 10, statements: 1, failures: 0, tracedMs: 5, ms: 20 };
    const context = { takenAt: 'then', tables: 3, findingsWithContext: 0, coefficientsMeasuredOn: 'PG 17' };
    const out = renderText({ verdict: 'pass', files: [timed], findings: [], blocking: [], replay, context } as unknown as Report, { color: false, sources: new Map() });
    expect(out.split('\n')).toEqual([
      'replay on postgres (Postgres 170004): base: 2 earlier migrations in 10 ms; 1 statement traced; 20 ms',
      'rehearsal: db/001.sql: 1 statement in 1.2 s, longest lock 1.5 s, size +2.0 kB, stopped at an error',
      'production context: stats snapshot of then (3 tables), 0 findings on its tables; estimates from throughput measured on PG 17',
      '1 file checked, 0 errors, 0 warnings, 0 notices: PASS',
      '',
    ]);
  });
});

describe('summaryLine', () => {
  it('counts files and unsuppressed findings by severity, singular for one, then the suppressed and the verdict', () => {
    const files = (n: number) => Array.from({ length: n }, () => ({}) as FileReport);
    const suppression = { kind: 'inline' as const, reason: 'r', line: 1 };
    const findings = [findingOf(), findingOf(), findingOf({ severity: 'warning' }), findingOf({ severity: 'notice' }), findingOf({ severity: 'notice' }), findingOf({ suppression })];
    expect(summaryLine({ verdict: 'blocked', files: files(2), findings, blocking: findings.slice(0, 2) } as unknown as Report)).toBe('2 files checked, 2 errors, 1 warning, 2 notices, 1 suppressed: BLOCKED (2 blocking)');
    expect(summaryLine({ verdict: 'pass', files: files(1), findings: [findingOf({ severity: 'warning' }), findingOf({ severity: 'warning' })], blocking: [] } as unknown as Report)).toBe('1 file checked, 0 errors, 2 warnings, 0 notices: PASS');
    expect(summaryLine({ verdict: 'pass', files: files(0), findings: [findingOf({ severity: 'notice' })], blocking: [] } as unknown as Report)).toBe('0 files checked, 0 errors, 0 warnings, 1 notice: PASS');
  });
});
