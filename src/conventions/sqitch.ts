/**
 * sqitch: `deploy/<change>.sql`, `revert/<change>.sql` (the down), `verify/<change>.sql`;
 * order from `sqitch.plan` beside those folders (name order, with a note, without one).
 * Scripts manage their own transactions (BEGIN/COMMIT), so none is implicit.
 * https://sqitch.org/docs/manual/sqitchtutorial/
 */
import type { MigrationFile } from '../core/migration.js';
import { type Convention, pairUpAndDown, splitPath, wholeFile } from './convention.js';

const SCRIPT = /^(.*?)(deploy|revert|verify)\/(.+)\.sql$/;

/** Change names in plan order: lines `name [deps] date planner <email> # note`; `%` pragmas and `@tags` skipped. */
export function planOrder(plan: string): string[] {
  return plan
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('%') && !line.startsWith('@') && !line.startsWith('#'))
    .map((line) => line.split(/\s+/)[0]!);
}

export const sqitch: Convention = {
  id: 'sqitch',
  claim(files) {
    const paths = new Set(files.map((f) => f.path));
    const plans = new Map(files.filter((f) => splitPath(f.path).base === 'sqitch.plan').map((f) => [splitPath(f.path).dir, planOrder(f.text)]));
    const claimed: MigrationFile[] = [];
    for (const file of files) {
      const match = SCRIPT.exec(file.path);
      if (!match) continue;
      const [, root, kind, change] = match as unknown as [string, string, 'deploy' | 'revert' | 'verify', string];
      // NOTE: a lone deploy/ folder is not enough: sqitch has a plan or sibling revert/verify scripts.
      const siblings = ['deploy', 'revert', 'verify'].some((k) => k !== kind && paths.has(`${root}${k}/${change}.sql`));
      const plan = plans.get(root);
      if (!plan && !siblings) continue;
      const position = plan?.indexOf(change) ?? -1;
      claimed.push({
        path: file.path,
        convention: 'sqitch',
        role: kind === 'deploy' ? 'up' : kind === 'revert' ? 'down' : 'verify',
        version: position >= 0 ? String(position).padStart(6, '0') : `~${change}`,
        migrationId: `${root}${change}`,
        name: change,
        expectsDown: true,
        sections: wholeFile(file, kind === 'revert' ? 'down' : 'up', false),
        notes: plan ? [] : [{ severity: 'notice', message: 'sqitch: no sqitch.plan beside deploy/ among the files read, so the changes are ordered by name (sqitch deploys them in plan order)' }],
      });
    }
    return pairUpAndDown(claimed);
  },
};
