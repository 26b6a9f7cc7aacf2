/**
 * ban-not-null-on-new-column: the table its finding names, and which statements count as the
 * change's (only the up sections run when the change is deployed).
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-not-null-on-new-column')!;

describe('ban-not-null-on-new-column', () => {
  it('names the table whose INSERTs fail', async () => {
    const findings = await runExample(rule, { sql: 'ALTER TABLE users ADD COLUMN locale text;\nALTER TABLE users ALTER COLUMN locale SET NOT NULL;' });
    expect(findings.map((finding) => finding.tables)).toEqual([['users']]);
  });

  it('does not count a Down section as part of the change, even written before the Up section', async () => {
    const findings = await runExample(rule, {
      files: [
        { path: 'migrations/20260101000000_add_locale.sql', text: '-- +goose Up\nALTER TABLE users ADD COLUMN locale text;\n-- +goose Down\nALTER TABLE users DROP COLUMN locale;' },
        {
          path: 'migrations/20260101000001_require_locale.sql',
          text: "-- +goose Down\nALTER TABLE users ALTER COLUMN locale DROP NOT NULL;\nALTER TABLE users ALTER COLUMN locale SET DEFAULT 'en';\n-- +goose Up\nALTER TABLE users ALTER COLUMN locale SET NOT NULL;",
        },
      ],
    });
    expect(findings.map((finding) => `${finding.file}:${finding.span.start.line}`)).toEqual(['migrations/20260101000001_require_locale.sql:5']);
  });
});
