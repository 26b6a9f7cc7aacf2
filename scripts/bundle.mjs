// Bundles the CLI (dist/cli.js, which loads dist/cli-main.js) and the action (dist/index.js) with esbuild, and copies the
// WebAssembly files they load at run time next to them, so dist/ runs on its own with no
// node_modules beside it (which is how the Actions runner executes an action).
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDataDir, DATADIR_FILE, isCurrent, MANIFEST_FILE } from './pglite-datadir.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `--outdir DIR` builds elsewhere (check-dist compares that build with the committed dist/).
const outArg = process.argv.indexOf('--outdir');
const dist = outArg === -1 ? path.join(root, 'dist') : path.resolve(process.argv[outArg + 1]);
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));

// NOTE: the bundle is ESM (@actions/core 3 and @actions/github 9 are ESM-only), but the
// emscripten loaders inside libpg-query and PGlite use require and __dirname when they
// run under Node. Define both from import.meta.url; __dirname then points at dist/, which
// is where the .wasm files are copied.
const banner = [
  "import { createRequire as __mgCreateRequire } from 'node:module';",
  "import { fileURLToPath as __mgFileURLToPath } from 'node:url';",
  "import { dirname as __mgDirname } from 'node:path';",
  'const require = __mgCreateRequire(import.meta.url);',
  'const __filename = __mgFileURLToPath(import.meta.url);',
  'const __dirname = __mgDirname(__filename);',
].join('\n');

// NOTE: the CLI's code is dist/cli-main.js; dist/cli.js (the `bin`) is a small loader that
// turns on Node's on-disk compile cache first, so later runs skip compiling the 1 MB bundle
// (about 40 ms of each run's start-up, bench/). It must be a separate module: the cache
// only applies to modules compiled after it is enabled.
const entryPoints = { 'cli-main': 'src/cli/index.ts' };
if (existsSync(path.join(root, 'src/action/index.ts'))) entryPoints.index = 'src/action/index.ts';
// PGlite runs on a worker thread (src/replay/pglite-thread.ts), loaded from this file.
entryPoints['replay-worker'] = 'src/replay/pglite-worker.ts';
// Large inputs parse on worker threads (src/parser/parse-pool.ts), loaded from this file.
entryPoints['parse-worker'] = 'src/parser/parse-worker.ts';

// NOTE: PGlite's contrib extensions find their archive at new URL('../<name>.tar.gz',
// import.meta.url), relative to their own module; once bundled, that would point outside
// dist/. Point them at dist/ itself, and copy the archives the bundle names there (below).
const pgliteContribNextToBundle = {
  name: 'pglite-contrib-next-to-bundle',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /@electric-sql[\\/]pglite[\\/]dist[\\/]contrib[\\/][\w-]+\.js$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll('new URL("../', 'new URL("./'),
      loader: 'js',
    }));
  },
};

// PGlite's initial data directory (scripts/pglite-datadir.mjs): the committed one while it
// is current (a dump is not byte-reproducible), read before dist/ is emptied.
const committedDataDir = await (async () => {
  try {
    const bytes = await readFile(path.join(root, 'dist', DATADIR_FILE));
    const manifest = JSON.parse(await readFile(path.join(root, 'dist', MANIFEST_FILE), 'utf8'));
    return isCurrent(bytes, manifest) ? { bytes, manifest } : undefined;
  } catch {
    return undefined;
  }
})();

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
const options = {
  absWorkingDir: root,
  outdir: dist,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  banner: { js: banner },
  define: { MIGRATION_GUARD_VERSION: JSON.stringify(pkg.version) },
  legalComments: 'none',
  logLevel: 'warning',
  minifySyntax: true,
  minifyWhitespace: true,
  plugins: [pgliteContribNextToBundle],
};
const { index: action, ...others } = entryPoints;
await build({ ...options, entryPoints: others });
// NOTE: the action keeps no base schema cache (src/replay/pglite-thread.ts, BaseCacheOptions).
if (action) await build({ ...options, entryPoints: { index: action }, define: { ...options.define, MIGRATION_GUARD_BASE_CACHE: 'false' } });
await copyFile(path.join(root, 'node_modules/libpg-query/wasm/libpg-query.wasm'), path.join(dist, 'libpg-query.wasm'));
const pgliteDist = path.join(root, 'node_modules/@electric-sql/pglite/dist');
const worker = await readFile(path.join(dist, 'replay-worker.js'), 'utf8');
for (const [, archive] of worker.matchAll(/new URL\("\.\/([\w-]+\.tar\.gz)"/g)) await copyFile(path.join(pgliteDist, archive), path.join(dist, archive));
// PGlite (replay) loads Postgres, its initdb and its data files from next to the bundle.
for (const file of ['pglite.wasm', 'pglite.data', 'initdb.wasm']) {
  await copyFile(path.join(root, 'node_modules/@electric-sql/pglite/dist', file), path.join(dist, file));
}
const dataDir = committedDataDir ?? (await buildDataDir());
await writeFile(path.join(dist, DATADIR_FILE), dataDir.bytes);
await writeFile(path.join(dist, MANIFEST_FILE), `${JSON.stringify(dataDir.manifest, null, 2)}\n`);
const loader = [
  '#!/usr/bin/env node',
  '// migration-guard CLI. Enables the compile cache (Node 22.1+; NODE_DISABLE_COMPILE_CACHE=1 turns it off), then runs cli-main.js.',
  "import module from 'node:module';",
  'try {',
  '  module.enableCompileCache?.();',
  '} catch {',
  '  // NOTE: an unwritable cache directory only costs speed.',
  '}',
  "await import('./cli-main.js');",
  '',
].join('\n');
await writeFile(path.join(dist, 'cli.js'), loader, { mode: 0o755 });
// NOTE: says that dist/*.js are ES modules, so Node need not detect it by parsing them
// (a measurable part of start-up) wherever dist/ is copied without the project's package.json.
await writeFile(path.join(dist, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
