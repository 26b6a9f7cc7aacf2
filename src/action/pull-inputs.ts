/**
 * The engine's input files for a pull request: the migration files it changes (from
 * `pulls.listFiles`, contents from the checkout, git objects or the API at the head and
 * base SHAs) and the unchanged migration files of a checkout as context (ordering,
 * pairing, history).
 */
import { LIMITS } from '../core/limits.js';
import type { InputFile } from '../core/migration.js';
import type { Decoded } from '../workspace/decode.js';
import { isCandidate } from '../workspace/files.js';
import type { PullFile } from '../github/api.js';

/**
 * Reads one file at the PR head or base, decoded as the CLI decodes files (decode.ts: a
 * binary or non-UTF-8 file is one blocking finding, in every kind of run); undefined when
 * it does not exist there.
 */
export type ReadAt = (path: string) => Promise<Decoded | undefined>;

/** Reads files at the PR head or base at once; a path missing from the map does not exist there. */
export type ReadAllAt = (paths: readonly string[]) => Promise<Map<string, Decoded>>;

/** A ReadAllAt that reads one file after the other. */
export function readEach(read: ReadAt): ReadAllAt {
  return async (paths) => {
    const texts = new Map<string, Decoded>();
    for (const file of paths) {
      const text = await read(file);
      if (text !== undefined) texts.set(file, text);
    }
    return texts;
  };
}

export interface PullInputsOptions {
  changed: readonly PullFile[];
  isMigration: (path: string) => boolean;
  /** Migration files of the checked-out tree, used as unchanged context. */
  context: readonly InputFile[];
  head: ReadAllAt;
  base: ReadAllAt;
}

/** The changed migration files (and their old paths) first, then the context. */
export async function pullRequestInputs(options: PullInputsOptions): Promise<InputFile[]> {
  const wanted = (path: string) => isCandidate(path) && options.isMigration(path);
  const files = new Map<string, InputFile>();
  const relevant = options.changed.filter((f) => wanted(f.path) || (f.previousPath !== undefined && wanted(f.previousPath)));
  if (relevant.length > LIMITS.files) {
    throw new Error(`the pull request changes ${relevant.length} migration files, more than the limit of ${LIMITS.files} per run; split it`);
  }
  const renamedAway = (file: PullFile) => file.status === 'renamed' && file.previousPath !== undefined && wanted(file.previousPath);
  const modified = (file: PullFile) => file.status === 'modified' || file.status === 'changed';
  const atHead = relevant.filter((f) => f.status !== 'removed' && wanted(f.path)).map((f) => f.path);
  const atBase = relevant.flatMap((f) => (f.status === 'removed' ? [f.path] : renamedAway(f) ? [f.previousPath!] : wanted(f.path) && modified(f) ? [f.path] : []));
  const headTexts = await options.head(atHead);
  const baseTexts = await options.base(atBase);
  const baseText = (path: string) => (baseTexts.has(path) ? { baseText: baseTexts.get(path)!.text } : {});
  for (const file of relevant) {
    if (file.status === 'removed') {
      files.set(file.path, { path: file.path, text: '', change: 'deleted', ...baseText(file.path) });
      continue;
    }
    if (renamedAway(file)) files.set(file.previousPath!, { path: file.previousPath!, text: '', change: 'deleted', ...baseText(file.previousPath!) });
    if (!wanted(file.path)) continue;
    const decoded = headTexts.get(file.path);
    if (decoded === undefined) throw new Error(`${file.path}: listed as changed by the pull request but not found at its head; is the checkout at the head SHA?`);
    files.set(file.path, { path: file.path, ...decoded, change: modified(file) ? 'modified' : 'added', ...(modified(file) ? baseText(file.path) : {}) });
  }
  for (const file of options.context) {
    if (!files.has(file.path) && wanted(file.path)) files.set(file.path, { ...file, change: 'unchanged' });
  }
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The files an approval is bound to: what the pull request changes. */
export function changedMigrations(files: readonly InputFile[]): Array<{ path: string; text: string; deleted: boolean }> {
  return files.filter((f) => f.change !== 'unchanged').map((f) => ({ path: f.path, text: f.text, deleted: f.change === 'deleted' }));
}
