/**
 * The test setup's search for a PostgreSQL server (test/support/postgres-server.ts): PATH
 * first, then Debian's /usr/lib/postgresql/<major>/bin, else an error that says how to
 * install one. Uses stand-in programs in temporary folders (only the search is under test;
 * the replay suites start the real server).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPostgresBin, INSTALL_POSTGRES_HINT } from './support/postgres-server.js';

const home = mkdtempSync(path.join(tmpdir(), 'mg-pg-search-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** A folder with stand-in `programs`; `initdb --version` prints `major`. */
function binFolder(name: string, programs: string[], major: number): string {
  const dir = path.join(home, name);
  mkdirSync(dir, { recursive: true });
  for (const program of programs) {
    writeFileSync(path.join(dir, program), `#!/bin/sh\necho "${program} (PostgreSQL) ${major}.3"\n`);
    chmodSync(path.join(dir, program), 0o755);
  }
  return dir;
}

describe('findPostgresBin', () => {
  const debianRoot = path.join(home, 'usr-lib-postgresql');
  binFolder('usr-lib-postgresql/15/bin', ['initdb', 'pg_ctl'], 15);
  binFolder('usr-lib-postgresql/17/bin', ['initdb', 'pg_ctl'], 17);
  binFolder('usr-lib-postgresql/18/bin', ['initdb'], 18);
  const nowhere = path.join(home, 'nowhere');

  it('takes the first PATH folder holding initdb and pg_ctl, with the major version initdb reports', () => {
    const brew = binFolder('brew', ['initdb', 'pg_ctl'], 16);
    const onlyInitdb = binFolder('partial', ['initdb'], 14);
    expect(findPostgresBin({ pathVariable: [onlyInitdb, brew].join(path.delimiter), debianRoot })).toEqual({ dir: brew, major: 16 });
  });

  it('falls back to the newest complete major in the Debian layout', () => {
    expect(findPostgresBin({ pathVariable: nowhere, debianRoot })).toEqual({ dir: path.join(debianRoot, '17', 'bin'), major: 17 });
  });

  it('without either, fails with how to install a server', () => {
    expect(() => findPostgresBin({ pathVariable: nowhere, debianRoot: nowhere })).toThrow(INSTALL_POSTGRES_HINT);
    expect(INSTALL_POSTGRES_HINT).toMatch(/apt-get install postgresql/);
  });
});
