/** A finding's identity across runs (src/core/finding.ts findingKey). */
import { describe, expect, it } from 'vitest';
import { findingKey } from '../../src/core/finding.js';

describe('findingKey', () => {
  const finding = { ruleId: 'ban-drop-table', file: 'migrations/001_a.up.sql', message: 'Dropping a table' };

  it('is the same for a statement however its white space and case are written', () => {
    const key = findingKey({ ...finding, statement: 'DROP TABLE users' });
    expect(key).toBe('ban-drop-table|migrations/001_a.up.sql|drop table users');
    expect(findingKey({ ...finding, statement: '\n  drop\ttable\n users  \n' })).toBe(key);
  });

  it('falls back to the message for a finding without a statement, and tells rules, files and statements apart', () => {
    expect(findingKey({ ...finding, statement: undefined })).toBe('ban-drop-table|migrations/001_a.up.sql|dropping a table');
    const key = findingKey({ ...finding, statement: 'DROP TABLE users' });
    expect(findingKey({ ...finding, ruleId: 'other', statement: 'DROP TABLE users' })).not.toBe(key);
    expect(findingKey({ ...finding, file: 'migrations/002_b.up.sql', statement: 'DROP TABLE users' })).not.toBe(key);
    expect(findingKey({ ...finding, statement: 'DROP TABLE orders' })).not.toBe(key);
  });
});
