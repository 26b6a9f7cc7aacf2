/**
 * Migration sequences, for the rules about versions and order: the files of one migration
 * tool in one directory, which the tool applies in version order. Where a migration's
 * directory is, which files take part in the ordering, and which share a sequence.
 */
import type { AnalyzedFile } from '../../core/rule.js';

/**
 * The directory the migration tool scans: the path up to (not including) the last segment
 * that holds the version (`migrations/001_a.up.sql` and `migrations/2024_x/up.sql` both
 * give `migrations`, as does diesel's `migrations/2024-01-01-000000_x/up.sql`); the file's
 * directory when no segment holds it (a drizzle version is the journal position).
 */
export function migrationDirectory(file: AnalyzedFile): string {
  const segments = file.migration.path.split('/');
  const version = file.migration.version;
  // NOTE: dashes are ignored on both sides: diesel's version is its directory name with every
  // `-` removed (migrations_internals `version_from_string`), so `2024-01-01-000000_x` holds
  // version `20240101000000` (conventions/directory-pair.ts).
  const undashed = version.replace(/-/g, '');
  let at = segments.length - 1;
  for (let i = segments.length - 1; i >= 0; i--) {
    if (segments[i]!.replace(/-/g, '').includes(undashed)) {
      at = i;
      break;
    }
  }
  return segments.slice(0, at).join('/');
}

/**
 * Files whose version orders them: not deleted, not plain (ordered by path) or sqitch (by its
 * plan), and not ordered apart from the versions: a `~` version marks Flyway's repeatable
 * migrations and drizzle files missing from the journal (conventions/flyway.ts, drizzle.ts).
 * NOTE: no convention gives a file an empty version (plain's is its path).
 */
export function isVersioned(file: AnalyzedFile): boolean {
  const { migration } = file;
  if (file.input.change === 'deleted') return false;
  if (migration.convention === 'plain' || migration.convention === 'sqitch') return false;
  return !migration.version.startsWith('~');
}

/** Same convention and same migrations directory. */
export function sameSequence(a: AnalyzedFile, b: AnalyzedFile): boolean {
  return sequenceKey(a) === sequenceKey(b);
}

/** Equal for two files exactly when they are in the same sequence (sameSequence). */
export function sequenceKey(file: AnalyzedFile): string {
  return `${file.migration.convention}\0${migrationDirectory(file)}`;
}
