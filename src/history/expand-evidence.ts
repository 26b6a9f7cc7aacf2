/**
 * When did the expand step of a drop or rename land on the base branch? Read from git:
 *  - the newest base migration that names the target (for a column: the table and the
 *    column, e.g. the migration that added the replacement and backfilled it), and
 *  - for tables, the last commit on the base branch that changed how often application
 *    code names the table (`git log -S`): when its last writes were removed.
 * The newer of the two is the evidence; contract-too-early compares it with the wait.
 */
import type { ContractTarget, ExpandEvidence } from '../core/history-facts.js';
import { compareVersions, type InputFile, type MigrationFile } from '../core/migration.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { git } from '../workspace/git.js';
import { compareStrings } from '../core/compare.js';

export interface HistoryOptions {
  root: string;
  /** The base branch commit the change is compared with (merge base). */
  baseCommit: string;
  /** The migrations known on the base branch, with their contents. */
  baseMigrations: ReadonlyArray<{ migration: MigrationFile; input: InputFile }>;
  /** Pathspec globs of application code, for the table write-removal search. */
  codeGlobs: readonly string[];
}

/** `complete`, `shallow` (a shallow clone: evidence may be missing) or `none` (not git). */
export async function historyDepth(root: string): Promise<'complete' | 'shallow' | 'none'> {
  try {
    return (await git(root, ['rev-parse', '--is-shallow-repository'])).trim() === 'true' ? 'shallow' : 'complete';
  } catch {
    return 'none';
  }
}

export async function expandEvidenceFor(target: ContractTarget, options: HistoryOptions): Promise<ExpandEvidence | undefined> {
  const candidates: ExpandEvidence[] = [];
  const migration = newestMigrationNaming(target, options.baseMigrations);
  if (migration) {
    const landed = await lastCommit(options.root, ['--diff-filter=A', options.baseCommit, '--', migration.path]);
    if (landed) candidates.push({ source: 'migration', path: migration.path, ...landed });
  }
  if (target.kind === 'table' && options.codeGlobs.length) {
    const name = target.table.split('.').pop()!;
    const pathspecs = options.codeGlobs.flatMap(expandBraces).map((g) => `:(glob)${g}`);
    const landed = await lastCommit(options.root, [`-S${name}`, options.baseCommit, '--', ...pathspecs]);
    if (landed) candidates.push({ source: 'code', path: landed.path ?? '', commit: landed.commit, landedAt: landed.landedAt });
  }
  const newest = candidates.sort((a, b) => compareStrings(b.landedAt, a.landedAt))[0];
  // NOTE: in a shallow clone the oldest fetched commit looks as if it added every file;
  // evidence from it is an artefact of the clone, not history: treat it as unknown.
  return newest && (await shallowBoundaries(options.root)).has(newest.commit) ? undefined : newest;
}

async function shallowBoundaries(root: string): Promise<Set<string>> {
  const file = (await git(root, ['rev-parse', '--git-path', 'shallow']).catch(() => '')).trim();
  if (!file) return new Set();
  const text = await readFile(path.resolve(root, file), 'utf8').catch(() => '');
  return new Set(text.split('\n').filter(Boolean));
}

/** Git pathspec globs have no braces: `*.{go,rb}` becomes `*.go` and `*.rb` (recursively). */
export function expandBraces(glob: string): string[] {
  const match = /\{([^{}]*)\}/.exec(glob);
  if (!match) return [glob];
  return match[1]!.split(',').flatMap((part) => expandBraces(glob.slice(0, match.index) + part + glob.slice(match.index + match[0].length)));
}

function newestMigrationNaming(target: ContractTarget, migrations: HistoryOptions['baseMigrations']): MigrationFile | undefined {
  const words = [target.table.split('.').pop()!, ...(target.column ? [target.column] : [])].map(
    (w) => new RegExp(`(^|[^\\w$])"?${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?($|[^\\w$])`, 'i'),
  );
  return migrations
    .filter(({ migration, input }) => (migration.role === 'up' || migration.role === 'up-down') && words.every((w) => w.test(input.text)))
    .map(({ migration }) => migration)
    .sort((a, b) => compareVersions(b.version, a.version))[0];
}

async function lastCommit(root: string, args: string[]): Promise<{ commit: string; landedAt: string; path?: string } | undefined> {
  const out = await git(root, ['log', '-1', '--format=%H%x09%cI', '--name-only', ...args]).catch(() => '');
  const [head, ...files] = out.trim().split('\n').filter(Boolean);
  if (!head) return undefined;
  const [commit, landedAt] = head.split('\t') as [string, string];
  return { commit, landedAt: new Date(landedAt).toISOString(), path: files[0] };
}
