/**
 * A real PostgreSQL server through `pg` (`--database-url`, e.g. a service container in
 * CI). Replay never touches the database named in the URL: it creates a scratch database
 * next to it, works there, and drops it on close.
 */
import pg from 'pg';
import { GUARDED_RESULT, guarded, RESET_SQL, type ReplayDatabase, SESSION_SQL } from './interface.js';

/**
 * A rehearsal: the migrations run in the database at the URL itself, a production-sized
 * clone that already has the schema and the data. Nothing is reset or dropped; every
 * statement commits. NOTE: statements may run for minutes on a clone, so the session's
 * timeout is 30 minutes instead of replay's 60 s.
 */
export async function openRehearsal(url: string): Promise<ReplayDatabase> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await client.end();
  };
  try {
    const session = `${SESSION_SQL}; SET statement_timeout = '30min'`;
    await client.query(session);
    return clientDatabase(client, await majorVersion(client), `ROLLBACK; RESET ALL; ${session}`, close);
  } catch (error) {
    await close();
    throw error;
  }
}

/** Connects to `url`, creates a scratch database and opens one session on it. Needs CREATEDB. */
export async function openPostgres(url: string): Promise<ReplayDatabase> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const name = `migration_guard_replay_${process.pid}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  let client: pg.Client | undefined;
  let created = false;
  let adminVersion = 0;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await client?.end();
    } finally {
      try {
        // NOTE: WITH (FORCE) (Postgres 13+) also ends sessions a timed-out run left behind.
        if (created) await admin.query(`DROP DATABASE IF EXISTS ${name}${adminVersion >= 13 ? ' WITH (FORCE)' : ''}`);
      } finally {
        await admin.end();
      }
    }
  };
  try {
    adminVersion = await majorVersion(admin);
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
    created = true;
    const target = new URL(url);
    target.pathname = `/${name}`;
    client = new pg.Client({ connectionString: target.toString() });
    // NOTE: an unhandled 'error' event (server restart, killed backend) would crash the process.
    client.on('error', () => {});
    await client.connect();
    await client.query(SESSION_SQL);
    return clientDatabase(client, adminVersion, RESET_SQL, close);
  } catch (error) {
    await close();
    throw error;
  }
}

function clientDatabase(client: pg.Client, serverVersion: number, resetSql: string, close: () => Promise<void>): ReplayDatabase {
  return {
    kind: 'postgres',
    serverVersion,
    exec: async (sql) => {
      await client.query(sql);
    },
    query: async <Row extends object>(sql: string) => ((await client.query(guarded(sql))) as unknown as pg.QueryResult[])[GUARDED_RESULT]!.rows as Row[],
    reset: async () => {
      await client.query(resetSql);
    },
    // NOTE: no base cache on a server: its scratch database is dropped on close.
    restoreOrBuild: (_key, build) => build(),
    close,
    [Symbol.asyncDispose]: close,
  };
}

async function majorVersion(client: pg.Client): Promise<number> {
  return Math.floor(Number((await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]?.v) / 10_000);
}
