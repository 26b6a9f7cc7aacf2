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
  'drizzle',
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

/** Whether the change adds or modifies the file: its statements are the ones under review. */
export function isChanged(change: FileChange | undefined): boolean {
  return change === 'added' || change === 'modified';
}

/** A part of a file that runs as one direction of a migration. */
export interface Section {
  role: SectionRole;
  /** Character offsets of the section's SQL within the file. */
  start: number;
  end: number;
  /** Whether the migration tool wraps this section in a transaction of its own. */
  implicitTransaction: boolean;
  /**
   * How the tool sends the section when that decides the transaction, not a BEGIN of its own:
   *  - `one-query`: the whole text as one simple-protocol query. Postgres runs a query string
   *    of several statements as one implicit transaction block, and a single statement
   *    outside any (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT).
   *  - `pipeline`: the statements as one extended-protocol pipeline, which always runs as
   *    one implicit transaction block (and refuses CONCURRENTLY, "cannot be executed within a pipeline").
   * In both, a BEGIN in the text turns the implicit block into an explicit one (it is not nested).
   */
  sends?: 'one-query' | 'pipeline';
}

/** The section of `migration` that holds the character offset (a statement's span start). */
export function sectionAt(migration: MigrationFile, offset: number): Section | undefined {
  return migration.sections.find((section) => offset >= section.start && offset <= section.end);
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
  /** Things the convention noticed about how its tool will run the file, reported on the file (parse-error). */
  notes: MigrationNote[];
}

/** Something a convention noticed, e.g. a drizzle file missing from the journal (never applied). */
export interface MigrationNote {
  /** `error`: the tool fails on the file; `warning`: it silently does something else than the file suggests. */
  severity: 'error' | 'warning' | 'notice';
  message: string;
}

/**
 * Compares version keys naturally: digit runs as numbers (so V2 < V10), the rest as text.
 */
export function compareVersions(a: string, b: string): number {
  return compareParts(versionParts(a), versionParts(b));
}

/**
 * `items` sorted by their versions (compareVersions), ties broken by `then`. NOTE: each
 * version is split once, not at each of the O(n log n) comparisons: splitting with a regex
 * at every comparison was most of the sort of a 1,570-file run (bench/).
 */
export function sortByVersion<T>(items: readonly T[], version: (item: T) => string, then: (a: T, b: T) => number): T[] {
  return items
    .map((item) => ({ item, parts: versionParts(version(item)) }))
    .sort((a, b) => compareParts(a.parts, b.parts) || then(a.item, b.item))
    .map(({ item }) => item);
}

function compareParts(pa: readonly string[], pb: readonly string[]): number {
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (isDigit(x) && isDigit(y)) {
      const diff = compareDigits(x, y);
      if (diff !== 0) return diff;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/**
 * A key that is equal for two versions exactly when compareVersions returns 0 for them
 * (numbers compared by value: `005` and `5` share a key), for grouping without comparing
 * every pair.
 */
export function versionKey(version: string): string {
  return JSON.stringify(versionParts(version).map((part) => (isDigit(part) ? part.replace(/^0+(?=\d)/, '') : part)));
}

/** Runs of digits and of non-digits, e.g. `V2_1__x` -> `V`, `2`, `_`, `1`, `__x`. */
function versionParts(version: string): string[] {
  return version.match(/\d+|\D+/g) ?? [];
}

function isDigit(part: string): boolean {
  const code = part.charCodeAt(0);
  return code >= 48 && code <= 57;
}

/** Compares two runs of ASCII digits by numeric value, at any length (like BigInt). */
function compareDigits(x: string, y: string): number {
  const a = x.replace(/^0+/, '');
  const b = y.replace(/^0+/, '');
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}
