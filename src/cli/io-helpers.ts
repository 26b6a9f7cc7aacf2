/**
 * The CLI's own input and output besides the migration files: SQL from standard input
 * (`check -`), the --output file, and what a failed git command in `--base` mode means.
 */
import { access, constants, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InputFile } from '../core/migration.js';
import { decodeMigrationBytes } from '../workspace/decode.js';
import { git, GitError } from '../workspace/git.js';
import { toPosix } from '../workspace/files.js';

/** Standard input's SQL as an added migration file at `filename` (relative to the working directory). */
export function stdinInput(bytes: Uint8Array, filename: string): InputFile {
  return { path: toPosix(path.normalize(filename)), change: 'added', ...decodeMigrationBytes(bytes) };
}

/**
 * Fails early, before the check runs, when the report could not be written: the folder is
 * missing or not writable, or the path is a folder.
 */
export async function checkOutputWritable(output: string, cwd: string): Promise<void> {
  const file = path.resolve(cwd, output);
  const dir = path.dirname(file);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new OutputError(output, `the folder ${dir} does not exist; create it first or choose another --output`);
  if ((await stat(file).catch(() => undefined))?.isDirectory()) throw new OutputError(output, 'it is a folder; give a file name');
  await access(dir, constants.W_OK).catch(() => {
    throw new OutputError(output, `the folder ${dir} is not writable; choose another --output`);
  });
}

/** Writes the report's pieces to `output`; a failure is an OutputError (exit 2), not a stack trace. */
export async function writeOutput(output: string, cwd: string, pieces: readonly string[]): Promise<void> {
  await writeFile(path.resolve(cwd, output), pieces).catch((error: NodeJS.ErrnoException) => {
    throw new OutputError(output, `${error.code ?? error.message}`);
  });
}

/** The report could not be written where --output says. */
export class OutputError extends Error {
  constructor(output: string, why: string) {
    super(`cannot write the report to ${output}: ${why}`);
    this.name = 'OutputError';
  }
}

/**
 * A failed git command of `--base REF`, as one line that says what to do: a ref this clone
 * does not have (fetch it), a shallow clone without the merge base (fetch the history), no
 * repository at all. Other errors are returned as they are.
 */
export async function explainGitFailure(error: unknown, base: string, cwd: string): Promise<unknown> {
  if (!(error instanceof GitError)) return error;
  const message = error.message;
  if (/not a git repository/i.test(message)) {
    return new GitHintError(`--base ${base} compares with git, but ${cwd} is not in a git repository; run it inside a clone, or pass PATHS instead`);
  }
  const remote = /^([^/]+)\/(.+)$/.exec(base);
  const fetch = remote ? `git fetch origin ${remote[2]}` : `git fetch origin ${base}`;
  if (/Not a valid object name|unknown revision|bad revision|ambiguous argument|not a valid ref/i.test(message)) {
    return new GitHintError(`--base ${base}: this clone has no such ref; fetch it first (${fetch}; in GitHub Actions: actions/checkout with fetch-depth: 0)`);
  }
  if (/merge-base/.test(message)) {
    const shallow = (await git(cwd, ['rev-parse', '--is-shallow-repository']).catch(() => '')).trim() === 'true';
    return new GitHintError(
      shallow
        ? `--base ${base}: this clone is shallow, so HEAD and ${base} have no common commit in it; fetch the history (git fetch --unshallow origin; in GitHub Actions: actions/checkout with fetch-depth: 0)`
        : `--base ${base}: HEAD and ${base} have no common commit; check the ref (${fetch} updates it)`,
    );
  }
  return error;
}

/** A git failure explained in one line (exit 2). */
export class GitHintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitHintError';
  }
}
