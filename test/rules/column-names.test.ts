/** support/column-names.ts: the names Postgres derives for output columns and index elements (checked on PGlite). */
import type { IndexStmt, ResTarget, SelectStmt } from '@pgsql/types';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAs } from '../../src/core/ast.js';
import { loadParser } from '../../src/core/parse.js';
import { figureColumnName, indexElementName } from '../../src/rules/support/column-names.js';
import { statementNode } from '../support/statement-node.js';

beforeAll(() => loadParser());

describe('indexElementName', () => {
  it('names a column by itself, a function call by the function, a cast by what it casts, an operator expr', () => {
    const index = nodeAs<IndexStmt>(statementNode("CREATE INDEX ON t (a, abs(a), (a::bigint), (a + 1), lower(b), (CASE WHEN a > 0 THEN 1 END), ('x'::text));"), 'IndexStmt')!;
    expect(index.indexParams!.map(indexElementName)).toEqual(['a', 'abs', 'a', 'expr', 'lower', 'case', 'text']);
  });

  it('names a missing element expr, as an expression it cannot name', () => {
    expect(indexElementName(undefined)).toBe('expr');
  });
});

describe('figureColumnName', () => {
  /** The name figured for each output column of `select` (undefined where it is not modelled). */
  const namesOf = (select: string) => nodeAs<SelectStmt>(statementNode(select), 'SelectStmt')!.targetList!.map((t) => figureColumnName(nodeAs<ResTarget>(t, 'ResTarget')!.val)?.name);

  it('names a column, a field and an element after the column or field, a call after the function', () => {
    expect(namesOf('SELECT a, t.b, (address).zip, (tags)[1], lower(x), x::text, name COLLATE "C" FROM t')).toEqual(['a', 'b', 'zip', 'tags', 'lower', 'x', 'name']);
  });

  it('names the keyword expressions after their keyword', () => {
    expect(namesOf('SELECT nullif(a, 0), ARRAY[a], ARRAY(SELECT 1), ROW(a, b), coalesce(a, 0), greatest(a, b), least(a, b), EXISTS (SELECT 1) FROM t')).toEqual(['nullif', 'array', 'array', 'row', 'coalesce', 'greatest', 'least', 'exists']);
  });

  it('names a cast of a constant after its type, a CASE after its ELSE column or case, the rest ?column?', () => {
    expect(namesOf("SELECT 1::int, 'x'::text::varchar, CASE WHEN a THEN 1 END, CASE WHEN a THEN 1 ELSE b END, a + 1, $1, a IS NULL, b IS TRUE, a AND b FROM t")).toEqual(['int4', 'varchar', 'case', 'b', '?column?', '?column?', '?column?', '?column?', '?column?']);
  });

  it('leaves a scalar subquery and expressions it does not model unnamed', () => {
    expect(namesOf('SELECT (SELECT max(id) FROM t), current_date')).toEqual([undefined, undefined]);
  });
});
