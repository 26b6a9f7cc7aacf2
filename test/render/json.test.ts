// The JSON report (version 1) field by field: a contract other tools read (src/render/json.ts:
// "add fields, never rename or remove them"), so each field's value is pinned here.
import { describe, expect, it } from 'vitest';
import { lockInfo } from '../../src/core/locks.js';
import type { FileReport, Report, StatementReport } from '../../src/core/report.js';
import { toJsonReport } from '../../src/render/json.js';
import { findingOf } from '../support/findings.js';

const statement = (index: number): StatementReport => ({ index, section: 'up', kind: 'AlterTableStmt', line: index + 1, endLine: index + 1, text: 'ALTER TABLE users DROP COLUMN email', tables: ['users'], lock: lockInfo('ACCESS EXCLUSIVE'), rewrite: false });
const file: FileReport = { path: 'db/001_drop.up.sql', convention: 'golang-migrate', role: 'up', change: 'added', version: '001', migrationId: 'db/001_drop', partner: 'db/001_drop.down.sql', implicitTransaction: false, statements: [statement(0), statement(1)] };

describe('toJsonReport', () => {
  const blocking = findingOf({ fix: 'SELECT 1;', statement: 'ALTER TABLE users DROP COLUMN email', lock: lockInfo('ACCESS EXCLUSIVE'), rewrite: true, span: { startOffset: 0, endOffset: 90, start: { line: 2, column: 1 }, end: { line: 4, column: 12 } } });
  const suppressed = findingOf({ severity: 'warning', suppression: { kind: 'inline', reason: 'deliberate', line: 1 } });
  const notice = findingOf({ severity: 'notice' });
  const report = { verdict: 'blocked', postgresVersion: 16, failOn: 'error', files: [file, { ...file, path: 'db/001_drop.down.sql', role: 'down', statements: [statement(0)] }], findings: [blocking, suppressed, notice], blocking: [blocking] } as unknown as Report;

  it('heads with the version, verdict, target, policy and counts (suppressed findings counted apart)', () => {
    const json = toJsonReport(report);
    expect(json).toMatchObject({ version: 1, verdict: 'blocked', postgresVersion: 16, failOn: 'error', summary: { files: 2, statements: 3, errors: 1, warnings: 0, notices: 1, suppressed: 1, blocking: 1 } });
    expect('replay' in json || 'context' in json).toBe(false);
  });

  it('lists each file with its statement count and details', () => {
    expect(toJsonReport(report).files[0]).toEqual({ path: 'db/001_drop.up.sql', convention: 'golang-migrate', role: 'up', change: 'added', version: '001', partner: 'db/001_drop.down.sql', implicitTransaction: false, statements: 2, statementDetails: file.statements });
  });

  it('lists each finding with its place, texts, lock, suppression and whether it blocks', () => {
    const [first, second] = toJsonReport(report).findings;
    expect(first).toEqual({
      rule: 'ban-drop-column',
      messageId: 'dropColumn',
      severity: 'error',
      file: 'db/001_drop.sql',
      line: 2,
      column: 1,
      endLine: 4,
      endColumn: 12,
      message: 'Dropping column "email" breaks running code',
      why: 'why',
      fix: 'SELECT 1;',
      statement: 'ALTER TABLE users DROP COLUMN email',
      tables: ['users'],
      lock: lockInfo('ACCESS EXCLUSIVE'),
      rewrite: true,
      suppressed: false,
      suppression: null,
      blocking: true,
      docsUrl: 'https://example.test/ban-drop-column.md',
    });
    expect(second).toMatchObject({ fix: null, statement: null, suppressed: true, suppression: { kind: 'inline', reason: 'deliberate', line: 1 }, blocking: false });
  });

  it("adds replay and context, the report's and each finding's, only when they exist", () => {
    const replay = { locks: [], rewrites: [], locksObserved: true, observedLock: null, lockMismatch: false };
    const context = { tables: [], impact: 0 };
    const reportContext = { takenAt: 'x', tables: 1, findingsWithContext: 1, coefficientsMeasuredOn: 'y' };
    const summary = { database: 'pglite', serverVersion: 170004 };
    const json = toJsonReport({ ...report, findings: [{ ...blocking, replay, context }], replay: summary, context: reportContext } as unknown as Report);
    expect(json.findings[0]).toMatchObject({ replay, context });
    expect(json.replay).toEqual(summary);
    expect(json.context).toEqual(reportContext);
  });
});
