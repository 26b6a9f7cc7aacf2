// `npm run fuzz`: the fuzz tests (test/fuzz) with many more runs and a fresh seed each time
// than the fixed-seed slice CI runs. `npm run fuzz -- RUNS [SEED]` (defaults: 5000, random).
// A failure prints fast-check's seed and path; rerun with that SEED to reproduce it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const runs = process.argv[2] ?? '5000';
const seed = process.argv[3] ?? String(Math.floor(Math.random() * 2 ** 31));
console.log(`fuzzing with FUZZ_RUNS=${runs} FUZZ_SEED=${seed}`);
const root = path.resolve(import.meta.dirname, '..');
const result = spawnSync('npx', ['vitest', 'run', 'test/fuzz'], { cwd: root, stdio: 'inherit', env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed } });
process.exit(result.status ?? 1);
