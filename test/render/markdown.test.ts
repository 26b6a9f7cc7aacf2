// The PR comment (src/render/markdown.ts) with what the action adds: resolutions, the
// checklist, gate notes, fixed findings, the digest, links to the head commit; the rollback
// column per tool, the replay column, the post-deployment comment and the length limit.
import { describe, expect, it } from 'vitest';
import { checklistKey, shortDigest } from '../../src/core/gate.js';
import { lockInfo } from '../../src/core/locks.js';
import type { FileReport, Report, StatementReport } from '../../src/core/report.js';
import { COMMENT_MARKER, renderMarkdown, renderPostDeployment, POST_DEPLOYMENT_MARKER } from '../../src/render/markdown.js';
import { findingOf } from '../support/findings.js';

const DIGEST = 'a'.repeat(64);
const statement = (line: number, extra: Partial<StatementReport> = {}): StatementReport => ({ index: line, section: 'up', kind: 'AlterTableStmt', line, endLine: line, text: `ALTER TABLE users DROP COLUMN c${line}`, tables: ['users'], lock: lockInfo('ACCESS EXCLUSIVE'), rewrite: false, ...extra });
const file = (extra: Partial<FileReport> = {}): FileReport => ({ path: 'db/001_drop.sql', convention: 'golang-migrate', role: 'up', change: 'added', version: '001', migrationId: 'db/001_drop', partner: null, implicitTransaction: false, statements: [statement(3)], ...extra });
const reportOf = (extra: Partial<Report>): Report => ({ verdict: 'blocked', postgresVersion: 16, failOn: 'error', files: [file()], findings: [], blocking: [], ...extra }) as Report;

describe('the verdict line', () => {
  it('counts what is left to resolve, and passes once everything blocking is resolved', () => {
    const one = findingOf();
    const two = findingOf({ statement: 'other' });
    expect(renderMarkdown(reportOf({ findings: [one, two], blocking: [one, two] }))).toContain('## migration-guard: ❌ blocked: 2 blocking findings to resolve');
    expect(renderMarkdown(reportOf({ findings: [one, two], blocking: [one, two] }), { resolutions: new Map([[one, { kind: 'acknowledged', by: 'ann' }]]) })).toContain('## migration-guard: ❌ blocked: 1 blocking finding to resolve');
    const resolved = new Map([[one, { kind: 'acknowledged' as const, by: 'ann' }], [two, { kind: 'approved' as const, by: 'bob', digest: DIGEST }]]);
    const body = renderMarkdown(reportOf({ findings: [one, two], blocking: [one, two] }), { resolutions: resolved });
    expect(body).toContain('## migration-guard: ✅ pass: every blocking finding is resolved');
    expect(body).toContain('(✅ acknowledged by @ann)');
    expect(body).toContain('(✅ covered by the maintenance approval of @bob)');
    expect(renderMarkdown(reportOf({ verdict: 'pass', files: [file(), file({ path: 'db/002.sql' })] }))).toContain('## migration-guard: ✅ pass (2 migration files checked)');
    expect(renderMarkdown(reportOf({ verdict: 'pass' }))).toContain('## migration-guard: ✅ pass (1 migration file checked)');
  });
});

describe('the head', () => {
  it('gate notes, then the digest an approval names (only while something is unresolved), then the counts', () => {
    const blocking = findingOf();
    const warning = findingOf({ severity: 'warning', statement: 'w' });
    const ignored = findingOf({ statement: 'i', suppression: { kind: 'inline', reason: 'ok', line: 1 } });
    const body = renderMarkdown(reportOf({ findings: [blocking, warning, ignored, findingOf({ severity: 'notice', statement: 'n' })], blocking: [blocking] }), { gateNotes: ['Approval by @bob voided: the migrations changed.'], digest: DIGEST });
    const head = body.split('### ')[0]!;
    expect(head).toBe(
      [
        COMMENT_MARKER,
        '## migration-guard: ❌ blocked: 1 blocking finding to resolve',
        '',
        'Approval by @bob voided: the migrations changed.',
        '',
        `Migration digest \`${shortDigest(DIGEST)}\`: a maintainer approves a window for exactly these migration files with \`/approve-maintenance ${shortDigest(DIGEST)} <reason>\`.`,
        '',
        '| migration files | statements | blocking (to resolve) | warnings | ignored inline |',
        '| --- | --- | --- | --- | --- |',
        '| 1 | 1 | 1 (1) | 1 | 1 |',
        '',
        '',
      ].join('\n'),
    );
    expect(renderMarkdown(reportOf({ findings: [blocking], blocking: [blocking] }), { digest: DIGEST, resolutions: new Map([[blocking, { kind: 'acknowledged', by: 'ann' }]]) })).not.toContain('Migration digest');
  });

  it('the replay and snapshot lines in italics when they exist, and no counts without files', () => {
    const replay = { database: 'pglite', serverVersion: 170004, base: 'migrations', baseFiles: 0, baseMs: 1, statements: 1, failures: 0, ms: 2 } as unknown as Report['replay'];
    const context = { takenAt: 'then', tables: 3, findingsWithContext: 0, coefficientsMeasuredOn: 'PG 17' };
    const body = renderMarkdown(reportOf({ verdict: 'pass', replay, context }));
    expect(body).toContain('\n_replay on pglite \\(Postgres 170004\\): base: 0 earlier migrations in 1 ms; 1 statement traced; 2 ms_\n\n_production context: stats snapshot of then \\(3 tables\\), 0 findings on its tables; estimates from throughput measured on PG 17_\n\n| migration files |');
    expect(renderMarkdown(reportOf({ verdict: 'pass', files: [] }))).not.toContain('| migration files |');
  });
});

describe('the blocking findings', () => {
  it('link each location to the head commit, name the lock on its tables, the rewrite, the replay and the safe alternative', () => {
    const finding = findingOf({ lock: lockInfo('ACCESS EXCLUSIVE'), tables: ['users'], rewrite: true, fix: 'SELECT 1;', replay: { locks: [], rewrites: ['users'], locksObserved: true, observedLock: null, lockMismatch: false } });
    const body = renderMarkdown(reportOf({ findings: [finding], blocking: [finding] }), { sourceUrl: (path, line) => `https://example.test/${path}#L${line}` });
    expect(body).toContain(`- [\`db/001_drop.sql:3\`](https://example.test/db/001_drop.sql#L3) **ban-drop-column**: Dropping column "email" breaks running code (key \`${checklistKey(finding)}\`) <!-- mg:key=${checklistKey(finding)} -->`);
    expect(body).toContain(['  <details><summary>Safe alternative</summary>', '', '  Lock: ACCESS EXCLUSIVE on `users` (blocks reads, writes, ddl), rewrites the table. why [Rule docs](https://example.test/ban-drop-column.md)', '', '  Replay: no relation locks; rewrites users', '', '  ```', '  SELECT 1;', '  ```', '', '  </details>'].join('\n'));
    const bare = findingOf({ lock: { mode: 'ACCESS SHARE', blocks: [] }, tables: [] });
    expect(renderMarkdown(reportOf({ findings: [bare], blocking: [bare] }))).toContain('  Lock: ACCESS SHARE (blocks other DDL). why');
    const twoTables = findingOf({ lock: lockInfo('SHARE'), tables: ['users', 'orders'] });
    expect(renderMarkdown(reportOf({ findings: [twoTables], blocking: [twoTables] }))).toContain('  Lock: SHARE on `users`, `orders` (blocks writes, ddl). why');
    const unlocked = findingOf({ context: { tables: [], impact: 0, policy: { from: 'warning', to: 'error', reason: 'hot table' } } });
    expect(renderMarkdown(reportOf({ findings: [unlocked], blocking: [unlocked] }))).toContain(' -->\n  - severity warning → error: hot table\n  <details><summary>Safe alternative</summary>\n\n  why [Rule docs](https://example.test/ban-drop-column.md)\n\n  </details>\n');
  });
});

describe('the sections after them', () => {
  it('the checklist with who ticked each item, the resolved findings, and the commands for what is still open', () => {
    const open = findingOf();
    const checklist = [{ text: 'Backup taken', key: 'k1', by: 'ann' }, { text: 'Window agreed', key: 'k2', approvedBy: 'bob' }, { text: 'Replica lag *checked*', key: 'k3' }];
    const ignored = findingOf({ statement: 'i', suppression: { kind: 'inline', reason: 'phase 3', line: 1 } });
    const ignoredWarning = findingOf({ severity: 'warning', statement: 'w', suppression: { kind: 'inline', reason: 'only a warning', line: 1 } });
    const body = renderMarkdown(reportOf({ findings: [open, ignored, ignoredWarning], blocking: [open] }), { checklist, fixed: [{ location: 'db/000.sql:4', ruleId: 'ban-drop-table' }] });
    expect(body).toContain(['### Pre-deployment checklist', '', '- Backup taken: ✅ acknowledged by @ann <!-- mg:key=k1 -->', '- Window agreed: ✅ covered by the maintenance approval of @bob <!-- mg:key=k2 -->', '- Replica lag \\*checked\\*: key `k3` <!-- mg:key=k3 -->', ''].join('\n'));
    expect(body).toContain(['### Resolved', '', '- `db/001_drop.sql:3` **ban-drop-column**: ignored inline: phase 3', '- `db/000.sql:4` **ban-drop-table**: fixed since the last run', ''].join('\n'));
    expect(body).not.toContain('only a warning');
    expect(body).toContain('<!-- mg:key=k3 -->\n\n### Resolved');
    expect(body).toContain('fixed since the last run\n\n### ');
    expect(body).toContain(`/acknowledge ${checklistKey(open)} k3 <reason>`);
    expect(body).toContain('(the digest the pull request comment shows names the migration files they saw');
    expect(body).toContain('/approve-maintenance <digest> <reason>');
  });

  it('asks to acknowledge only what is still open, and not at all when nothing is', () => {
    const done = findingOf();
    const open = findingOf({ statement: 'other' });
    const body = renderMarkdown(reportOf({ findings: [done, open], blocking: [done, open] }), { resolutions: new Map([[done, { kind: 'acknowledged', by: 'ann' }]]) });
    expect(body).toContain(`/acknowledge ${checklistKey(open)} <reason>`);
    const resolved = renderMarkdown(reportOf({ findings: [done], blocking: [done] }), { resolutions: new Map([[done, { kind: 'acknowledged', by: 'ann' }]]) });
    expect(resolved).toContain('### How to resolve');
    expect(resolved).not.toContain('/acknowledge');
  });

  it('lists fixed findings even when nothing was ignored', () => {
    expect(renderMarkdown(reportOf({ verdict: 'pass' }), { fixed: [{ location: 'db/000.sql:4', ruleId: 'ban-drop-table' }] })).toContain('### Resolved\n\n- `db/000.sql:4` **ban-drop-table**: fixed since the last run\n');
  });

  it('the rehearsal table when statements were timed', () => {
    const timed = file({ statements: [statement(3, { replay: { locks: [], rewrites: [], locksObserved: true, timing: { durationMs: 5, lockHeldMs: 5, sizeChangeBytes: 0 } } })] });
    expect(renderMarkdown(reportOf({ verdict: 'pass', files: [timed] }))).toContain('### Rehearsal\n');
  });

  it('an inline-ignored warning counts as resolved when warnings block, and nothing does when nothing blocks', () => {
    const ignoredWarning = findingOf({ severity: 'warning', suppression: { kind: 'inline', reason: 'only a warning', line: 1 } });
    expect(renderMarkdown(reportOf({ failOn: 'warning', findings: [ignoredWarning] }))).toContain('ignored inline: only a warning');
    expect(renderMarkdown(reportOf({ failOn: 'warning', findings: [findingOf({ severity: 'notice', suppression: { kind: 'inline', reason: 'a notice', line: 1 } })] }))).not.toContain('### Resolved');
    expect(renderMarkdown(reportOf({ failOn: 'never', findings: [findingOf({ suppression: { kind: 'inline', reason: 'r', line: 1 } })] }))).not.toContain('### Resolved');
  });

  it('lists warnings that do not block, with their context, and leaves notices out', () => {
    const warning = findingOf({ severity: 'warning', context: { tables: [], impact: 0, policy: { from: 'error', to: 'warning', reason: 'tiny table' } } });
    const body = renderMarkdown(reportOf({ verdict: 'pass', findings: [warning, findingOf({ severity: 'notice', message: 'a notice' })] }));
    expect(body).toContain(['### Warnings', '', '- `db/001_drop.sql:3` **ban-drop-column**: Dropping column "email" breaks running code', '  - severity error → warning: tiny table', ''].join('\n'));
    expect(body).not.toContain('a notice');
  });
});

describe('the file sections', () => {
  it("say each tool's rollback: a down section, a rollback, the down file, none by convention, or missing", () => {
    const rollback = (extra: Partial<FileReport>) => renderMarkdown(reportOf({ verdict: 'pass', files: [file(extra)] })).match(/rollback: (.*)$/m)?.[1];
    expect(rollback({ role: 'up-down', convention: 'goose' })).toBe('down section');
    expect(rollback({ role: 'down' })).toBe('this is a rollback');
    expect(rollback({ partner: 'db/001_drop.down.sql' })).toBe('down: `db/001_drop.down.sql`');
    for (const convention of ['prisma', 'supabase', 'flyway', 'plain'] as const) expect(rollback({ convention })).toBe('no down by convention');
    expect(rollback({ convention: 'golang-migrate' })).toBe('**missing**');
  });

  it('give each statement its lock, what it blocks, rewrite and status; a replay column only when replay ran', () => {
    const warning = findingOf({ severity: 'warning', span: { startOffset: 0, endOffset: 1, start: { line: 4, column: 1 }, end: { line: 4, column: 2 } } });
    const files = [file({ statements: [statement(3, { rewrite: true, replay: { locks: [], rewrites: ['users'], locksObserved: true } }), statement(4, { lock: null, tables: [] }), statement(5)] })];
    const body = renderMarkdown(reportOf({ verdict: 'pass', files, findings: [warning] }));
    expect(body).toContain(['| line | statement | lock | blocks | rewrite | status |', '| --- | --- | --- | --- | --- | --- |', '| 3 | `ALTER TABLE users DROP COLUMN c3` | ACCESS EXCLUSIVE on `users` | reads, writes, ddl | yes | ok |', '| 4 | `ALTER TABLE users DROP COLUMN c4` |  |  |  | ⚠️ warning |', '| 5 | `ALTER TABLE users DROP COLUMN c5` | ACCESS EXCLUSIVE on `users` | reads, writes, ddl |  | ok |'].join('\n'));
    const replayed = renderMarkdown(reportOf({ verdict: 'pass', files, replay: { database: 'pglite', serverVersion: 170004, base: 'migrations', baseFiles: 0, baseMs: 1, statements: 3, failures: 0, ms: 2 } as unknown as Report['replay'] }));
    expect(replayed).toContain('| line | statement | lock | blocks | rewrite | replay | status |\n| --- | --- | --- | --- | --- | --- | --- |\n');
    expect(replayed).toContain('| yes | no relation locks; rewrites users | ok |');
    expect(replayed).toContain('| 4 | `ALTER TABLE users DROP COLUMN c4` |  |  |  | not replayed | ok |');
  });

  it('escape pipes in statements and table names so the row keeps its cells; a suppressed finding or a notice does not warn', () => {
    const at = (line: number) => ({ startOffset: 0, endOffset: 1, start: { line, column: 1 }, end: { line, column: 2 } });
    const files = [file({ statements: [statement(3, { text: "SELECT 'a' || 'b'", tables: ['a|b', 'c'] }), statement(4, { tables: [] }), statement(5)] })];
    const findings = [findingOf({ severity: 'warning', span: at(4), suppression: { kind: 'inline', reason: 'r', line: 3 } }), findingOf({ severity: 'notice', span: at(5) })];
    const body = renderMarkdown(reportOf({ verdict: 'pass', files, findings }));
    expect(body).toContain("| 3 | `SELECT 'a' \\|\\| 'b'` | ACCESS EXCLUSIVE on `a\\|b`, `c` | reads, writes, ddl |  | ok |");
    expect(body).toContain('| 4 | `ALTER TABLE users DROP COLUMN c4` | ACCESS EXCLUSIVE | reads, writes, ddl |  | suppressed |');
    expect(body).toContain('| 5 | `ALTER TABLE users DROP COLUMN c5` | ACCESS EXCLUSIVE on `users` | reads, writes, ddl |  | ok |');
  });

  it('say so when a file has no statements', () => {
    expect(renderMarkdown(reportOf({ verdict: 'pass', files: [file({ statements: [] })] }))).toContain('### `db/001_drop.sql`\n\ngolang-migrate, up, added; rollback: **missing**\n\n_No statements._\n');
  });
});

describe('the length limit', () => {
  it('closes a collapsed block it cuts inside, and keeps the pointer after it', () => {
    const findings = Array.from({ length: 40 }, (_, i) => findingOf({ statement: `s${i}`, fix: 'x'.repeat(200) }));
    const body = renderMarkdown(reportOf({ findings, blocking: findings }), { maxLength: 6000 });
    expect(body.length).toBeLessThanOrEqual(6000);
    expect((body.match(/<details>/g) ?? []).length).toBe((body.match(/<\/details>/g) ?? []).length);
    expect(body.endsWith("\n_The comment was cut to stay under GitHub's 65,536-character limit: the full report is in the job summary._\n")).toBe(true);
  });

  it('for every limit: the whole comment when it fits with room for the pointer, else a prefix cut after a whole item, blocks closed, the pointer, never over the limit', () => {
    const pointer = "\n_The comment was cut to stay under GitHub's 65,536-character limit: the full report is in the job summary._\n";
    const findings = Array.from({ length: 3 }, (_, i) => findingOf({ statement: `s${i}`, fix: `SELECT ${i};` }));
    const steps = Array.from({ length: 3 }, (_, i) => ({ title: `Step ${i}`, files: [{ path: `db/00${i}.sql`, sql: `SELECT ${i};` }] }));
    const report = reportOf({ findings, blocking: findings });
    const options = { advice: { strategy: 'needs-blue-green' as const, reason: 'r', plans: [{ subject: 'x', steps }] } };
    const full = renderMarkdown(report, { ...options, maxLength: 1_000_000 });
    // NOTE: the head (verdict, digest, counts) is never cut: the limits start where it and the pointer fit.
    const start = full.indexOf('### Blocking findings') + pointer.length;
    for (let max = start; max <= full.length + pointer.length + 2; max++) {
      const body = renderMarkdown(report, { ...options, maxLength: max });
      if (full.length + pointer.length <= max) {
        expect(body, `limit ${max}`).toBe(full);
        continue;
      }
      expect(body.length, `limit ${max}`).toBeLessThanOrEqual(max);
      expect(body.endsWith(pointer), `limit ${max}`).toBe(true);
      const kept = body.slice(0, -pointer.length).replace(/(?<=\n)(?:<\/details>\n)+$/, '');
      expect(full.startsWith(kept), `limit ${max}`).toBe(true);
      const rest = full.slice(kept.length);
      expect(/^\S/.test(rest), `limit ${max}: cut inside an item`).toBe(true);
      // NOTE: and no whole item more would have fitted (with the closers it would need).
      const lines = rest.split('\n');
      let end = 1;
      while (end < lines.length && (lines[end] === '' || /^\s/.test(lines[end]!))) end++;
      const withNext = `${kept}${lines.slice(0, end).join('\n')}\n`;
      const open = (withNext.match(/<details>/g) ?? []).length - (withNext.match(/<\/details>/g) ?? []).length;
      expect(withNext.length + '</details>\n'.length * Math.max(open, 0) + pointer.length, `limit ${max}: an item that fits was dropped`).toBeGreaterThan(max);
      expect((body.match(/<details>/g) ?? []).length, `limit ${max}`).toBe((body.match(/<\/details>/g) ?? []).length);
    }
  });

  it('keeps everything that fits', () => {
    const body = renderMarkdown(reportOf({ verdict: 'pass' }), { maxLength: 100_000 });
    expect(body).not.toContain('The comment was cut');
    expect(body).toContain('### `db/001_drop.sql`');
  });
});

describe('the post-deployment comment', () => {
  it('lists the merged files and the checklist to tick, escaped', () => {
    expect(renderPostDeployment(['db/001.sql', 'db/002.sql'], ['Check the *replica*'])).toBe([POST_DEPLOYMENT_MARKER, '## migration-guard: after the deploy', '', 'This pull request merged 2 migration files: `db/001.sql`, `db/002.sql`.', '', '- [ ] Check the \\*replica\\*', ''].join('\n'));
    expect(renderPostDeployment(['db/001.sql'], [])).toContain('merged 1 migration file: `db/001.sql`.');
  });
});
