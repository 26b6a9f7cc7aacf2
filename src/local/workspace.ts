/**
 * Reading migration candidates from the file system: the files under the paths the user
 * gave, or the files git reports as changed since a base ref. The only module (with git.ts)
 * that touches the disk for the engine.
 */
import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type { InputFile } from '../core/migration.js';

/** Files conventions read besides `.sql`: sqitch plans and diesel/sourcegraph metadata. */
export const COMPANION_FILES = ['sqitch.plan', 'metadata.toml', 'metadata.yaml'];

/** Whether a path is something discovery needs to read. */
export function isCandidate(filePath: string): boolean {
  const base = path.posix.basename(filePath);
  return base.toLowerCase().endsWith('.sql') || COMPANION_FILES.includes(base);
}

/** Directories never walked into. */
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'vendor', 'target', 'dist', 'build']);

/** A problem reading one path; reported, never fatal for the others. */
export interface ReadProblem {
  path: string;
  message: string;
}

export interface CollectedFiles {
  files: InputFile[];
  problems: ReadProblem[];
}

/**
 * Reads every candidate file below `paths` (files or directories), relative to `cwd`.
 * Symbolic links that point outside `root` are refused (a migration folder must not make
 * us read arbitrary files).
 */
export async function collectPaths(paths: readonly string[], cwd: string, exclude: readonly string[] = [], root = cwd): Promise<CollectedFiles> {
  const files: InputFile[] = [];
  const problems: ReadProblem[] = [];
  const excluded = exclude.length ? picomatch(exclude as string[], { dot: true }) : () => false;
  const rootReal = await realpath(root).catch(() => path.resolve(root));
  const seen = new Set<string>();

  const visit = async (absolute: string, explicit: boolean): Promise<void> => {
    const display = toPosix(path.relative(cwd, absolute)) || path.basename(absolute);
    if (seen.has(absolute) || excluded(display)) return;
    seen.add(absolute);
    let info;
    try {
      info = await lstat(absolute);
    } catch (error) {
      problems.push({ path: display, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      return;
    }
    if (info.isSymbolicLink()) {
      const target = await realpath(absolute).catch(() => undefined);
      if (!target || !(target === rootReal || target.startsWith(rootReal + path.sep))) {
        problems.push({ path: display, message: 'symbolic link pointing outside the repository: not followed' });
        return;
      }
      info = await lstat(target);
      absolute = target;
    }
    if (info.isDirectory()) {
      if (!explicit && SKIPPED_DIRS.has(path.basename(absolute))) return;
      const entries = await readdir(absolute);
      entries.sort();
      for (const entry of entries) await visit(path.join(absolute, entry), false);
      return;
    }
    if (!info.isFile() || (!explicit && !isCandidate(display))) return;
    const text = await readText(absolute, display, problems);
    if (text !== undefined) files.push({ path: display, text, change: 'added' });
  };

  for (const given of paths) await visit(path.resolve(cwd, given), true);
  return { files, problems };
}

/**
 * Reads a file as UTF-8 text. Invalid UTF-8 decodes to U+FFFD and NUL bytes become U+FFFD
 * too.
 * NOTE: a binary file named .sql is not skipped: the parser rejects it, so it becomes a
 * blocking parse-error that names the file (fail closed).
 */
export async function readText(absolute: string, display: string, problems: ReadProblem[]): Promise<string | undefined> {
  try {
    return (await readFile(absolute)).toString('utf8').replaceAll('\0', '\uFFFD');
  } catch (error) {
    problems.push({ path: display, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    return undefined;
  }
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
