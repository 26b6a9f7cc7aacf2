/**
 * `npm run mutate` is too slow for `npm test`, so this checks its setup instead: the Stryker
 * configuration loads, every glob it names matches files that exist, and the areas together
 * cover the layers mutation testing is for.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import areas from './areas.json' with { type: 'json' };
import { MUTATION_EXCLUDED_TESTS } from '../../vitest.mutate.config.js';
import { V8_FLAGS } from '../../src/v8-flags.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const files = (dir: string) => readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((file) => `${dir}/${file.split(path.sep).join('/')}`);
const sources = files('src');
const tests = files('test').filter((file) => file.endsWith('.test.ts'));

/** The files a Stryker-style glob list selects (`!` patterns remove). */
function select(candidates: string[], globs: string[]): string[] {
  const include = picomatch(globs.filter((glob) => !glob.startsWith('!')));
  const exclude = picomatch(globs.filter((glob) => glob.startsWith('!')).map((glob) => glob.slice(1)));
  return candidates.filter((file) => include(file) && !exclude(file));
}

/** The configuration Stryker sees for one area (it reads MUTATION_AREA when it loads). */
async function strykerConfig(area: string): Promise<Record<string, unknown>> {
  process.env.MUTATION_AREA = area;
  try {
    const url = pathToFileURL(path.join(ROOT, 'stryker.config.mjs'));
    url.search = `area=${area}`;
    return ((await import(url.href)) as { default: Record<string, unknown> }).default;
  } finally {
    delete process.env.MUTATION_AREA;
  }
}

describe('the mutation testing setup', () => {
  // NOTE: a test glob may match nothing (a file moved; Stryker only warns), but an area with
  // test globs must find some tests, and none the mutation runs leave out.
  it.each(Object.entries(areas))('area %s: every source glob matches a file, and its tests exist', (_, area) => {
    for (const glob of area.mutate.filter((one) => !one.startsWith('!'))) expect(select(sources, [glob]), glob).not.toEqual([]);
    if (area.testFiles.length > 0) expect(select(tests, area.testFiles)).not.toEqual([]);
    expect(select(tests, area.testFiles).filter((file) => select([file], MUTATION_EXCLUDED_TESTS).length > 0)).toEqual([]);
  });

  it('covers src/core, src/rules, src/conventions, src/render and the gate, each file in one area', () => {
    const wanted = select(sources, ['src/{core,rules,conventions,render}/**/*.ts', 'src/action/gate-commands.ts', '!**/*.d.ts']);
    const owners = (file: string) => Object.keys(areas).filter((name) => select([file], areas[name as keyof typeof areas].mutate).length > 0);
    expect(wanted.filter((file) => owners(file).length !== 1)).toEqual([]);
  });

  it('leaves out only test files that exist', () => {
    for (const glob of MUTATION_EXCLUDED_TESTS) expect(select(tests, [glob]), glob).not.toEqual([]);
  });

  it('loads, and gives each area its files, tests and own incremental file', async () => {
    const config = await strykerConfig('render');
    expect(config).toMatchObject({
      testRunner: 'vitest',
      coverageAnalysis: 'perTest',
      incremental: true,
      mutate: areas.render.mutate,
      testFiles: areas.render.testFiles,
      incrementalFile: 'test/mutation/incremental/render.json',
      vitest: { configFile: 'vitest.mutate.config.ts' },
    });
    expect(config.concurrency).toBeLessThanOrEqual(2);
    expect(await strykerConfig('rules')).toMatchObject({ mutate: areas.rules.mutate, testFiles: areas.rules.testFiles });
  });

  it('runs the test files of one mutant in one reused worker process', async () => {
    // NOTE: with vitest's default `isolate: true`, each test file covering a mutant starts a
    // fresh process that imports the module graph and compiles the parser's WebAssembly again;
    // Stryker switches mutants through a global, so one process per mutant is enough.
    const vitestConfig = (await import('../../vitest.mutate.config.js')).default as { test?: { isolate?: boolean; execArgv?: string[] } };
    expect(vitestConfig.test?.isolate).toBe(false);
    expect(vitestConfig.test?.execArgv).toEqual(expect.arrayContaining([...V8_FLAGS]));
  });
});
