/**
 * The two replay backends for describe.each: PGlite in process and a real server from
 * test/support/postgres-server.ts. Each suite opens one database in beforeAll and resets
 * it per test (the replay stage resets it anyway).
 */
import type { ReplayDatabase } from '../../src/replay/interface.js';
import { openPglite } from '../../src/replay/pglite.js';
import { openPostgres } from '../../src/replay/postgres.js';
import { type SchemaSnapshot, SchemaTracker } from '../../src/replay/snapshot.js';
import { startPostgresServer } from '../support/postgres-server.js';

export interface Backend {
  name: 'pglite' | 'postgres';
  /** Opens the database; the returned close also stops whatever it started. */
  open(): Promise<{ db: ReplayDatabase; url?: string; close(): Promise<void> }>;
}

export const BACKENDS: readonly Backend[] = [
  {
    name: 'pglite',
    async open() {
      const db = await openPglite();
      return { db, close: () => db.close() };
    },
  },
  {
    name: 'postgres',
    async open() {
      const server = await startPostgresServer();
      try {
        const db = await openPostgres(server.url);
        return {
          db,
          url: server.url,
          async close() {
            try {
              await db.close();
            } finally {
              await server.stop();
            }
          },
        };
      } catch (error) {
        await server.stop();
        throw error;
      }
    },
  },
];

/** The whole schema as replay reads it (a new SchemaTracker's first read is a full one). */
export function fullRead(db: ReplayDatabase): Promise<SchemaSnapshot> {
  return new SchemaTracker(db).current();
}

/**
 * Rows of `sql` as a migration would see them (its search_path), not as replay's own guarded
 * queries do (pg_catalog only): kept in a table by exec, then read back.
 */
export async function migrationRows(db: ReplayDatabase, sql: string): Promise<Array<Record<string, unknown>>> {
  await db.exec(`DROP TABLE IF EXISTS public.test_rows; CREATE TABLE public.test_rows AS ${sql}`);
  try {
    return await db.query('SELECT * FROM public.test_rows');
  } finally {
    await db.exec('DROP TABLE public.test_rows');
  }
}
