/**
 * Reading migration candidates from the file system: the files under the paths the user
 * gave, or the files git reports as changed since a base ref. The only module (with git.ts)
 * that touches the disk for the engine.
 */
import { closeSync, type Dirent, fstatSync, lstatSync, openSync, readdirSync, readFileSync, realpathSync, type Stats } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { isCompanionFile } from '../conventions/index.js';
import { fileTooLargeMessage, LIMITS } from '../core/limits.js';
import type { InputFile } from '../core/migration.js';
import { type Decoded, decodeMigrationBytes } from './decode.js';

/** Whether a path is something discovery needs to read: a `.sql` file or a convention's companion file. */
export function isCandidate(filePath: string): boolean {
  return filePath.toLowerCase().endsWith('.sql') || isCompanionFile(filePath.replaceAll('\\', '/'));
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
 * Symbolic links that point outside `cwd` are refused (a migration folder must not make
 * us read arbitrary files). A file over LIMITS.fileBytes is not read: it is returned with
 * `unread` set, and the engine reports it. More than LIMITS.files candidates is an error.
 * `onRead` sees each file as it is read (the CLI starts parse workers early by it).
 * NOTE: synchronous file system calls on purpose: for thousands of small files they are
 * several times faster than a thread-pool round trip per call (BENCHMARKS.md), and nothing
 * else runs while a check reads its input.
 */
export async function collectPaths(paths: readonly string[], cwd: string, exclude: readonly string[] = [], onRead?: (file: InputFile) => void): Promise<CollectedFiles> {
  const files: InputFile[] = [];
  const problems: ReadProblem[] = [];
  const excluded = exclude.length ? picomatch(exclude as string[], { dot: true }) : () => false;
  const rootReal = await realpath(cwd).catch(() => path.resolve(cwd));
  const seen = new Set<string>();
  const cannotRead = (display: string, error: unknown) =>
    problems.push({ path: display, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });

  // NOTE: a directory listing already says whether each entry is a file, a directory or a
  // link, so only the paths given and the links cost an lstat.
  const visit = (absolute: string, given: string, explicit: boolean, entry?: Dirent): void => {
    const display = toPosix(path.relative(cwd, absolute)) || path.basename(absolute);
    if (seen.has(absolute) || excluded(display)) return;
    seen.add(absolute);
    let kind: FileKind;
    try {
      kind = entry ? fileKind(entry) : fileKind(lstatSync(absolute));
      if (kind === 'link') {
        const target = realpathOrUndefined(absolute);
        if (!target) {
          problems.push({ path: display, message: 'symbolic link that does not resolve (broken, or a loop): not followed' });
          return;
        }
        if (!(target === rootReal || target.startsWith(rootReal + path.sep))) {
          problems.push({ path: display, message: 'symbolic link pointing outside the repository: not followed' });
          return;
        }
        kind = fileKind(lstatSync(target));
        absolute = target;
      }
    } catch (error) {
      cannotRead(display, error);
      return;
    }
    if (kind === 'directory') {
      if (!explicit && SKIPPED_DIRS.has(path.basename(absolute))) return;
      let entries;
      try {
        entries = readdirSync(absolute, { withFileTypes: true });
      } catch (error) {
        cannotRead(display, error);
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const child of entries) visit(path.join(absolute, child.name), given, false, child);
      return;
    }
    if (kind !== 'file' || (!explicit && !isCandidate(display))) return;
    if (files.length >= LIMITS.files) {
      throw new Error(`more than ${LIMITS.files.toLocaleString('en-US')} candidate files (the limit per run) under ${given}; pass narrower paths, or exclude folders in the config`);
    }
    try {
      const file = readInput(absolute, display);
      files.push(file);
      onRead?.(file);
    } catch (error) {
      cannotRead(display, error);
    }
  };

  for (const given of paths) visit(path.resolve(cwd, given), given, true);
  return { files, problems };
}

type FileKind = 'file' | 'directory' | 'link' | 'other';

function fileKind(info: Dirent | Stats): FileKind {
  return info.isSymbolicLink() ? 'link' : info.isDirectory() ? 'directory' : info.isFile() ? 'file' : 'other';
}

function realpathOrUndefined(absolute: string): string | undefined {
  try {
    return realpathSync(absolute);
  } catch {
    return undefined;
  }
}

/** Reads one file given by path as an added input; over LIMITS.fileBytes it is not read. */
function readInput(absolute: string, display: string): InputFile {
  const fd = openSync(absolute, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > LIMITS.fileBytes) return { path: display, text: '', change: 'added', unread: fileTooLargeMessage(size) };
    return { path: display, change: 'added', ...decodeMigrationBytes(readFileSync(fd)) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a file as UTF-8 text, or says why it is not text (decode.ts).
 * NOTE: a binary file named .sql is not skipped: it becomes one blocking finding that
 * names the file (fail closed). Synchronous for the reason collectPaths gives.
 */
export function readDecoded(absolute: string, display: string, problems: ReadProblem[]): Decoded | undefined {
  const bytes = readBytes(absolute, display, problems);
  return bytes && decodeMigrationBytes(bytes);
}

function readBytes(absolute: string, display: string, problems: ReadProblem[]): Buffer | undefined {
  try {
    return readFileSync(absolute);
  } catch (error) {
    problems.push({ path: display, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    return undefined;
  }
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
