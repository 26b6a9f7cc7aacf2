/**
 * Parsing on worker threads (src/parser/parse-pool.ts) must give exactly what parsing on
 * the main thread gives, errors and non-ASCII text included, also when a worker fails.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze, type ParseAhead } from '../../src/core/analyze.js';
import { defaultConfig } from '../../src/core/config.js';
import type { InputFile } from '../../src/core/migration.js';
import { parseSql } from '../../src/core/parse.js';
import { PG_QUERY_BINDING, wasmApi } from '../../src/core/pg-query.js';
import { discoverMigrations } from '../../src/conventions/index.js';
import { PARALLEL_MIN_CHARS, parseInParallel, prepareParser } from '../../src/parser/parse-pool.js';
import { allRules } from '../../src/rules/index.js';
import { generateSql } from '../../bench/generate.mjs';

let parseAhead: ParseAhead;
let compiled: WebAssembly.Module;
beforeAll(async () => {
  parseAhead = await prepareParser().ready;
  compiled = await wasmApi.compile(readFileSync(createRequire(import.meta.url).resolve(PG_QUERY_BINDING.wasmFile)));
});

/** Texts of several sizes, with a syntax error and non-ASCII identifiers, above the parallel threshold in all. */
function texts(): string[] {
  return [
    generateSql(4000, 1),
    `${generateSql(3000, 2)}\nALTER TABLE broken ADD COLUMN;\n`,
    generateSql(3000, 3).replaceAll('orders_', 'bestellungen_ü'),
    'SELECT 1;',
    `SELECT 1${' + 1'.repeat(10_000)};`, // too deep: a parse failure, never a crash
    generateSql(200, 4),
  ];
}

describe('parsing on worker threads', () => {
  it('gives what this thread gives, text by text, above the threshold', async () => {
    const input = texts();
    expect(input.reduce((sum, t) => sum + t.length, 0)).toBeGreaterThan(PARALLEL_MIN_CHARS);
    const expected = input.map(parseSql);
    expect(expected[1]!.ok).toBe(false);
    expect(expected[4]!.ok).toBe(false);
    expect(await parseAhead(input)).toEqual(expected);
    const log: string[] = [];
    expect(await parseInParallel(input, 2, compiled, (line) => log.push(line))).toEqual(expected);
    expect(log).toEqual([expect.stringMatching(/^parsed \d\.\d MB of SQL in 6 pieces: [1-6] on 2 worker threads, the rest on the main thread$/)]);
  });

  // NOTE: one worker next to this thread needs two CPUs.
  it.runIf(availableParallelism() > 1)('uses the workers started while the input is read, and gives the same results', async () => {
    const input = texts();
    const log: string[] = [];
    const parser = prepareParser((line) => log.push(line));
    // NOTE: below the threshold nothing starts; the text that crosses it starts the workers.
    parser.reading(PARALLEL_MIN_CHARS - 1);
    parser.reading(1);
    expect(await (await parser.ready)(input)).toEqual(input.map(parseSql));
    expect(log).toEqual([expect.stringMatching(/ on 1 worker thread, the rest on the main thread \(1 started while the input was read\)$/)]);
  });

  it.runIf(availableParallelism() > 1)('starts no worker for input read below the threshold', async () => {
    const log: string[] = [];
    const parser = prepareParser((line) => log.push(line));
    parser.reading(PARALLEL_MIN_CHARS - 1);
    const input = texts();
    expect(await (await parser.ready)(input)).toEqual(input.map(parseSql));
    expect(log).toEqual([expect.stringMatching(/ on 1 worker thread, the rest on the main thread$/)]);
  });

  it('finishes on this thread when the workers cannot start', async () => {
    // NOTE: a valid but empty WebAssembly module: the workers fail to load the parser.
    const empty = await wasmApi.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    const input = texts();
    const log: string[] = [];
    expect(await parseInParallel(input, 2, empty, (line) => log.push(line))).toEqual(input.map(parseSql));
    expect(log).toEqual([expect.stringMatching(/in 6 pieces: 0 on 2 worker threads, the rest on the main thread \(a worker failed: .+\)$/)]);
  });

  it('gives the same report through analyze() as parsing on this thread', async () => {
    const files: InputFile[] = texts().map((text, i) => ({ path: `migrations/2026010100000${i}_m.up.sql`, text, change: 'added' }));
    const options = { files, config: defaultConfig(), rules: allRules, discover: discoverMigrations };
    const expected = await analyze(options);
    expect(expected.findings.some((f) => f.ruleId === 'parse-error')).toBe(true);
    expect(await analyze({ ...options, parseAhead })).toEqual(expected);
  });
});
