/**
 * The binding to libpg-query's WebAssembly build (src/core/pg-query.ts) against the
 * installed package: the version it was checked against, the struct offsets the package's
 * own wrapper reads, and the same trees, errors and cursor positions as that wrapper.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadModule, parsePlPgSQLSync, parseSync } from 'libpg-query';
import PgQueryModule from 'libpg-query/wasm/libpg-query.js';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadPgQuery, parsePlpgsqlToJson, parseToJson, PG_QUERY_BINDING, wasmApi } from '../../src/core/pg-query.js';

const require = createRequire(import.meta.url);
const RECHECK =
  "re-check PG_QUERY_BINDING in src/core/pg-query.ts against the new build: its struct offsets against libpg-query's pg_query.h and the getValue(...) reads of node_modules/libpg-query/wasm/index.js, its exports against wasm/libpg-query.js; then set its version";

beforeAll(async () => {
  await Promise.all([loadPgQuery(), loadModule()]);
});

describe('the libpg-query binding', () => {
  it('was checked against the libpg-query version package-lock.json installs', () => {
    const lock = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    const locked = lock.packages['node_modules/libpg-query']!.version;
    expect(locked, `package-lock.json installs libpg-query ${locked}; the binding was checked against ${PG_QUERY_BINDING.version}: ${RECHECK}`).toBe(PG_QUERY_BINDING.version);
    const installed = (JSON.parse(readFileSync(path.join(path.dirname(require.resolve(PG_QUERY_BINDING.wasmFile)), '../package.json'), 'utf8')) as { version: string }).version;
    expect(installed, 'node_modules/libpg-query is not the version package-lock.json names: run npm ci').toBe(locked);
  });

  it("reads the structs at the offsets the package's own wrapper reads", () => {
    const wrapper = readFileSync(path.join(path.dirname(require.resolve(PG_QUERY_BINDING.wasmFile)), 'index.js'), 'utf8');
    const offset = (field: string, pointer: string) => {
      const match = new RegExp(`const ${field} = wasmModule\\.getValue\\(${pointer}(?: \\+ (\\d+))?, 'i32'\\)`).exec(wrapper);
      return match ? Number(match[1] ?? 0) : `no read of ${field} in the wrapper`;
    };
    const wrapperOffsets = {
      parseResult: { parseTree: offset('parseTreePtr', 'resultPtr'), error: offset('errorPtr', 'resultPtr') },
      error: { message: offset('messagePtr', 'errorPtr'), cursorPosition: offset('cursorpos', 'errorPtr') },
    };
    expect(wrapperOffsets, RECHECK).toEqual({ parseResult: PG_QUERY_BINDING.parseResult, error: PG_QUERY_BINDING.error });
  });

  it('uses only exports the WebAssembly module has', async () => {
    const module = (await PgQueryModule()) as Record<string, unknown>;
    expect(PG_QUERY_BINDING.exports.filter((name) => module[name] === undefined), RECHECK).toEqual([]);
  });

  it('gives the parse trees, error messages and cursor positions of the package\'s wrapper', () => {
    const texts = [
      'SELECT 1',
      'ALTER TABLE users ADD COLUMN nickname text; CREATE INDEX users_nickname ON users (nickname)',
      'CREATE TABLE "übersicht" (id int, name text DEFAULT \'naïve ☃\')',
      'ALTER TABLE users ADD COLUMN;',
      'SELEC 1',
      "SELECT 'é', '☃' FROM t WHERE",
      "SELECT 'unterminated",
      'SELECT 1;\nSELECT 2 FROM;\nSELECT 3;',
    ];
    let errors = 0;
    for (const text of texts) {
      const ours = parseToJson(text);
      let theirs: { ok: true; tree: unknown } | { ok: false; message: string; cursorPosition: number | undefined };
      try {
        theirs = { ok: true, tree: parseSync(text) };
      } catch (error) {
        const sqlError = error as { message: string; sqlDetails?: { cursorPosition?: number } };
        theirs = { ok: false, message: sqlError.message, cursorPosition: sqlError.sqlDetails?.cursorPosition };
      }
      if (ours.ok) {
        expect(theirs, text).toEqual({ ok: true, tree: JSON.parse(ours.json) });
        expect(ours.ascii, text).toBe([...text].every((c) => c.charCodeAt(0) < 0x80));
      } else {
        errors++;
        expect(theirs, text).toEqual({ ok: false, message: ours.error.message, cursorPosition: ours.error.sqlDetails?.cursorPosition });
      }
    }
    expect(errors, 'the texts include syntax errors, so the error struct is read').toBe(5);
  });

  it('parses PL/pgSQL bodies as the package\'s wrapper does, errors included', () => {
    const valid = 'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN UPDATE users SET active = true; RETURN 1; END $$';
    const ours = parsePlpgsqlToJson(valid);
    expect(ours.ok && JSON.parse(ours.json)).toEqual(parsePlPgSQLSync(valid));
    const broken = 'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1 END $$';
    const failed = parsePlpgsqlToJson(broken);
    expect(failed.ok).toBe(false);
    expect(() => parsePlPgSQLSync(broken)).toThrow(failed.ok ? 'a parse' : failed.message);
  });

  it('loads once from a module compiled elsewhere (as the parse workers do), and refuses to parse before', async () => {
    vi.resetModules();
    const fresh = await import('../../src/core/pg-query.js');
    expect(() => fresh.parseToJson('SELECT 1')).toThrow('the SQL parser is not loaded: await loadPgQuery() first');
    const compiled = await wasmApi.compile(readFileSync(require.resolve(PG_QUERY_BINDING.wasmFile)));
    const loading = fresh.loadPgQuery(compiled);
    expect(fresh.loadPgQuery()).toBe(loading);
    await loading;
    expect(fresh.parseToJson('SELECT 1')).toMatchObject({ ok: true, ascii: true });
  });
});
