/**
 * Which tables a pg_stat_statements entry reads and writes, from its parse tree. The
 * normalised texts (`$1` for constants) parse like any SQL. Only counts leave this module.
 */
import type { ParseAttempt } from '../core/parse.js';

/** Calls per `schema.table`, split into reads and writes. */
export type CallsByTable = Map<string, { reads: number; writes: number }>;

/** Statement kinds whose `relation` is the table they write. */
const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/**
 * Adds each entry's calls to every table it names: to `writes` for the target of INSERT,
 * UPDATE, DELETE and MERGE, to `reads` for every other table. Unqualified names count as
 * `public` (the default search_path). Texts that do not parse are skipped.
 */
export function callsByTable(rows: ReadonlyArray<{ query: string; calls: number }>, parse: (sql: string) => ParseAttempt): CallsByTable {
  const calls: CallsByTable = new Map();
  const add = (table: string, kind: 'reads' | 'writes', n: number) => {
    const entry = calls.get(table) ?? { reads: 0, writes: 0 };
    entry[kind] += n;
    calls.set(table, entry);
  };
  for (const row of rows) {
    const parsed = parse(row.query);
    if (!parsed.ok) continue;
    for (const { stmt } of parsed.stmts) {
      if (!stmt) continue;
      const [kind, payload] = Object.entries(stmt)[0] as [string, { relation?: RangeVar }];
      const target = WRITES.has(kind) && payload.relation ? tableName(payload.relation) : undefined;
      const read = new Set<string>();
      walk(payload, (range) => read.add(tableName(range)));
      if (target) {
        add(target, 'writes', Number(row.calls));
        read.delete(target);
      }
      for (const table of read) add(table, 'reads', Number(row.calls));
    }
  }
  return calls;
}

interface RangeVar {
  schemaname?: string;
  relname?: string;
}

function tableName(range: RangeVar): string {
  return `${range.schemaname ?? 'public'}.${range.relname ?? ''}`;
}

/** Calls `visit` for every RangeVar in the tree. NOTE: CTE names also parse as RangeVars; they match no table. */
function walk(node: unknown, visit: (range: RangeVar) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'RangeVar') visit(value as RangeVar);
    walk(value, visit);
  }
}
