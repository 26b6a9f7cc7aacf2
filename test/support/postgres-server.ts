/**
 * A real PostgreSQL server for the replay tests, from Debian's `postgresql` package
 * (/usr/lib/postgresql/<major>/bin): a temporary data directory, a free port on
 * 127.0.0.1, the socket in the same temporary directory, trust authentication. Postgres
 * refuses to run as root, so under root it runs as the `postgres` user (runuser).
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
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

/** The newest installed major version's bin directory, or an error that says how to install one. */
function binDir(): { dir: string; major: number } {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).map(Number).filter((n) => Number.isInteger(n) && existsSync(path.join(root, String(n), 'bin', 'pg_ctl'))) : [];
  if (majors.length === 0) throw new Error(`no PostgreSQL server under ${root}/*/bin; install it with: apt-get install -y postgresql`);
  const major = Math.max(...majors);
  return { dir: path.join(root, String(major), 'bin'), major };
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
  const { dir, major } = binDir();
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
