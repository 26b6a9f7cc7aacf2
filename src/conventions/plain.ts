/**
 * Plain SQL files that no tool's layout claims: each is an up migration ordered by its
 * path, with no down file expected and no implicit transaction. A file named
 * `<stem>.up.sql` or `<stem>.down.sql` (e.g. `V0001.Name.up.sql`, which golang-migrate's
 * name pattern does not accept) is one direction of the migration `<stem>`: the down is
 * its rollback, paired with the up, never a forward migration.
 */
import type { MigrationFile } from '../core/migration.js';
import { type Convention, pairUpAndDown, splitPath, wholeFile } from './convention.js';

const DIRECTION = /^(.+)\.(up|down)\.sql$/i;

export const plain: Convention = {
  id: 'plain',
  claim(files) {
    const claimed = files
      .filter((file) => file.path.toLowerCase().endsWith('.sql'))
      .map((file): MigrationFile => {
        const { dir, base } = splitPath(file.path);
        const direction = DIRECTION.exec(base);
        // NOTE: `?.[2]?.` rather than `?.[2]!.`: StrykerJS's instrumenter (Babel) cannot build `a?.[i]!.b` (npm run mutate).
        const role = direction?.[2]?.toLowerCase() === 'down' ? 'down' : 'up';
        // NOTE: both directions share the stem as version and id, so they sort together and pair.
        const stem = direction ? `${dir}${direction[1]}` : file.path;
        return {
          path: file.path,
          convention: 'plain',
          role,
          version: stem,
          migrationId: stem,
          name: direction ? direction[1]! : base.replace(/\.sql$/i, ''),
          expectsDown: false,
          sections: wholeFile(file, role, false),
          notes: [],
        };
      });
    return pairUpAndDown(claimed);
  },
};
