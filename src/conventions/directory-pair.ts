/**
 * Directory-per-migration layouts: `<version>_<name>/up.sql` + `down.sql`.
 *  - diesel (diesel-rs/diesel@04cc1b0, diesel_migrations): the version is the directory
 *    name before the first `_` with every `-` removed (migrations_internals
 *    `version_from_string`), so `2026-07-30-140000-0000_x` is version
 *    `202607301400000000`; pending migrations run in version order
 *    (combined_migrations.rs sorts by it), each in its own transaction unless its
 *    `metadata.toml` says `run_in_transaction = false` (file_based_migrations.rs).
 *  - sourcegraph (sourcegraph/sourcegraph-public-snapshot,
 *    internal/database/migration/definition/read.go): `<version>/up.sql`, `down.sql`,
 *    `metadata.yaml`; the version is the directory's number. Each migration runs in a
 *    transaction, except an up whose metadata says `createIndexConcurrently: true` (its only
 *    statement is then one CREATE INDEX CONCURRENTLY, run outside one). `CanonicalizeQuery`
 *    strips an outermost `BEGIN;` ... `COMMIT;` from every script, so those never nest.
 *    Order is by `parents` in metadata.yaml, then by version; version order is what we model.
 * NOTE: diesel compares versions as strings; compareVersions compares digit runs as
 * numbers. They agree whenever two versions have the same number of digits, or the longer
 * one is the later (diesel's generators: 14 digits, then 18 with the `-0000` suffix).
 */
import type { InputFile, MigrationFile, Section } from '../core/migration.js';
import { skipTrivia } from '../core/split.js';
import { type Convention, pairUpAndDown, splitPath } from './convention.js';

const DIRECTION_FILE = /^(up|down)\.sql$/;

/** A layout's reading of one direction file: its version and how it runs. */
interface DirectoryTool {
  id: 'diesel' | 'sourcegraph';
  /** Whether the migration directory (with trailing slash) belongs to this tool. */
  owns(dir: string, dirName: string, byPath: ReadonlyMap<string, InputFile>): boolean;
  version(rawVersion: string): string;
  section(file: InputFile, direction: 'up' | 'down', metadata: string): Section;
  metadataFile: string;
}

const DIESEL: DirectoryTool = {
  id: 'diesel',
  owns: (dir, dirName, byPath) => !isSourcegraphDirectory(dir, dirName, byPath) && (/^\d[\d-]*?(?:_.+)?$/.test(dirName) || byPath.has(`${dir}metadata.toml`)),
  version: (raw) => raw.replace(/-/g, ''),
  section: (file, direction, metadata) => ({ role: direction, start: 0, end: file.text.length, implicitTransaction: !/^\s*run_in_transaction\s*=\s*false\b/m.test(metadata) }),
  metadataFile: 'metadata.toml',
};

const SOURCEGRAPH: DirectoryTool = {
  id: 'sourcegraph',
  owns: isSourcegraphDirectory,
  version: (raw) => raw,
  section(file, direction, metadata) {
    const concurrent = direction === 'up' && /^\s*createIndexConcurrently\s*:\s*true\b/m.test(metadata);
    return { role: direction, ...withoutOuterTransaction(file.text), implicitTransaction: !concurrent };
  },
  metadataFile: 'metadata.yaml',
};

function isSourcegraphDirectory(dir: string, dirName: string, byPath: ReadonlyMap<string, InputFile>): boolean {
  return byPath.has(`${dir}metadata.yaml`) || /^\d+$/.test(dirName);
}

/** The script without an outermost `BEGIN;` ... `COMMIT;` (sourcegraph's CanonicalizeQuery strips them). */
function withoutOuterTransaction(text: string): { start: number; end: number } {
  const start = skipTrivia(text, 0);
  const end = text.trimEnd().length;
  if (text.startsWith('BEGIN;', start) && text.endsWith('COMMIT;', end) && end - 'COMMIT;'.length > start) return { start: start + 'BEGIN;'.length, end: end - 'COMMIT;'.length };
  return { start: 0, end: text.length };
}

function claimDirectories(files: readonly InputFile[], tool: DirectoryTool): MigrationFile[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const claimed: MigrationFile[] = [];
  for (const file of files) {
    const { dir, base } = splitPath(file.path);
    const direction = DIRECTION_FILE.exec(base)?.[1] as 'up' | 'down' | undefined;
    if (!direction || !dir) continue;
    const dirName = splitPath(dir.slice(0, -1)).base;
    if (!tool.owns(dir, dirName, byPath)) continue;
    const match = /^(\d[\d-]*?)(?:_(.+))?$/.exec(dirName);
    const metadata = byPath.get(`${dir}${tool.metadataFile}`)?.text ?? '';
    claimed.push({
      path: file.path,
      convention: tool.id,
      role: direction,
      version: tool.version(match?.[1] ?? dirName),
      migrationId: dir,
      name: match?.[2] ?? dirName,
      expectsDown: true,
      sections: [tool.section(file, direction, metadata)],
      notes: [],
    });
  }
  return pairUpAndDown(claimed);
}

export const diesel: Convention = { id: 'diesel', claim: (files) => claimDirectories(files, DIESEL) };
export const sourcegraph: Convention = { id: 'sourcegraph', claim: (files) => claimDirectories(files, SOURCEGRAPH) };
