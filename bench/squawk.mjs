// squawk-cli, installed on demand into .cache/squawk for the benchmark.
// NOTE: squawk-cli's optional platform packages other than linux-x64 are not on every
// registry mirror; as a devDependency they make `npm ci` reject the lockfile. Installing it
// here keeps `npm ci` working and the benchmark reproducible (pinned version).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const SQUAWK_VERSION = '2.66.0';

/** The path of squawk's native binary (installing squawk-cli first when needed). */
export function squawkBinaryPath(root) {
  const prefix = path.join(root, '.cache', 'squawk');
  const entry = path.join(prefix, 'node_modules', 'squawk-cli', 'js', 'index.js');
  if (!existsSync(entry)) {
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `squawk-cli@${SQUAWK_VERSION}`], { stdio: 'inherit' });
  }
  return createRequire(entry)(entry).getBinaryPath();
}
