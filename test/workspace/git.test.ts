/**
 * The batched read behind comment runs (src/workspace/git.ts filesAt): the changed files of a
 * commit from git objects, in a few git commands, on a real temporary repository.
 */
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { filesAt } from '../../src/workspace/git.js';
import { createTempRepo, type TempRepo } from '../support/git-repo.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.remove();
  repo = undefined;
});

describe('filesAt', () => {
  it('reads regular files byte for byte at the commit, lists symbolic links, and skips what is no file there', async () => {
    repo = createTempRepo();
    const files: Record<string, string> = { 'db/a b.sql': 'SELECT 1;\n', 'db/dir/x.sql': 'SELECT 2;\n', 'db/new\nline.sql': 'SELECT 3;\n' };
    for (let i = 0; i < 1_100; i++) files[`db/m/${String(i).padStart(4, '0')}.sql`] = `SELECT ${i};\n`;
    repo.write(files);
    symlinkSync('a b.sql', path.join(repo.root, 'db', 'link.sql'));
    const sha = repo.commit({ 'db/extra.sql': 'x' }, 'files');
    // a later commit changes a file: the read is at `sha`, not at HEAD
    repo.commit({ 'db/a b.sql': 'SELECT 9;\n' }, 'later');
    const wanted = [...Object.keys(files), 'db/link.sql', 'db/dir', 'db/missing.sql', 'db/extra.sql'];
    const { files: read, symlinks } = await filesAt(repo.root, sha, wanted);
    expect([...symlinks]).toEqual(['db/link.sql']);
    expect(read.has('db/dir')).toBe(false);
    expect(read.has('db/missing.sql')).toBe(false);
    expect(read.has('db/link.sql')).toBe(false);
    for (const [file, text] of Object.entries(files)) expect(read.get(file)?.toString('utf8'), file).toBe(text);
    expect(read.size).toBe(Object.keys(files).length + 1);
  });

  it('keeps bytes that are not UTF-8, and NUL bytes, as they are in the blob', async () => {
    repo = createTempRepo();
    const sha = repo.commit({ 'db/a.sql': 'x' }, 'a');
    const blob = Buffer.from([0x53, 0x45, 0x4c, 0xe9, 0x00, 0x0a]);
    writeFileSync(path.join(repo.root, 'db', 'a.sql'), blob);
    const next = repo.commit({}, 'bytes');
    expect((await filesAt(repo.root, next, ['db/a.sql'])).files.get('db/a.sql')).toEqual(blob);
    expect((await filesAt(repo.root, sha, ['db/a.sql'])).files.get('db/a.sql')?.toString('utf8')).toBe('x');
  });
});
