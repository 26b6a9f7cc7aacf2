/**
 * drizzle-kit (PostgreSQL): `<out>/<tag>.sql` files listed in `<out>/meta/_journal.json`
 * (default `out` is `./drizzle`). Modelled on drizzle-orm's migrator, which `drizzle-kit
 * migrate` and `migrate()` both run (drizzle-orm/src/migrator.ts and
 * drizzle-orm/src/pg-core/dialect.ts, drizzle-team/drizzle-orm@b786252, 0.45.3):
 *  - order and membership come from the journal: `readMigrationFiles` reads
 *    `entries[].tag` in journal order and nothing else, so a `.sql` file missing from the
 *    journal is never applied;
 *  - each file is split at `--> statement-breakpoint` and each piece is executed on its own;
 *  - `dialect.migrate` applies every pending migration inside ONE `session.transaction`:
 *    each migration runs in a transaction (CONCURRENTLY fails in it), and a BEGIN in a
 *    file nests in drizzle's;
 *  - identity is the entry's `when` (folderMillis): a migration runs only when its `when`
 *    is later than the `created_at` of the last migration recorded in the database, so an
 *    entry whose `when` is not later than an earlier entry's is skipped on databases that
 *    already applied that entry.
 * drizzle-kit 1.0 (drizzle-orm 1.0.0-rc.4, branch `beta`@748058e: migrator.ts,
 * migrator.utils.ts, pg-core/async/session.ts) has no journal: each migration is a folder
 * `<out>/<YYYYMMDDHHMMSS>_<name>/migration.sql`, applied in folder-name order when its
 * folder name is not yet recorded (identity: the folder name), all pending ones in one
 * transaction as before. We claim that layout under a folder named `drizzle` (the default
 * `out`); under `migrations/` the same layout is Prisma's, which is tried first.
 */
import type { InputFile, MigrationFile, MigrationNote } from '../core/migration.js';
import { type Convention, splitPath, wholeFile } from './convention.js';

/** The journal's path relative to the migrations folder. */
export const DRIZZLE_JOURNAL = 'meta/_journal.json';

/** A journal entry as drizzle-kit writes it. */
interface JournalEntry {
  tag: string;
  when: number;
}

/** The journal's entries, or why it cannot be read. */
function readJournal(file: InputFile): JournalEntry[] | string {
  try {
    const entries = (JSON.parse(file.text) as { entries?: unknown }).entries;
    if (!Array.isArray(entries)) return `${file.path} has no "entries" list`;
    return entries.filter((e): e is JournalEntry => typeof (e as JournalEntry)?.tag === 'string').map((e) => ({ tag: e.tag, when: Number(e.when) }));
  } catch (error) {
    return `${file.path} is not valid JSON (${(error as Error).message})`;
  }
}

/** drizzle-kit 1.0's folder per migration under the default `drizzle/` folder. */
const FOLDER_MIGRATION = /(?:^|\/)drizzle\/((\d{14})_?([^/]*))\/migration\.sql$/;

export const drizzle: Convention = {
  id: 'drizzle',
  claim(files) {
    return [...claimJournalled(files), ...claimFolders(files)];
  },
};

function claimFolders(files: readonly InputFile[]): MigrationFile[] {
  return files.flatMap((file): MigrationFile[] => {
    const match = FOLDER_MIGRATION.exec(file.path);
    if (!match) return [];
    return [{ path: file.path, convention: 'drizzle', role: 'up', version: match[1]!, migrationId: splitPath(file.path).dir, name: match[3] || match[1]!, expectsDown: false, sections: wholeFile(file, 'up', true), notes: [] }];
  });
}

function claimJournalled(files: readonly InputFile[]): MigrationFile[] {
  const journals = new Map<string, JournalEntry[] | string>();
  for (const file of files) {
    if (file.path === DRIZZLE_JOURNAL || file.path.endsWith(`/${DRIZZLE_JOURNAL}`)) journals.set(file.path.slice(0, -DRIZZLE_JOURNAL.length), readJournal(file));
  }
  const claimed: MigrationFile[] = [];
  for (const file of files) {
    const { dir, base } = splitPath(file.path);
    const journal = journals.get(dir);
    if (journal === undefined || !base.endsWith('.sql')) continue;
    const tag = base.slice(0, -'.sql'.length);
    const entries = typeof journal === 'string' ? [] : journal;
    const position = entries.findIndex((entry) => entry.tag === tag);
    const notes: MigrationNote[] = [];
    if (typeof journal === 'string') notes.push({ severity: 'warning', message: `drizzle: ${journal}; the order of the migrations is unknown` });
    else if (position < 0) notes.push({ severity: 'warning', message: `drizzle: ${tag} is not in ${dir}${DRIZZLE_JOURNAL}, so drizzle-kit migrate never applies it; add it with drizzle-kit generate (or remove the file)` });
    else {
      const later = entries.slice(0, position).find((entry) => entry.when >= entries[position]!.when);
      if (later) notes.push({ severity: 'warning', message: `drizzle: the journal's "when" of ${tag} (${entries[position]!.when}) is not after that of ${later.tag} (${later.when}); databases that applied ${later.tag} skip ${tag}` });
    }
    claimed.push({
      path: file.path,
      convention: 'drizzle',
      role: 'up',
      // NOTE: journal position, padded so that it sorts; files outside the journal sort last.
      version: position >= 0 ? String(position).padStart(6, '0') : `~${tag}`,
      migrationId: `${dir}${tag}`,
      name: tag.replace(/^\d+_/, ''),
      expectsDown: false,
      sections: wholeFile(file, 'up', true),
      notes,
    });
  }
  return claimed;
}
