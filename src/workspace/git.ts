/**
 * Git access for `--base`: the merge base, what changed since it, and base contents.
 * Behind a small interface so the diff logic is testable with a real temporary repository.
 */
import path from 'node:path';
import type { FileChange, InputFile } from '../core/migration.js';
import { isCandidate, type ReadProblem, readDecoded } from './files.js';

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
  return (await gitBytes(cwd, args)).toString('utf8');
}

/** Runs git with `input` on stdin and returns stdout as bytes. */
async function gitBytes(cwd: string, args: string[], input?: string): Promise<Buffer> {
  // NOTE: loaded on first use, not at start-up: most runs never start git.
  const { execFile } = await import('node:child_process');
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const child = execFile('git', args, { cwd, maxBuffer: 512 * 1024 * 1024, encoding: 'buffer' }, (error, stdout, stderr) =>
        error ? reject(Object.assign(error, { stderr: stderr.toString('utf8') })) : resolve(stdout),
      );
      if (input === undefined) return;
      // NOTE: a git that exits before reading all of its input closes the pipe; its exit code and stderr are the error to report, not EPIPE.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input);
    });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    const code = (error as { code?: unknown }).code;
    const shown = args.length > 6 ? [...args.slice(0, 6), '...'] : args;
    throw new GitError(`git ${shown.join(' ')} failed: ${stderr || (error as Error).message}`, typeof code === 'number' ? code : undefined);
  }
}

/** How many paths one `git ls-tree` gets, to stay far below the system's argument size limit. */
const PATHS_PER_CALL = 500;

/**
 * The bytes of each path's regular file at `revision`, read with one `git ls-tree` per 500
 * paths and one `git cat-file --batch` for all: never a checkout, the contents are data.
 * Paths that are no regular file there (absent, a directory, a submodule) are missing from
 * the map; symbolic links are listed in `symlinks`, since what they point to is not a blob.
 */
export async function filesAt(root: string, revision: string, paths: readonly string[]): Promise<{ files: Map<string, Buffer>; symlinks: Set<string> }> {
  const blobs = new Map<string, string>();
  const symlinks = new Set<string>();
  const wanted = new Set(paths);
  for (let start = 0; start < paths.length; start += PATHS_PER_CALL) {
    // NOTE: ls-tree matches its paths literally (no globs); a directory's files are skipped below.
    const listing = await gitBytes(root, ['ls-tree', '-r', '-z', '--full-tree', revision, '--', ...paths.slice(start, start + PATHS_PER_CALL)]);
    for (const entry of listing.toString('utf8').split('\0')) {
      // <mode> SP <type> SP <object> TAB <path>
      const match = /^(\d+) (\w+) ([0-9a-f]+)\t([\s\S]+)$/.exec(entry);
      if (!match || !wanted.has(match[4]!)) continue;
      if (match[1] === '120000') symlinks.add(match[4]!);
      else if (match[2] === 'blob') blobs.set(match[4]!, match[3]!);
    }
  }
  const files = new Map<string, Buffer>();
  if (blobs.size === 0) return { files, symlinks };
  const output = await gitBytes(root, ['cat-file', '--batch'], [...blobs.values()].map((oid) => `${oid}\n`).join(''));
  const contents = new Map<string, Buffer>();
  // NOTE: each object comes as "<oid> <type> <size>\n<bytes>\n" (git-cat-file(1), BATCH OUTPUT).
  for (let offset = 0; offset < output.length; ) {
    const headerEnd = output.indexOf(10, offset);
    const [oid, type, size] = output.subarray(offset, headerEnd).toString('utf8').split(' ');
    if (type !== 'blob' || size === undefined) throw new GitError(`git cat-file --batch: unexpected object header "${output.subarray(offset, headerEnd).toString('utf8')}"`, undefined);
    contents.set(oid!, output.subarray(headerEnd + 1, headerEnd + 1 + Number(size)));
    offset = headerEnd + 1 + Number(size) + 1;
  }
  for (const [file, oid] of blobs) files.set(file, contents.get(oid)!);
  return { files, symlinks };
}

/**
 * A modified or deleted file's text at the merge base: from the batched read, else (a
 * symbolic link, a submodule) what `git show` prints for it; undefined when it has none.
 */
async function baseTextOf(root: string, mergeBase: string, file: string, atBase: Map<string, Buffer>): Promise<string | undefined> {
  return atBase.get(file)?.toString('utf8') ?? (await git(root, ['show', `${mergeBase}:${file}`]).catch(() => undefined));
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
  // NOTE: the three listings are independent, so they run at once (a git process each).
  const [status, untrackedListing, trackedListing] = await Promise.all([
    diffStatus(root, mergeBase),
    git(root, ['ls-files', '--others', '--exclude-standard', '-z']),
    git(root, ['ls-files', '-z']),
  ]);
  const untracked = untrackedListing.split('\0').filter(Boolean);
  for (const file of untracked) status.set(file, 'added');
  const tracked = trackedListing.split('\0').filter(Boolean);
  const all = new Set([...tracked, ...untracked, ...status.keys()]);
  const candidates = [...all].sort().filter((file) => isCandidate(file) && isMigrationPath(file));
  const existedAtBase = (file: string) => status.get(file) === 'modified' || status.get(file) === 'deleted';
  const atBase = (await filesAt(root, mergeBase, candidates.filter(existedAtBase))).files;
  const files: InputFile[] = [];
  const problems: ReadProblem[] = [];
  for (const file of candidates) {
    const change = status.get(file) ?? 'unchanged';
    const baseText = existedAtBase(file) ? await baseTextOf(root, mergeBase, file, atBase) : undefined;
    const read = change === 'deleted' ? { text: '' } : readDecoded(path.join(root, file), file, problems);
    if (read === undefined) continue;
    files.push({ path: file, change, ...read, ...(baseText === undefined ? {} : { baseText }) });
  }
  return { files, mergeBase, root, problems };
}
