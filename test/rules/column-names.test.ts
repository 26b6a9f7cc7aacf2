/** support/column-names.ts: the names Postgres derives for index elements (checked on PGlite). */
import type { IndexStmt } from '@pgsql/types';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAs } from '../../src/core/ast.js';
import { loadParser } from '../../src/core/parse.js';
import { indexElementName } from '../../src/rules/support/column-names.js';
import { statementNode } from '../support/statement-node.js';

beforeAll(() => loadParser());

describe('indexElementName', () => {
  it('names a column by itself, a function call by the function, a cast by what it casts, an operator expr', () => {
    const index = nodeAs<IndexStmt>(statementNode("CREATE INDEX ON t (a, abs(a), (a::bigint), (a + 1), lower(b), (CASE WHEN a > 0 THEN 1 END), ('x'::text));"), 'IndexStmt')!;
    expect(index.indexParams!.map(indexElementName)).toEqual(['a', 'abs', 'a', 'expr', 'lower', 'case', 'text']);
  });
});
