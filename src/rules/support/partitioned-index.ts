/**
 * The online way to index a partitioned table, written with the user's index: Postgres
 * rejects CREATE INDEX CONCURRENTLY on a partitioned table ("cannot create index on
 * partitioned table ... concurrently"), so the parent gets an index ON ONLY itself (instant,
 * created invalid), each partition gets its index CONCURRENTLY, and ALTER INDEX ... ATTACH
 * PARTITION joins them; the parent's index turns valid when every partition's is attached.
 * https://www.postgresql.org/docs/current/ddl-partitioning.html#DDL-PARTITIONING-DECLARATIVE-MAINTENANCE
 */
import type { IndexStmt } from '@pgsql/types';
import { nodeAs, relationName } from '../../core/ast.js';
import type { Statement } from '../../core/parse.js';
import { unqualified } from './breaking-ast.js';
import { indexElementName } from './column-names.js';
import { quoteIdent, quoteQualified } from '../../core/sql-names.js';
import { LOCK_TIMEOUT_STEP, reparse } from './sql-source.js';

/** The first major version with partitioned indexes (CREATE INDEX ... ON ONLY, ALTER INDEX ... ATTACH PARTITION). */
const PARTITIONED_INDEXES_FROM = 11;

/** The fix text: the parent's ON ONLY index, each known partition's concurrent index, and the attach. */
export function partitionedIndexRecipe(statement: Statement, index: IndexStmt, partitions: readonly string[], postgresVersion: number): string {
  const table = relationName(index.relation);
  const name = index.idxname ?? `${unqualified(table)}_${indexColumnsForName(index)}_idx`;
  const schema = index.relation?.schemaname ? `${quoteIdent(index.relation.schemaname)}.` : '';
  const unique = index.unique ? 'UNIQUE ' : '';
  const tail = indexTail(statement.text);
  if (!tail) return 'Create the index ON ONLY the partitioned table, then CONCURRENTLY on each partition, and attach each partition\'s index with ALTER INDEX ... ATTACH PARTITION.';
  // NOTE: Postgres 10 has no index on a partitioned table at all (no ON ONLY, no ATTACH): only the partitions can be indexed.
  const parentIndex = postgresVersion >= PARTITIONED_INDEXES_FROM;
  // NOTE: each step is a migration of its own: CONCURRENTLY cannot run in a transaction block (nor in a
  // multi-statement file, which golang-migrate sends as one implicit transaction), and a failed
  // concurrent build leaves an invalid index behind that the DROP ... IF EXISTS before it clears.
  const lines = parentIndex
    ? [
        'Postgres cannot build an index on a partitioned table CONCURRENTLY. Index the parent alone (instant; the index stays invalid until every partition\'s is attached), then each partition concurrently, and attach; each step a migration of its own:',
        LOCK_TIMEOUT_STEP,
        `   CREATE ${unique}INDEX ${quoteIdent(name)} ON ONLY ${quoteQualified(table)} ${tail};`,
      ]
    : [`Postgres ${postgresVersion} cannot index a partitioned table (partitioned indexes arrive in 11): index each partition concurrently, each step a migration of its own:`];
  const partitionIndexes = partitions.length > 0 ? partitions.map((partition) => ({ partition: quoteQualified(partition), index: partitionIndexName(partition) })) : [{ partition: '<partition>', index: '<partition index>' }];
  for (const { partition, index: partitionIndex } of partitionIndexes) {
    const qualifiedIndex = `${partition.includes('.') ? partition.slice(0, partition.lastIndexOf('.') + 1) : ''}${partitionIndex}`;
    lines.push(`Outside a transaction block, for ${partition}:`, `   DROP INDEX CONCURRENTLY IF EXISTS ${qualifiedIndex};`);
    lines.push('In the next migration:', `   CREATE ${unique}INDEX CONCURRENTLY ${partitionIndex} ON ${partition} ${tail};`);
    if (parentIndex) lines.push('In the next migration:', `   ALTER INDEX ${schema}${quoteIdent(name)} ATTACH PARTITION ${qualifiedIndex};`);
  }
  return lines.join('\n');

  /** The partition's index name: the parent's index name with the partition's name for the table's. */
  function partitionIndexName(partition: string): string {
    const partitionName = unqualified(partition);
    return quoteIdent(name.startsWith(unqualified(table)) ? `${partitionName}${name.slice(unqualified(table).length)}` : `${name}_${partitionName}`);
  }
}

/**
 * A table name as written at the start of a text: identifiers, quoted (`""` escapes a quote,
 * `U&"..."` too) or not, joined by dots. A quoted one may hold `(` or ` using `, so the name is skipped whole.
 */
const WRITTEN_NAME = /^(?:(?:U&)?"(?:[^"]|"")*"|[^\s."(]+)(?:\s*\.\s*(?:(?:U&)?"(?:[^"]|"")*"|[^\s."(]+))*/i;

/** What follows the table name: `USING method (...)`, `(...)`, INCLUDE, WITH, WHERE, as written. */
function indexTail(text: string): string | undefined {
  const reparsed = reparse(text);
  const location = nodeAs<IndexStmt>(reparsed?.node, 'IndexStmt')?.relation?.location;
  if (!reparsed || location === undefined) return undefined;
  const afterName = reparsed.text.slice(reparsed.offset(location));
  const name = WRITTEN_NAME.exec(afterName)?.[0];
  return name ? afterName.slice(name.length).trim() : undefined;
}

/** The names of an index's elements joined by `_`, as Postgres names an unnamed index. */
function indexColumnsForName(index: IndexStmt): string {
  const names = (index.indexParams ?? []).map(indexElementName);
  return names.join('_');
}

