/**
 * Git access for `--base`: the merge base, what changed since it, and base contents.
 * Behind a small interface so the diff logic is testable with a real temporary repository.
 */
import path from 'node:path';
import type { FileChange, InputFile } from '../core/migration.js';
import { isCandidate, type ReadProblem, readDecoded } from './workspace.js';

/** A failed git command, with its exit code (git grep exits 1 when nothing matches). */
export class GitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | undefined,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

/** Runs git in a directory and returns stdout; errors carry git's stderr and exit code. */
export async function git(cwd: string, args: string[]): Promise<string> {
  // NOTE: loaded on first use, not at start-up: most runs never start git.
  const { execFile } = await import('node:child_process');
  try {
    return await new Promise<string>((resolve, reject) =>
      execFile('git', args, { cwd, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => (error ? reject(Object.assign(error, { stderr })) : resolve(stdout))),
    );
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    const code = (error as { code?: unknown }).code;
    const shown = args.length > 6 ? [...args.slice(0, 6), '...'] : args;
    throw new GitError(`git ${shown.join(' ')} failed: ${stderr || (error as Error).message}`, typeof code === 'number' ? code : undefined);
  }
}

/** What `git diff <range>` changes, per path (renames as a delete and an add). */
export async function diffStatus(root: string, range: string): Promise<Map<string, FileChange>> {
  const status = new Map<string, FileChange>();
  const parts = (await git(root, ['diff', '--name-status', '--no-renames', '-z', range])).split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const code = parts[i]!;
    status.set(parts[i + 1]!, code.startsWith('A') ? 'added' : code.startsWith('D') ? 'deleted' : 'modified');
  }
  return status;
}

export interface ChangedFiles {
  /** Every candidate file at the head (working tree), each with its change status. */
  files: InputFile[];
  mergeBase: string;
  /** The repository's top-level directory. */
  root: string;
  problems: ReadProblem[];
}

/**
 * Lists candidate files since the merge base of `base` and HEAD, including uncommitted and
 * untracked files, so `check --base origin/main` sees exactly what a push would bring.
 * Unchanged candidates are included (as context: ordering, pairing, applied migrations).
 */
export async function changedSince(base: string, repoDir: string, isMigrationPath: (p: string) => boolean): Promise<ChangedFiles> {
  const root = (await git(repoDir, ['rev-parse', '--show-toplevel'])).trim();
  const mergeBase = (await git(root, ['merge-base', base, 'HEAD'])).trim();
  const status = await diffStatus(root, mergeBase);
  const untracked = (await git(root, ['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter(Boolean);
  for (const file of untracked) status.set(file, 'added');
  const tracked = (await git(root, ['ls-files', '-z'])).split('\0').filter(Boolean);
  const all = new Set([...tracked, ...untracked, ...status.keys()]);
  const files: InputFile[] = [];
  const problems: ReadProblem[] = [];
  for (const file of [...all].sort()) {
    if (!isCandidate(file) || !isMigrationPath(file)) continue;
    const change = status.get(file) ?? 'unchanged';
    const baseText = change === 'modified' || change === 'deleted' ? await git(root, ['show', `${mergeBase}:${file}`]).catch(() => undefined) : undefined;
    const read = change === 'deleted' ? { text: '' } : await readDecoded(path.join(root, file), file, problems);
    if (read === undefined) continue;
    files.push({ path: file, change, ...read, ...(baseText === undefined ? {} : { baseText }) });
  }
  return { files, mergeBase, root, problems };
}
