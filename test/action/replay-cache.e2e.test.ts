/**
 * The `replay-cache-dir` input: the bundled action saves the replay's base schema in the
 * directory the workflow keeps with actions/cache, restores it on the next run on the same
 * base, and never reuses it when a base migration or the config differs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, Scenario } from './scenario.js';

const scenarios: Scenario[] = [];
let cacheDir: string | undefined;
afterEach(async () => {
  for (const s of scenarios.splice(0)) {
    expect(s.server.violations).toEqual([]);
    await s.close();
  }
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

const PULL_REQUEST = {
  [`${MIGRATIONS}/002_phone.up.sql`]: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN phone text;\nALTER TABLE users DROP COLUMN email;\n",
  [`${MIGRATIONS}/002_phone.down.sql`]: 'ALTER TABLE users ADD COLUMN email text;\nALTER TABLE users DROP COLUMN phone;\n',
};

/** The cache lines of a run's log: `saved <entry>` or `restored <entry>`. */
function cacheEvents(stdout: string): string[] {
  return [...stdout.matchAll(/migration-guard: replay: base schema (saved to|restored from) the cache \(entry ([0-9a-f]{12}) in /g)].map((m) => `${m[1] === 'saved to' ? 'saved' : 'restored'} ${m[2]}`);
}

/** The run's report without its timings, which differ on every run. */
function reportOf(outputs: Record<string, string>): unknown {
  const envelope = JSON.parse(readFileSync(outputs['report-json']!, 'utf8')) as { report: unknown };
  return JSON.parse(JSON.stringify(envelope.report, (key, value: unknown) => (/Ms$|^ms$/.test(key) ? undefined : value)));
}

async function run(s: Scenario) {
  // NOTE: PGlite runs take seconds; a loaded test machine can stretch one past the default minute.
  const result = await s.pullRequest({ inputs: { replay: 'pglite', 'replay-cache-dir': cacheDir! }, timeout: 240_000 });
  expect([0, 1], result.stderr + result.stdout).toContain(result.code);
  return { events: cacheEvents(result.stdout), report: reportOf(result.outputs) };
}

describe('replay-cache-dir', () => {
  it('restores the base schema on the next run on the same base, with the same report, and never across a changed config or base file', async () => {
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'mg-replay-cache-'));
    const s = await Scenario.open(PULL_REQUEST);
    scenarios.push(s);

    const first = await run(s);
    expect(first.events).toEqual([expect.stringMatching(/^saved [0-9a-f]{12}$/)]);
    const entry = first.events[0]!.slice('saved '.length);
    expect(readdirSync(cacheDir).filter((name) => name.startsWith(entry))).toHaveLength(2);
    expect(first.report).toMatchObject({ replay: { base: 'migrations', baseFiles: 1 } });

    const second = await run(s);
    expect(second.events).toEqual([`restored ${entry}`]);
    expect(second.report).toEqual(first.report);

    // The config is part of the key: a changed rule severity builds and saves a new entry.
    s.server.state.trees[s.baseSha]!['.github/migration-guard.yml'] = 'rules:\n  ban-drop-column: warning\n';
    const otherConfig = await run(s);
    expect(otherConfig.events).toEqual([expect.stringMatching(/^saved [0-9a-f]{12}$/)]);
    expect(otherConfig.events[0]).not.toBe(`saved ${entry}`);

    // A base whose applied migration differs (one more column) never gets the first entry.
    const otherBase = await Scenario.open(PULL_REQUEST, {}, { base: { [`${MIGRATIONS}/001_users.up.sql`]: 'CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n' } });
    scenarios.push(otherBase);
    const changedBase = await run(otherBase);
    expect(changedBase.events).toEqual([expect.stringMatching(/^saved [0-9a-f]{12}$/)]);
    expect([entry, otherConfig.events[0]!.slice('saved '.length)]).not.toContain(changedBase.events[0]!.slice('saved '.length));
  }, 900_000);

  it('is not read by a run without the input', async () => {
    const s = await Scenario.open(PULL_REQUEST);
    scenarios.push(s);
    const result = await s.pullRequest({ inputs: { replay: 'pglite' }, timeout: 240_000 });
    expect(result.code, result.stderr + result.stdout).toBe(1);
    expect(cacheEvents(result.stdout)).toEqual([]);
    expect(reportOf(result.outputs)).toMatchObject({ replay: { base: 'migrations', baseFiles: 1 } });
  }, 300_000);
});
