/**
 * Finds application code that names a column or table: identifiers, string literals,
 * struct tags (`db:"email"`), ORM fields and query text, by whole-word match. Uses
 * `git grep` (fast on large repositories) and falls back to walking the tree outside git.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type { CodeReference, ContractTarget } from '../core/history-facts.js';
import { git, GitError } from '../workspace/git.js';
import { toPosix } from '../workspace/files.js';

/** Source files searched when the config gives no `code-paths`. */
export const DEFAULT_CODE_GLOBS = [
  '**/*.{go,rb,py,ts,tsx,js,jsx,mjs,cjs,java,kt,kts,scala,cs,php,ex,exs,rs,swift,erb,sql,prisma}',
];

/** Never searched: dependencies, build output and generated code. */
export const EXCLUDED_CODE_GLOBS = [
  '**/node_modules/**',
  '**/vendor/**',
  '**/third_party/**',
  '**/dist/**',
  '**/build/**',
  '**/target/**',
  '**/.git/**',
  '**/*.min.js',
  '**/*.pb.go',
  '**/*_generated.*',
  '**/*.generated.*',
  '**/*.gen.*',
  '**/generated/**',
];

/** At most this many references are reported per target: enough to act on, not a flood. */
export const MAX_REFERENCES_PER_TARGET = 20;

export interface CodeSearchOptions {
  root: string;
  /** Globs of application code (default DEFAULT_CODE_GLOBS). */
  include: readonly string[];
  /** Globs of migration files, never searched. */
  excludeMigrations: readonly string[];
  /**
   * Search this commit's tree instead of the working tree (a PR head fetched into a
   * checkout of the default branch: read as data, never checked out).
   */
  revision?: string;
}

/** A line that matched a name, before target-specific filtering. */
interface Hit {
  path: string;
  line: number;
  column: number;
  text: string;
}

/**
 * Searches for every target and returns references by target. Column targets keep only
 * hits in files that also name the table (or its singular), or `table.column` itself,
 * so a common column name such as `name` does not flag every file.
 */
export async function findCodeReferences(targets: readonly ContractTarget[], options: CodeSearchOptions): Promise<Map<ContractTarget, CodeReference[]>> {
  const result = new Map<ContractTarget, CodeReference[]>();
  if (targets.length === 0) return result;
  const isCode = picomatch([...options.include], { dot: false });
  const isExcluded = picomatch([...EXCLUDED_CODE_GLOBS, ...options.excludeMigrations], { dot: true });
  const accept = (p: string) => isCode(p) && !isExcluded(p);
  const files = options.revision ? await listTree(options.root, options.revision, accept) : await listFiles(options.root, accept);
  const names = [...new Set(targets.flatMap((t) => [bareName(t.column ?? t.table), bareName(t.table)]))];
  const hits = await searchWords(options.root, files, names, options.revision);
  const fileMentions = (file: string, word: string) => (hits.get(word) ?? []).some((h) => h.path === file);
  for (const target of targets) {
    const table = bareName(target.table);
    const word = bareName(target.column ?? target.table);
    const singular = table.replace(/s$/, '');
    const matches = (hits.get(word) ?? []).filter((hit) => {
      if (!target.column) return true;
      const qualified = new RegExp(`\\b${escapeRegExp(table)}\\.${escapeRegExp(word)}\\b`, 'i').test(hit.text);
      return qualified || fileMentions(hit.path, table) || new RegExp(`\\b${escapeRegExp(singular)}\\b`, 'i').test(hit.path);
    });
    result.set(target, matches.slice(0, MAX_REFERENCES_PER_TARGET));
  }
  return result;
}

function bareName(name: string): string {
  return name.split('.').pop()!.toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The files of a commit's tree. */
async function listTree(root: string, revision: string, accept: (p: string) => boolean): Promise<string[]> {
  const out = await git(root, ['ls-tree', '-r', '-z', '--name-only', revision]);
  return out.split('\0').filter((p) => p && accept(p));
}

/** Tracked and untracked (not ignored) files in a git checkout; a plain walk elsewhere. */
async function listFiles(root: string, accept: (p: string) => boolean): Promise<string[] | undefined> {
  try {
    const out = await git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
    return out.split('\0').filter((p) => p && accept(p));
  } catch {
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const absolute = path.join(dir, entry.name);
        const relative = toPosix(path.relative(root, absolute));
        if (entry.isDirectory()) {
          if (!['node_modules', '.git', 'vendor'].includes(entry.name)) await walk(absolute);
        } else if (entry.isFile() && accept(relative)) files.push(relative);
      }
    };
    await walk(root);
    return files;
  }
}

/** Whole-word, case-insensitive search for several names at once; hits grouped by name. */
async function searchWords(root: string, files: readonly string[] | undefined, names: readonly string[], revision?: string): Promise<Map<string, Hit[]>> {
  const byName = new Map<string, Hit[]>(names.map((n) => [n, []]));
  if (!files || files.length === 0) return byName;
  const pattern = new RegExp(`\\b(${names.map(escapeRegExp).join('|')})\\b`, 'gi');
  const record = (file: string, lineNumber: number, text: string) => {
    const seen = new Set<string>();
    for (const match of text.matchAll(pattern)) {
      const name = match[1]!.toLowerCase();
      if (seen.has(name)) continue; // one reference per line and name
      seen.add(name);
      byName.get(name)?.push({ path: file, line: lineNumber, column: match.index + 1, text: text.trim().slice(0, 200) });
    }
  };
  const grepped = await gitGrep(root, files, names, revision).catch((error: unknown) => {
    if (revision) throw error; // no working tree to fall back to
    return undefined;
  });
  if (grepped !== undefined) {
    for (const { file, line, text } of grepped) record(file, line, text);
    return byName;
  }
  for (const file of files) {
    const text = await readFile(path.join(root, file), 'utf8').catch(() => '');
    if (!pattern.test(text)) continue;
    pattern.lastIndex = 0;
    text.split('\n').forEach((lineText, i) => record(file, i + 1, lineText));
  }
  return byName;
}

/** `git grep` over the working tree (the PR head in a checkout) or a commit, pathspecs in chunks. */
async function gitGrep(root: string, files: readonly string[], names: readonly string[], revision?: string): Promise<Array<{ file: string; line: number; text: string }>> {
  const out: Array<{ file: string; line: number; text: string }> = [];
  const patterns = names.flatMap((n) => ['-e', n]);
  // NOTE: stay well under the kernel's argument-length limit.
  const CHUNK = 2000;
  for (let i = 0; i < files.length; i += CHUNK) {
    const chunk = files.slice(i, i + CHUNK);
    let stdout = '';
    try {
      const tree = revision ? [revision] : [];
      stdout = await git(root, ['grep', ...(revision ? [] : ['--untracked']), '-I', '-n', '-i', '-w', '-z', ...patterns, ...tree, '--', ...chunk]);
    } catch (error) {
      if (error instanceof GitError && error.exitCode === 1) continue; // nothing matched
      throw error;
    }
    for (const record of stdout.split('\n')) {
      if (!record) continue;
      const [named, line, ...rest] = record.split('\0');
      // NOTE: on a commit, git names each file "<revision>:<path>".
      const file = revision && named?.startsWith(`${revision}:`) ? named.slice(revision.length + 1) : named;
      if (file && line) out.push({ file, line: Number(line), text: rest.join('\0') });
    }
  }
  return out;
}
