import type { Config } from '../core/config.js';
import type { ConventionId, InputFile, MigrationFile, Section } from '../core/migration.js';

/** A migration tool's layout: which files it owns and how they pair and order. */
export interface Convention {
  id: ConventionId;
  /**
   * Returns a MigrationFile for each file this convention owns, among `files` (which
   * includes every file the caller read: `.sql`, plan and metadata files). Files it does
   * not own are left for the conventions after it.
   */
  claim(files: readonly InputFile[], config: Config): MigrationFile[];
}

/** Splits a path into its directory (with trailing slash, or '') and base name. */
export function splitPath(path: string): { dir: string; base: string } {
  const slash = path.lastIndexOf('/');
  return { dir: path.slice(0, slash + 1), base: path.slice(slash + 1) };
}

/** One section covering the whole file. */
export function wholeFile(file: InputFile, role: Section['role'], implicitTransaction: boolean, sends?: Section['sends']): Section[] {
  return [{ role, start: 0, end: file.text.length, implicitTransaction, ...(sends ? { sends } : {}) }];
}

/** Sets `partner` on up/down files that share a migrationId. */
export function pairUpAndDown(migrations: MigrationFile[]): MigrationFile[] {
  const byId = new Map<string, MigrationFile[]>();
  for (const m of migrations) byId.set(m.migrationId, [...(byId.get(m.migrationId) ?? []), m]);
  for (const group of byId.values()) {
    const up = group.find((m) => m.role === 'up');
    const down = group.find((m) => m.role === 'down');
    if (up && down) {
      up.partner = down.path;
      down.partner = up.path;
    }
  }
  return migrations;
}
