/**
 * The source-text helpers fix texts use to repeat the user's own SQL: a statement parsed
 * again on its own (reparse), and a CHECK's parenthesised expression as written
 * (checkExpressionAt), read with the real parser.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser } from '../../src/core/parse.js';
import { checkExpressionAt, reparse } from '../../src/rules/support/sql-source.js';

beforeAll(async () => {
  await loadParser();
});

describe('reparse', () => {
  it('parses one statement, with locations as text offsets (also after non-ASCII text)', () => {
    const text = "ALTER TABLE café ADD CONSTRAINT café_total CHECK (total > 0)";
    const reparsed = reparse(text);
    expect(Object.keys(reparsed!.node)).toEqual(['AlterTableStmt']);
    expect(reparsed!.text).toBe(text);
    const checkAt = text.indexOf('CHECK');
    // NOTE: "é" is two UTF-8 bytes: the parser's byte location is two past the character offset.
    expect(reparsed!.offset(checkAt + 2)).toBe(checkAt);
  });

  it('gives nothing for text that is not exactly one statement', () => {
    expect(reparse('ALTER TABLE orders ADD CONSTRAINT')).toBeUndefined();
    expect(reparse('SELECT 1; SELECT 2')).toBeUndefined();
    expect(reparse('')).toBeUndefined();
    expect(reparse('-- only a comment')).toBeUndefined();
  });
});

describe('checkExpressionAt', () => {
  const statement = (check: string) => `ALTER TABLE orders ADD CONSTRAINT orders_check ${check}`;
  const at = (text: string) => checkExpressionAt(text, text.indexOf('CONSTRAINT'));

  it('returns the whole parenthesised expression, nested parentheses included', () => {
    expect(at(statement('CHECK ((total > 0) AND (discount < total))'))).toBe('((total > 0) AND (discount < total))');
  });

  it('finds CHECK written with or without a space before the parenthesis, in any case', () => {
    expect(at(statement('CHECK(total > 0)'))).toBe('(total > 0)');
    expect(at(statement('check   (total > 0) NOT VALID'))).toBe('(total > 0)');
  });

  it('reads from the given offset: CHECK may be the first word there', () => {
    const text = 'ALTER TABLE orders ADD CHECK (total > 0), ADD CHECK (discount >= 0)';
    expect(checkExpressionAt(text, text.lastIndexOf('CHECK'))).toBe('(discount >= 0)');
    expect(checkExpressionAt('CHECK (total > 0)', 0)).toBe('(total > 0)');
  });

  it('skips parentheses inside string literals and quoted identifiers', () => {
    expect(at(statement(`CHECK (note <> ')' AND "odd)name" > 0)`))).toBe(`(note <> ')' AND "odd)name" > 0)`);
  });

  it('gives nothing when there is no CHECK after the offset', () => {
    expect(at('ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE (ref)')).toBeUndefined();
  });

  it('gives nothing when a quote is not closed in the text it scans (a dollar-quoted string holding one)', () => {
    expect(at(statement("CHECK (note <> $$it's$$)"))).toBeUndefined();
  });
});
