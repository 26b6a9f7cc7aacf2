import type { SectionRole } from './parse.js';

/** The migration tools whose layouts we recognise. */
export const CONVENTION_IDS = [
  'golang-migrate',
  'diesel',
  'sourcegraph',
  'flyway',
  'dbmate',
  'goose',
  'sqitch',
  'prisma',
  'supabase',
  'plain',
] as const;
export type ConventionId = (typeof CONVENTION_IDS)[number];

/**
 * What a file is for. `up-down` holds both directions in sections (dbmate, goose);
 * `verify` is a sqitch verify script; `repeatable` a Flyway `R__` file; `baseline` a
 * Flyway `B` file.
 */
export type FileRole = 'up' | 'down' | 'up-down' | 'verify' | 'repeatable' | 'baseline';

/** How the file changed relative to the base branch (`added` for every file given by path). */
export type FileChange = 'added' | 'modified' | 'deleted' | 'unchanged';

/** A file as the adapters hand it to the pure core. */
export interface InputFile {
  /** Repository-relative (or command-line) path, `/`-separated. */
  path: string;
  /** Contents at the head (empty for a deleted file). */
  text: string;
  change: FileChange;
  /** Contents on the base branch, for modified and deleted files. */
  baseText?: string;
  /**
   * Set when the adapter did not read the contents (e.g. over LIMITS.fileBytes): why. The
   * engine reports it as a blocking parse-error finding on the file instead of parsing.
   */
  unread?: string;
}

/** A part of a file that runs as one direction of a migration. */
export interface Section {
  role: SectionRole;
  /** Character offsets of the section's SQL within the file. */
  start: number;
  end: number;
  /** Whether the migration tool wraps this section in a transaction of its own. */
  implicitTransaction: boolean;
}

/** A migration file as a convention understands it. */
export interface MigrationFile {
  path: string;
  convention: ConventionId;
  role: FileRole;
  /** Ordering key within the convention (a version, timestamp, or plan position). */
  version: string;
  /** Identifies the migration: the up and down files of one migration share it. */
  migrationId: string;
  /** Human name of the migration (from the file or directory name). */
  name: string;
  /** The file holding the other direction (up <-> down), when there is one. */
  partner?: string;
  /** Whether this convention expects a down (rollback) for every up. */
  expectsDown: boolean;
  sections: Section[];
  /** Things the convention noticed (e.g. an unreadable metadata file), reported as notices. */
  notes: string[];
}

/**
 * Compares version keys naturally: digit runs as numbers (so V2 < V10), the rest as text.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) {
      const diff = BigInt(x) - BigInt(y);
      if (diff !== 0n) return diff < 0n ? -1 : 1;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}
