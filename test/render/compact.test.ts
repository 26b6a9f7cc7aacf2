// `--format compact`: one line per finding, as ESLint's and squawk's compact formatters print
// them (`path:line:col: severity rule message`), then the summary line.
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { renderCompact } from '../../src/render/compact.js';
import { findingOf } from '../support/findings.js';

describe('renderCompact', () => {
  it('puts each finding on one line, a multi-line message folded at its line breaks', () => {
    const report = { verdict: 'pass', files: [], findings: [findingOf({ severity: 'warning', message: 'one\ntwo  \n   three' })], blocking: [] } as unknown as Report;
    expect(renderCompact(report)).toBe('db/001_drop.sql:3:5: warning ban-drop-column one two three\n0 files checked, 0 errors, 1 warning, 0 notices: PASS\n');
  });
});
