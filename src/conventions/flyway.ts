/**
 * Flyway: `V<version>__<name>.sql` (versioned), `U<version>__<name>.sql` (undo, the down of
 * the V with the same version), `R__<name>.sql` (repeatable, after all versioned),
 * `B<version>__<name>.sql` (baseline). Each migration runs in a transaction.
 * https://documentation.red-gate.com/fd/migrations-184127470.html
 */
import type { MigrationFile } from '../core/migration.js';
import { type Convention, pairUpAndDown, splitPath, wholeFile } from './convention.js';

const FILE = /^([VUB])(\d+(?:[._]\d+)*)__(.+)\.sql$|^R__(.+)\.sql$/;

export const flyway: Convention = {
  id: 'flyway',
  claim(files) {
    const claimed: MigrationFile[] = [];
    for (const file of files) {
      const { dir, base } = splitPath(file.path);
      const match = FILE.exec(base);
      if (!match) continue;
      const [, prefix, rawVersion, name, repeatableName] = match;
      const version = rawVersion?.replace(/_/g, '.');
      const role = repeatableName ? 'repeatable' : prefix === 'U' ? 'down' : prefix === 'B' ? 'baseline' : 'up';
      claimed.push({
        path: file.path,
        convention: 'flyway',
        role,
        // NOTE: repeatable migrations run after every versioned one.
        version: repeatableName ? `~${repeatableName}` : version!,
        migrationId: repeatableName ? `${dir}R__${repeatableName}` : `${dir}V${version}`,
        name: repeatableName ?? name!,
        expectsDown: false,
        sections: wholeFile(file, role === 'down' ? 'down' : 'up', true),
        notes: [],
      });
    }
    return pairUpAndDown(claimed);
  },
};
