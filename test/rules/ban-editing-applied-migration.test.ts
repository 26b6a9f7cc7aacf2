/**
 * What ban-editing-applied-migration's findings carry besides their message: the severity of
 * a cosmetic edit, where a finding on a file-level change sits, and that none names a table.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-editing-applied-migration')!;
const FILE_START = { startOffset: 0, endOffset: 0, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

describe('ban-editing-applied-migration findings', () => {
  it('a comment-only edit is a warning, an edit of the SQL an error; both at the start of the file and about no table', async () => {
    const base = 'CREATE TABLE users (id bigint);\n';
    const cosmetic = await runExample(rule, { files: [{ path: 'migrations/001_users.up.sql', text: `-- the users\n${base}`, change: 'modified', baseText: base }] });
    const edited = await runExample(rule, { files: [{ path: 'migrations/001_users.up.sql', text: 'CREATE TABLE users (id bigint, email text);\n', change: 'modified', baseText: base }] });
    expect(cosmetic.map((f) => [f.messageId, f.severity, f.span, f.tables])).toEqual([['cosmetic', 'warning', FILE_START, []]]);
    expect(edited.map((f) => [f.messageId, f.severity, f.span, f.tables])).toEqual([['edited', 'error', FILE_START, []]]);
  });

  it('a modified file without base contents and a deleted file: errors at line 1, column 1, about no table', async () => {
    const findings = await runExample(rule, {
      files: [
        { path: 'migrations/001_users.up.sql', text: '', change: 'deleted', baseText: 'CREATE TABLE users (id bigint);' },
        { path: 'migrations/002_phone.up.sql', text: '\n\nALTER TABLE users ADD COLUMN phone text;', change: 'modified' },
      ],
    });
    expect(findings.map((f) => [f.messageId, f.file, f.severity, f.span, f.tables])).toEqual([
      ['deleted', 'migrations/001_users.up.sql', 'error', FILE_START, []],
      ['changed', 'migrations/002_phone.up.sql', 'error', FILE_START, []],
    ]);
  });
});
