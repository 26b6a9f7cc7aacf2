/**
 * Directory-per-migration layouts: `<version>_<name>/up.sql` + `down.sql`.
 *  - diesel (diesel-rs/diesel@04cc1b0, diesel_migrations): the version is the directory
 *    name before the first `_` with every `-` removed (migrations_internals
 *    `version_from_string`), so `2026-07-30-140000-0000_x` is version
 *    `202607301400000000`; pending migrations run in version order
 *    (combined_migrations.rs sorts by it), each in its own transaction unless its
 *    `metadata.toml` says `run_in_transaction = false` (file_based_migrations.rs).
 *  - sourcegraph: `<version>/up.sql`, `down.sql`, `metadata.yaml`; runs in a transaction.
 * https://diesel.rs/guides/getting-started, sourcegraph's migrations/README.md
 * NOTE: diesel compares versions as strings; compareVersions compares digit runs as
 * numbers. They agree whenever two versions have the same number of digits, or the longer
 * one is the later (diesel's generators: 14 digits, then 18 with the `-0000` suffix).
 */
import type { InputFile, MigrationFile } from '../core/migration.js';
import { type Convention, pairUpAndDown, splitPath, wholeFile } from './convention.js';

const DIRECTION_FILE = /^(up|down)\.sql$/;

function claimDirectories(files: readonly InputFile[], id: 'diesel' | 'sourcegraph'): MigrationFile[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const claimed: MigrationFile[] = [];
  for (const file of files) {
    const { dir, base } = splitPath(file.path);
    const direction = DIRECTION_FILE.exec(base)?.[1] as 'up' | 'down' | undefined;
    if (!direction || !dir) continue;
    const dirName = splitPath(dir.slice(0, -1)).base;
    const isSourcegraph = byPath.has(`${dir}metadata.yaml`) || /^\d+$/.test(dirName);
    if ((id === 'sourcegraph') !== isSourcegraph) continue;
    const match = /^(\d[\d-]*?)(?:_(.+))?$/.exec(dirName);
    if (!match && id === 'diesel' && !byPath.has(`${dir}metadata.toml`)) continue;
    const metadata = byPath.get(`${dir}metadata.toml`)?.text ?? '';
    const inTransaction = !/^\s*run_in_transaction\s*=\s*false\b/m.test(metadata);
    const version = match?.[1] ?? dirName;
    claimed.push({
      path: file.path,
      convention: id,
      role: direction,
      version: id === 'diesel' ? version.replace(/-/g, '') : version,
      migrationId: dir,
      name: match?.[2] ?? dirName,
      expectsDown: true,
      sections: wholeFile(file, direction, inTransaction),
      notes: [],
    });
  }
  return pairUpAndDown(claimed);
}

export const diesel: Convention = { id: 'diesel', claim: (files) => claimDirectories(files, 'diesel') };
export const sourcegraph: Convention = { id: 'sourcegraph', claim: (files) => claimDirectories(files, 'sourcegraph') };
