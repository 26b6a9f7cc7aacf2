/**
 * Conventions with no down migrations by design:
 *  - Prisma Migrate: `migrations/<timestamp>_<name>/migration.sql`. A migration is known by
 *    its folder name (`_prisma_migrations.migration_name`), so two folders with one
 *    timestamp are two migrations, applied in folder-name order. The schema engine sends
 *    the whole script as one simple query (prisma-engines, sql-schema-connector
 *    flavour/postgres/connection.rs `apply_migration_script`: `client.simple_query(script)`):
 *    several statements run as one implicit transaction block, a single statement (one
 *    `CREATE INDEX CONCURRENTLY`) outside any, and the `BEGIN; ... COMMIT;` that Prisma
 *    generates around enum changes makes that block explicit (it is not nested).
 *  - Supabase CLI: `supabase/migrations/<timestamp>_<name>.sql`, known by the timestamp (the
 *    CLI's pattern is `^([0-9]+)_(.*)\.sql$`, apps/cli-go/pkg/migration/file.go; it skips
 *    other names).
 *    The CLI sends a file's statements and its history insert as one pgx batch (supabase/cli
 *    pkg/migration/file.go `ExecBatch`: "ExecBatch is implicitly transactional"): one
 *    pipeline, one implicit transaction block.
 */
import type { MigrationFile, Section } from '../core/migration.js';
import { type Convention, splitPath, wholeFile } from './convention.js';

function forwardOnly(id: 'prisma' | 'supabase', pattern: RegExp, transaction: { implicit: boolean; sends: Section['sends'] }, identify: (match: RegExpExecArray) => { version: string; name: string }): Convention {
  return {
    id,
    claim(files) {
      const claimed: MigrationFile[] = [];
      for (const file of files) {
        const match = pattern.exec(file.path);
        if (!match) continue;
        const { version, name } = identify(match);
        claimed.push({
          path: file.path,
          convention: id,
          role: 'up',
          version,
          migrationId: splitPath(file.path).dir + splitPath(file.path).base,
          name,
          expectsDown: false,
          sections: wholeFile(file, 'up', transaction.implicit, transaction.sends),
          notes: [],
        });
      }
      return claimed;
    },
  };
}

// NOTE: a Prisma migration's version is its whole folder name (its identity); a multi-statement
// script is in a transaction because Postgres makes one of the query, not because Prisma opens one.
export const prisma = forwardOnly('prisma', /(?:^|\/)migrations\/((\d{8,})_?([^/]*))\/migration\.sql$/, { implicit: false, sends: 'one-query' }, (match) => ({ version: match[1]!, name: match[3] || match[1]! }));
export const supabase = forwardOnly('supabase', /(?:^|\/)supabase\/migrations\/(\d+)_([^/]*)\.sql$/, { implicit: true, sends: 'pipeline' }, (match) => ({ version: match[1]!, name: match[2] || match[1]! }));
