import pg from 'pg';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { startPostgresServer } from '../test/support/postgres-server.ts';
import { main } from '../src/cli/main.ts';
const server = await startPostgresServer();
try {
  const c = new pg.Client({ connectionString: server.url }); await c.connect();
  c.on('error', (e) => console.log('client error', e.message));
  await c.query(`CREATE TABLE lookup (id int PRIMARY KEY, name text); INSERT INTO lookup SELECT i, 'x' || i FROM generate_series(1, 40) i;
    CREATE TABLE events (id bigint PRIMARY KEY, kind int, payload text); INSERT INTO events SELECT i, i % 10, repeat('p', 50) FROM generate_series(1, 200000) i;`);
  await c.query('VACUUM ANALYZE lookup'); await c.query('VACUUM ANALYZE events');
  for (let i = 0; i < 50; i++) await c.query('SELECT count(*) FROM events WHERE id = $1', [i]);
  await c.end();
  const dir = mkdtempSync('/tmp/ctx/w-');
  const out: string[] = []; const err: string[] = [];
  const io = { cwd: dir, stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), isTTY: false, env: {} };
  console.log('stats exit', await main(['stats', '--database-url', server.url, '--output', 'stats.json'], io), err.join(''));
  mkdirSync(`${dir}/migrations`);
  writeFileSync(`${dir}/migrations/001_idx.sql`, 'CREATE INDEX events_kind ON events (kind);\nCREATE INDEX lookup_name ON lookup (name);\nALTER TABLE events ALTER COLUMN kind TYPE bigint;\n');
  console.log('check exit', await main(['check', 'migrations', '--stats-file', 'stats.json', '--replay', 'off'], io), err.join(''));
  console.log(out.join(''));
  out.length = 0;
  await main(['check', 'migrations', '--stats-file', 'stats.json', '--replay', 'off', '--format', 'markdown'], io);
  console.log(out.join(''));
} finally { await server.stop(); }
