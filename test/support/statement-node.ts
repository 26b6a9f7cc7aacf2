/** The parse tree of the first statement of `sql`, read with the engine's own parser binding (load the parser first). */
import type { Node } from '@pgsql/types';
import { parseToJson } from '../../src/core/pg-query.js';

export function statementNode(sql: string): Node {
  const parsed = parseToJson(sql);
  if (!parsed.ok) throw new Error(`test SQL does not parse: ${sql}`);
  return (JSON.parse(parsed.json) as { stmts: { stmt: Node }[] }).stmts[0]!.stmt;
}
