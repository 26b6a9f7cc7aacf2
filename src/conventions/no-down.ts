/**
 * Conventions with no down migrations by design, each run in a transaction:
 *  - Prisma Migrate: `migrations/<timestamp>_<name>/migration.sql`.
 *  - Supabase CLI: `supabase/migrations/<timestamp>_<name>.sql`.
 */
import type { MigrationFile } from '../core/migration.js';
import { type Convention, splitPath, wholeFile } from './convention.js';

function forwardOnly(id: 'prisma' | 'supabase', pattern: RegExp): Convention {
  return {
    id,
    claim(files) {
      const claimed: MigrationFile[] = [];
      for (const file of files) {
        const match = pattern.exec(file.path);
        if (!match) continue;
        claimed.push({
          path: file.path,
          convention: id,
          role: 'up',
          version: match[1]!,
          migrationId: splitPath(file.path).dir + splitPath(file.path).base,
          name: match[2] ?? match[1]!,
          expectsDown: false,
          sections: wholeFile(file, 'up', true),
          notes: [],
        });
      }
      return claimed;
    },
  };
}

export const prisma = forwardOnly('prisma', /(?:^|\/)migrations\/(\d{8,})_?([^/]*)\/migration\.sql$/);
export const supabase = forwardOnly('supabase', /(?:^|\/)supabase\/migrations\/(\d{8,})_?([^/]*)\.sql$/);
