/**
 * Discovery: which input files are migrations, of which tool, paired how. Conventions are
 * tried in order; each claims the files it recognises and the rest fall through, ending
 * with `plain`. A `convention:` in the config forces one convention (then `plain`).
 */
import type { Config } from '../core/config.js';
import type { InputFile, MigrationFile } from '../core/migration.js';
import type { Convention } from './convention.js';
import { diesel, sourcegraph } from './directory-pair.js';
import { DRIZZLE_JOURNAL, drizzle } from './drizzle.js';
import { flyway } from './flyway.js';
import { golangMigrate } from './golang-migrate.js';
import { prisma, supabase } from './no-down.js';
import { plain } from './plain.js';
import { dbmate } from './dbmate.js';
import { goose } from './goose.js';
import { sqitch } from './sqitch.js';

/** In order of precedence: content markers first, then the most specific layouts. */
export const conventions: readonly Convention[] = [goose, dbmate, sourcegraph, diesel, prisma, flyway, sqitch, supabase, drizzle, golangMigrate, plain];

/** Classifies every input file that a convention claims (companion files never are). */
export function discoverMigrations(files: readonly InputFile[], config: Config): MigrationFile[] {
  const chosen = config.convention === 'auto' ? conventions : conventions.filter((c) => c.id === config.convention || c.id === 'plain');
  const claimedPaths = new Set<string>();
  const migrations: MigrationFile[] = [];
  for (const convention of chosen) {
    const remaining = files.filter((f) => !claimedPaths.has(f.path));
    for (const migration of convention.claim(remaining, config)) {
      if (claimedPaths.has(migration.path)) continue;
      claimedPaths.add(migration.path);
      migrations.push(migration);
    }
  }
  return migrations;
}

/**
 * Where migrations live when the config gives no `paths` (used with `--base` and in the
 * action, where the whole repository is in view). Paths given on the command line are
 * taken as they are.
 */
export const DEFAULT_MIGRATION_GLOBS = ['**/*migrat*/**', '**/{deploy,revert,verify}/**', '**/sqitch.plan', '**/db/**', '**/sql/**', '**/drizzle/**'];

/**
 * Files that conventions read besides `.sql` files: sqitch plans, diesel and sourcegraph
 * metadata, drizzle-kit's journal and Flyway's per-script `<script>.sql.conf`.
 */
export function isCompanionFile(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return ['sqitch.plan', 'metadata.toml', 'metadata.yaml'].includes(base) || path === DRIZZLE_JOURNAL || path.endsWith(`/${DRIZZLE_JOURNAL}`) || base.toLowerCase().endsWith('.sql.conf');
}
