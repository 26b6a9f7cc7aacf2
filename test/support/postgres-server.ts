/**
 * A real PostgreSQL server for the replay tests: the `initdb` and `pg_ctl` found on PATH
 * (Homebrew, Postgres.app, a distribution that links them into /usr/bin), else the newest
 * major of Debian's `postgresql` package (/usr/lib/postgresql/<major>/bin, which Debian
 * keeps off PATH). A temporary data directory, a free port on 127.0.0.1, the socket in the
 * same temporary directory, trust authentication. Postgres refuses to run as root, so under
 * root it runs as the `postgres` user (runuser).
 * NOTE: .ci/run installs the server with the same test (`initdb` and `pg_ctl` on PATH, or
 * under /usr/lib/postgresql/<major>/bin), so the two cannot disagree about "installed".
 */
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  major: number;
  stop(): Promise<void>;
}

/** What a test machine without a server needs to do. */
export const INSTALL_POSTGRES_HINT =
  'no PostgreSQL server found: neither initdb and pg_ctl on PATH nor /usr/lib/postgresql/<major>/bin/. Install one ' +
  '(Debian/Ubuntu: sudo apt-get install postgresql; Fedora: sudo dnf install postgresql-server; macOS: brew install postgresql) ' +
  'or put the directory holding initdb and pg_ctl on PATH, then rerun the tests.';

const SERVER_PROGRAMS = ['initdb', 'pg_ctl'];

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first PATH directory holding both server programs, with its major version (`initdb --version`). */
function onPath(pathVariable: string): { dir: string; major: number } | undefined {
  for (const dir of pathVariable.split(path.delimiter).filter(Boolean)) {
    if (!SERVER_PROGRAMS.every((program) => isExecutable(path.join(dir, program)))) continue;
    // e.g. "initdb (PostgreSQL) 17.6 (Debian 17.6-0+deb13u1)"
    const version = /\(PostgreSQL\)\s+(\d+)/.exec(execFileSync(path.join(dir, 'initdb'), ['--version'], { encoding: 'utf8' }));
    if (version) return { dir, major: Number(version[1]) };
  }
  return undefined;
}

/** The newest major version under Debian's /usr/lib/postgresql/<major>/bin. */
function inDebianLayout(root: string): { dir: string; major: number } | undefined {
  const binOf = (major: number) => path.join(root, String(major), 'bin');
  const majors = existsSync(root) ? readdirSync(root).map(Number).filter((n) => Number.isInteger(n) && SERVER_PROGRAMS.every((program) => isExecutable(path.join(binOf(n), program)))) : [];
  if (majors.length === 0) return undefined;
  const major = Math.max(...majors);
  return { dir: binOf(major), major };
}

/** The server programs' directory: on PATH first, then Debian's layout; else an error that says how to install one. */
export function findPostgresBin({ pathVariable = process.env.PATH ?? '', debianRoot = '/usr/lib/postgresql' } = {}): { dir: string; major: number } {
  const found = onPath(pathVariable) ?? inDebianLayout(debianRoot);
  if (!found) throw new Error(INSTALL_POSTGRES_HINT);
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a throwaway server; call stop() in teardown (it also removes the data directory).
 * @param settings extra server settings (`-c name=value`), e.g. shared_preload_libraries.
 */
export async function startPostgresServer(settings: Readonly<Record<string, string>> = {}): Promise<PostgresServer> {
  const { dir, major } = findPostgresBin();
  const isRoot = process.getuid?.() === 0;
  const user = isRoot ? 'postgres' : undefined;
  const as = (command: string, args: string[]) => (user ? run('runuser', ['-u', user, '--', command, ...args]) : run(command, args));
  const home = mkdtempSync(path.join(tmpdir(), 'mg-postgres-'));
  const data = path.join(home, 'data');
  if (user) {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    chownSync(home, uid, gid);
  }
  const port = await freePort();
  try {
    await as(path.join(dir, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    const extra = Object.entries(settings).map(([name, value]) => ` -c ${name}=${value}`).join('');
    const options = `-p ${port} -k ${home} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off${extra}`;
    await as(path.join(dir, 'pg_ctl'), ['-D', data, '-o', options, '-l', path.join(home, 'server.log'), '-w', '-t', '60', 'start']);
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw new Error(`could not start PostgreSQL ${major} in ${home}: ${(error as Error).message}`);
  }
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    major,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        if (statSync(data, { throwIfNoEntry: false })) await as(path.join(dir, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  };
}
