/**
 * golang-migrate: `<version>_<name>.up.sql` and `<version>_<name>.down.sql` side by side.
 * The file name pattern is golang-migrate's own (source/parse.go:
 * `^([0-9]+)_(.*)\.(down|up)\.(.*)$`); the version is the number, so `1_a` and `001_b` are
 * the same version (a duplicate) and versions order numerically.
 * The postgres driver sends a whole file as one simple query (`sends: 'one-query'`), which
 * Postgres runs as one implicit transaction when it holds several statements.
 * https://github.com/golang-migrate/migrate/blob/master/MIGRATIONS.md
 */
import type { MigrationFile } from '../core/migration.js';
import { type Convention, pairUpAndDown, splitPath, wholeFile } from './convention.js';

const FILE = /^(\d+)_(.+)\.(up|down)\.sql$/;

export const golangMigrate: Convention = {
  id: 'golang-migrate',
  claim(files) {
    const claimed: MigrationFile[] = [];
    for (const file of files) {
      const { dir, base } = splitPath(file.path);
      const match = FILE.exec(base);
      if (!match) continue;
      const [, version, name, direction] = match as unknown as [string, string, string, 'up' | 'down'];
      claimed.push({
        path: file.path,
        convention: 'golang-migrate',
        role: direction,
        version,
        migrationId: `${dir}${version}_${name}`,
        name,
        expectsDown: true,
        sections: wholeFile(file, direction, false, 'one-query'),
        notes: [],
      });
    }
    return pairUpAndDown(claimed);
  },
};
