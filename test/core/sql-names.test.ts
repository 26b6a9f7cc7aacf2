import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { loadModule, parseSync, scanSync } from 'libpg-query';
import { describe, expect, it } from 'vitest';
import { PG_QUERY_BINDING } from '../../src/core/pg-query.js';
import { derivedName, quotedKeywords, quoteIdent, quoteQualified, renamedRelation } from '../../src/core/sql-names.js';

await loadModule();

/** The relation a `SELECT * FROM <name>` names, as the real parser reads it. */
function parsedRelation(name: string): { schemaname?: string; relname?: string } {
  const select = parseSync(`SELECT * FROM ${name}`).stmts![0]!.stmt as { SelectStmt: { fromClause: { RangeVar: { schemaname?: string; relname?: string } }[] } };
  const { schemaname, relname } = select.SelectStmt.fromClause[0]!.RangeVar;
  return { schemaname, relname };
}

/**
 * Every keyword the parser knows, read from its own keyword table (ScanKeywords, the
 * NUL-separated names in libpg-query.wasm, from PostgreSQL's kwlist.h; "abort" is the first).
 */
function parserKeywords(): string[] {
  const wasm = createRequire(import.meta.url).resolve(PG_QUERY_BINDING.wasmFile);
  const table = /abort\0(?:[a-z_]+\0){400,}/.exec(readFileSync(wasm).toString('latin1'));
  return table![0].split('\0').filter((word) => word !== '');
}

describe('quoteIdent', () => {
  it('leaves plain lower-case names bare and quotes the rest as quote_ident does', () => {
    expect(quoteIdent('users')).toBe('users');
    expect(quoteIdent('user_id2$')).toBe('user_id2$');
    expect(quoteIdent('PromptHistory')).toBe('"PromptHistory"');
    expect(quoteIdent('2fa')).toBe('"2fa"');
    expect(quoteIdent('$x')).toBe('"$x"');
    expect(quoteIdent('a b')).toBe('"a b"');
    expect(quoteIdent('say "hi"')).toBe('"say ""hi"""');
    expect(quoteIdent('order')).toBe('"order"');
    expect(quoteIdent('name')).toBe('name');
  });

  it('quotes exactly the keywords the parser rejects as bare names (its keyword table, every category but unreserved)', () => {
    const keywords = parserKeywords();
    expect(keywords.length).toBeGreaterThan(400);
    const needQuotes = keywords.filter((word) => scanSync(word).tokens[0]!.keywordName !== 'UNRESERVED_KEYWORD');
    expect([...quotedKeywords].sort()).toEqual(needQuotes.sort());
  });

  it('round-trips any name through the parser', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('\0')), (name) => {
        expect(parsedRelation(quoteIdent(name)).relname).toBe(name);
      }),
      { numRuns: 500 },
    );
    for (const keyword of parserKeywords()) expect(parsedRelation(quoteIdent(keyword)).relname).toBe(keyword);
  });
});

describe('quoteQualified', () => {
  it('quotes a schema-qualified name part by part', () => {
    expect(quoteQualified('Sales.Orders')).toBe('"Sales"."Orders"');
    expect(parsedRelation(quoteQualified('Sales.Orders'))).toEqual({ schemaname: 'Sales', relname: 'Orders' });
    expect(quoteQualified('public.users')).toBe('public.users');
  });
});

describe('derived names', () => {
  it('derive from the unqualified relation and keep the schema on renames', () => {
    expect(derivedName('Sales.Orders', 'pkey')).toBe('Orders_pkey');
    expect(renamedRelation('billing.invoice', 'invoices')).toBe('billing.invoices');
    expect(renamedRelation('invoice', 'invoices')).toBe('invoices');
  });
});
