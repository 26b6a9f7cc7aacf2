import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedSince } from '../../src/workspace/git.js';
import { createTempRepo } from '../support/git-repo.js';

const migrations = (p: string) => p.startsWith('migrations/');

describe('changedSince', () => {
  it('lists every migration with its change, the base text of modified and deleted files, and the head text', async () => {
    const repo = createTempRepo();
    try {
      repo.commit(
        {
          'migrations/001_users.sql': 'CREATE TABLE users (id bigint);\n',
          'migrations/002_é.sql': 'CREATE TABLE café (id bigint);\n',
          'migrations/003_gone.sql': 'CREATE TABLE gone (id bigint);\n',
          'migrations/004_kept.sql': 'CREATE TABLE kept (id bigint);\n',
          'docs/readme.sql': 'SELECT 1;\n',
        },
        'base',
      );
      repo.git('checkout', '-q', '-b', 'feature');
      repo.commit({ 'migrations/002_é.sql': 'CREATE TABLE café (id bigint, name text);\n', 'migrations/003_gone.sql': null, 'migrations/005_new.sql': 'SELECT 5;\n' }, 'change');
      repo.write({ 'migrations/001_users.sql': 'CREATE TABLE users (id bigint, email text);\n', 'migrations/006_untracked.sql': 'SELECT 6;\n' });
      const changed = await changedSince('main', repo.root, migrations);
      expect(changed.files).toEqual([
        { path: 'migrations/001_users.sql', change: 'modified', text: 'CREATE TABLE users (id bigint, email text);\n', baseText: 'CREATE TABLE users (id bigint);\n' },
        { path: 'migrations/002_é.sql', change: 'modified', text: 'CREATE TABLE café (id bigint, name text);\n', baseText: 'CREATE TABLE café (id bigint);\n' },
        { path: 'migrations/003_gone.sql', change: 'deleted', text: '', baseText: 'CREATE TABLE gone (id bigint);\n' },
        { path: 'migrations/004_kept.sql', change: 'unchanged', text: 'CREATE TABLE kept (id bigint);\n' },
        { path: 'migrations/005_new.sql', change: 'added', text: 'SELECT 5;\n' },
        { path: 'migrations/006_untracked.sql', change: 'added', text: 'SELECT 6;\n' },
      ]);
      expect(changed.mergeBase).toBe(repo.git('rev-parse', 'main').trim());
      expect(changed.problems).toEqual([]);
    } finally {
      repo.remove();
    }
  });

  it('gives a file that was a symbolic link at the base what git show prints for it (the link target)', async () => {
    const repo = createTempRepo();
    try {
      repo.commit({ 'shared/users.sql': 'CREATE TABLE users (id bigint);\n' }, 'target');
      symlinkSync('../shared/users.sql', path.join(repo.root, 'migrations_link.sql'));
      repo.git('add', '-A');
      repo.commit({}, 'link');
      repo.git('checkout', '-q', '-b', 'feature');
      repo.git('rm', '-q', 'migrations_link.sql');
      repo.commit({ 'migrations_link.sql': 'CREATE TABLE users (id bigint, name text);\n' }, 'a file instead');
      const changed = await changedSince('main', repo.root, (p) => p === 'migrations_link.sql');
      expect(changed.files).toEqual([{ path: 'migrations_link.sql', change: 'modified', text: 'CREATE TABLE users (id bigint, name text);\n', baseText: '../shared/users.sql' }]);
    } finally {
      repo.remove();
    }
  });

  it('reports a migration it cannot read as a problem and leaves it out', async () => {
    const repo = createTempRepo();
    try {
      repo.commit({ 'migrations/001_a.sql': 'SELECT 1;\n' }, 'base');
      symlinkSync('nowhere.sql', path.join(repo.root, 'migrations', '002_broken.sql'));
      const changed = await changedSince('HEAD', repo.root, migrations);
      expect(changed.files.map((f) => f.path)).toEqual(['migrations/001_a.sql']);
      expect(changed.problems).toEqual([{ path: 'migrations/002_broken.sql', message: 'cannot read: ENOENT' }]);
    } finally {
      repo.remove();
    }
  });
});
