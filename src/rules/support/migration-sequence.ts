/**
 * Migration sequences, for the rules about versions and order: the files of one migration
 * tool in one directory, which the tool applies in version order. Where a migration's
 * directory is, which files take part in the ordering, and which share a sequence.
 */
import type { AnalyzedFile } from '../../core/rule.js';

/**
 * The directory the migration tool scans: the path up to (not including) the last segment
 * that holds the version (`migrations/001_a.up.sql` and `migrations/2024_x/up.sql` both
 * give `migrations`).
 */
export function migrationDirectory(file: AnalyzedFile): string {
  const segments = file.migration.path.split('/');
  const version = file.migration.version;
  let at = segments.length - 1;
  for (let i = segments.length - 1; i >= 0; i--) {
    if (version !== '' && segments[i]!.includes(version)) {
      at = i;
      break;
    }
  }
  return segments.slice(0, at).join('/');
}

/** Files whose version orders them (not deleted, not plain or repeatable, not sqitch plan positions). */
export function isVersioned(file: AnalyzedFile): boolean {
  const { migration } = file;
  if (file.input.change === 'deleted') return false;
  if (migration.convention === 'plain' || migration.convention === 'sqitch') return false;
  if (migration.role === 'repeatable' || migration.role === 'verify') return false;
  return migration.version !== '' && !migration.version.startsWith('~');
}

/** Same convention and same migrations directory. */
export function sameSequence(a: AnalyzedFile, b: AnalyzedFile): boolean {
  return sequenceKey(a) === sequenceKey(b);
}

/** Equal for two files exactly when they are in the same sequence (sameSequence). */
export function sequenceKey(file: AnalyzedFile): string {
  return `${file.migration.convention}\0${migrationDirectory(file)}`;
}
