/**
 * Temporary git repositories for tests, with commits at controlled dates.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TempRepo {
  root: string;
  /** Writes files (path -> contents; null deletes) and commits them at `date`. */
  commit(files: Record<string, string | Buffer | null>, message: string, date?: Date): string;
  /** Writes files without committing. */
  write(files: Record<string, string>): void;
  git(...args: string[]): string;
  remove(): void;
}

export function createTempRepo(): TempRepo {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mg-repo-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'dev@example.com');
  git('config', 'user.name', 'Dev');
  git('config', 'commit.gpgsign', 'false');
  const write = (files: Record<string, string | Buffer | null>) => {
    for (const [file, text] of Object.entries(files)) {
      const absolute = path.join(root, file);
      if (text === null) rmSync(absolute, { force: true });
      else {
        mkdirSync(path.dirname(absolute), { recursive: true });
        writeFileSync(absolute, text);
      }
    }
  };
  return {
    root,
    git,
    write,
    commit(files, message, date = new Date()) {
      write(files);
      git('add', '-A');
      execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], {
        cwd: root,
        env: { ...process.env, GIT_AUTHOR_DATE: date.toISOString(), GIT_COMMITTER_DATE: date.toISOString() },
      });
      return git('rev-parse', 'HEAD').trim();
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function ago(ms: number): Date {
  return new Date(Date.now() - ms);
}
