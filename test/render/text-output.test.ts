import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import { adviseStrategy } from '../../src/core/strategy.js';
import { allRules } from '../../src/rules/index.js';
import { checkMigrations } from '../../src/engine.js';
import { renderCompact } from '../../src/render/compact.js';
import { renderText } from '../../src/render/text.js';

describe('text output', () => {
  it('shows file:line:col, the underlined source, lock, why, fix, docs, the phase plan and the verdict', async () => {
    const text = "SET lock_timeout = '2s';\n  ALTER TABLE users DROP COLUMN email;\n";
    const config = defaultConfig();
    const report = await checkMigrations([{ path: 'm/drop.sql', text, change: 'added' }], config);
    const out = renderText(report, { color: false, sources: new Map([['m/drop.sql', text]]), advice: adviseStrategy(report, config, allRules) });
    expect(out).toContain('m/drop.sql:2:3 error ban-drop-column Dropping column email of users');
    expect(out).toContain('  2 |   ALTER TABLE users DROP COLUMN email;\n    |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^');
    expect(out).toContain('lock: ACCESS EXCLUSIVE on users (blocks reads, writes, ddl)');
    expect(out).toMatch(/fix:\n {4}Contract in phases:/);
    expect(out).toContain('Phase plan: drop users.email');
    expect(out.trimEnd().split('\n').pop()).toBe('1 file checked, 1 error, 0 warnings, 0 notices: BLOCKED (1 blocking)');
  });

  it('colours only when asked', async () => {
    const report = await checkMigrations([{ path: 'a.sql', text: 'ALTER TABLE t DROP COLUMN c;', change: 'added' }], defaultConfig());
    const sources = new Map([['a.sql', 'ALTER TABLE t DROP COLUMN c;']]);
    expect(renderText(report, { color: false, sources })).not.toContain('\x1b[');
    expect(renderText(report, { color: true, sources })).toContain('\x1b[31merror\x1b[0m');
  });

  it('shows a long line as a window from just before the finding, with the carets under it', async () => {
    // NOTE: one line of 80 statements (generated or minified SQL); the finding is in the middle.
    const selects = (from: number) => Array.from({ length: 40 }, (_, i) => `SELECT ${from + i} AS column_number_${from + i};`).join(' ');
    const before = selects(0);
    const text = `${before} ALTER TABLE users DROP COLUMN email; ${selects(40)}`;
    const report = await checkMigrations([{ path: 'long.sql', text, change: 'added' }], defaultConfig());
    const out = renderText(report, { color: false, sources: new Map([['long.sql', text]]) });
    const at = before.length + 1;
    expect(out).toContain(`long.sql:1:${at + 1} error ban-drop-column`);
    const [shown, carets] = out.split('\n').filter((line) => line.startsWith('  1 |') || line.startsWith('    |'));
    expect(shown).toBe(`  1 | …${text.slice(at - 20, at + 180)}…`);
    // NOTE: '  1 | …' is 7 columns: the statement starts 20 columns into the window.
    expect(carets).toBe(`    | ${' '.repeat(1 + 20)}${'^'.repeat('ALTER TABLE users DROP COLUMN email'.length)}`);
  });
});

describe('suppressed findings in text output', () => {
  const text = "SET lock_timeout = '2s';\n-- migration-guard:ignore ban-drop-column reason: phase 3 of the email rename (#123)\nALTER TABLE users DROP COLUMN email;\nALTER TABLE users DROP COLUMN phone;\n";
  it('are not printed, and the summary line counts them', async () => {
    const report = await checkMigrations([{ path: 'm/drop.sql', text, change: 'added' }], defaultConfig());
    const out = renderText(report, { color: false, sources: new Map([['m/drop.sql', text]]) });
    expect(out).not.toContain('DROP COLUMN email of users');
    expect(out).not.toContain('phase 3 of the email rename');
    expect(out).toContain('m/drop.sql:4:1 error ban-drop-column Dropping column phone of users');
    expect(out.trimEnd().split('\n').pop()).toMatch(/, 1 suppressed: BLOCKED/);
  });

  it('are left out of the compact format too, one line per finding', async () => {
    const report = await checkMigrations([{ path: 'm/drop.sql', text, change: 'added' }], defaultConfig());
    const lines = renderCompact(report).trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^m\/drop\.sql:4:1: error ban-drop-column Dropping column phone of users/),
      expect.stringMatching(/^1 file checked, 1 error, 0 warnings, 0 notices, 1 suppressed: BLOCKED \(1 blocking\)$/),
    ]);
  });
});
