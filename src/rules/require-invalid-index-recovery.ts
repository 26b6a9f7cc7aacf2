/**
 * ## What it does
 * Flags `CREATE INDEX CONCURRENTLY IF NOT EXISTS` without a `DROP INDEX CONCURRENTLY IF
 * EXISTS` of the same index before it.
 *
 * ## Why is this bad?
 * A failed concurrent build leaves an INVALID index behind; on retry IF NOT EXISTS sees
 * it and skips, so the migration "succeeds" with an index that is never used.
 */
import type { DropStmt, IndexStmt } from '@pgsql/types';
import { nodeAs, qualifiedName, relationName } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { defineRule } from '../core/rule.js';
import { rebuildStatement } from './support/index-rebuild.js';

export default defineRule({
  id: 'require-invalid-index-recovery',
  severity: 'warning',
  category: 'locking',
  summary: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS can keep a half-built INVALID index',
  lock: 'SHARE UPDATE EXCLUSIVE',
  rewrites: false,
  statementKinds: ['IndexStmt'],
  messages: { keepsInvalid: 'If an earlier run of this build failed, IF NOT EXISTS keeps the INVALID index {{index}} and skips the build.' },
  why: 'CREATE INDEX CONCURRENTLY that fails (deadlock, unique violation, timeout) leaves an INVALID index that is maintained on writes but never used; IF NOT EXISTS then silently skips rebuilding it.',
  fix: [
    'Drop a leftover first, then build (the build in a migration of its own where the tool sends a whole file as one statement, e.g. golang-migrate):',
    '   DROP INDEX CONCURRENTLY IF EXISTS {{index|relation}};',
    '   {{rebuild}}',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY'],
  examples: {
    invalid: [{ sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);', messageIds: ['keepsInvalid'] }],
    valid: [
      { sql: 'DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);', why: 'a leftover is dropped first' },
      { sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', why: 'a leftover makes it fail loudly instead' },
    ],
  },
  statement({ statement, file, isNewTable, report }) {
    const index = nodeAs<IndexStmt>(statement.node, 'IndexStmt');
    if (!index?.concurrent || !index.if_not_exists || !index.idxname || (index.relation && isNewTable(relationName(index.relation)))) return;
    const firstDrop = firstIndexDrops(file.statements).get(index.idxname.toLowerCase());
    const dropped = firstDrop !== undefined && firstDrop < statement.index;
    if (!dropped) report({ messageId: 'keepsInvalid', data: { index: index.relation?.schemaname ? `${index.relation.schemaname}.${index.idxname}` : index.idxname, rebuild: rebuildStatement(statement.text) } });
  },
});

// NOTE: computed once per file; searching the earlier statements for each CREATE INDEX
// was quadratic (a 60,000-statement file: 0.9 s, bench/).
const dropsByFile = new WeakMap<readonly Statement[], Map<string, number>>();

/** For each index name (lower case, schema dropped) that DROP INDEX names: the index of the first such statement. */
function firstIndexDrops(statements: readonly Statement[]): Map<string, number> {
  let drops = dropsByFile.get(statements);
  if (drops) return drops;
  drops = new Map();
  for (const s of statements) {
    const drop = nodeAs<DropStmt>(s.node, 'DropStmt');
    if (drop?.removeType !== 'OBJECT_INDEX') continue;
    for (const o of drop.objects ?? []) {
      const name = qualifiedName(nodeAs<{ items?: [] }>(o, 'List')?.items).toLowerCase().split('.').at(-1);
      if (name !== undefined && !drops.has(name)) drops.set(name, s.index);
    }
  }
  dropsByFile.set(statements, drops);
  return drops;
}
