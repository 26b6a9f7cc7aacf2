/**
 * Plain SQL files that no tool's layout claims: each is an up migration ordered by its
 * path, with no down file expected and no implicit transaction.
 */
import type { MigrationFile } from '../core/migration.js';
import { type Convention, splitPath, wholeFile } from './convention.js';

export const plain: Convention = {
  id: 'plain',
  claim(files) {
    return files
      .filter((file) => file.path.endsWith('.sql'))
      .map((file): MigrationFile => {
        const { base } = splitPath(file.path);
        return {
          path: file.path,
          convention: 'plain',
          role: 'up',
          version: file.path,
          migrationId: file.path,
          name: base.replace(/\.sql$/, ''),
          expectsDown: false,
          sections: wholeFile(file, 'up', false),
          notes: [],
        };
      });
  },
};
