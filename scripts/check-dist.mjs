// Fails when the committed dist/ differs from a fresh bundle of the sources: GitHub runs
// dist/index.js, not src/, so a stale bundle ships old behaviour.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATADIR_FILE, MANIFEST_FILE, verifyDataDir } from './pglite-datadir.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fresh = mkdtempSync(path.join(os.tmpdir(), 'mg-dist-'));
try {
  execFileSync(process.execPath, [path.join(root, 'scripts/bundle.mjs'), '--outdir', fresh], { stdio: 'inherit' });
  const committed = path.join(root, 'dist');
  const names = new Set([...readdirSync(fresh), ...readdirSync(committed)]);
  const stale = [...names].filter((name) => {
    try {
      return !readFileSync(path.join(fresh, name)).equals(readFileSync(path.join(committed, name)));
    } catch {
      return true;
    }
  });
  if (stale.length) {
    console.error(`dist/ is stale (${stale.join(', ')} differ from a fresh bundle). Run "npm run bundle" and commit dist/.`);
    process.exit(1);
  }
  // NOTE: the bundle reuses the committed data directory while its manifest holds; this
  // checks that it really is what initdb makes (scripts/pglite-datadir.mjs).
  const problems = await verifyDataDir(readFileSync(path.join(committed, DATADIR_FILE)), JSON.parse(readFileSync(path.join(committed, MANIFEST_FILE), 'utf8')));
  if (problems.length) {
    console.error(`dist/${DATADIR_FILE}: ${problems.join('; ')}. Delete it and run "npm run bundle" to make a new one.`);
    process.exit(1);
  }
  console.log('dist/ is up to date');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
