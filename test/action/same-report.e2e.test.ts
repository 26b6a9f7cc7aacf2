/**
 * One pipeline (src/check.ts): the bundled action's pull_request run, a comment run on the
 * same pull request (checkout of the default branch, head fetched as data) and the
 * CLI's `check --base` on the same commits produce the same findings.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliIo, main } from '../../src/cli/main.js';
import type { JsonReport } from '../../src/render/json.js';
import { MIGRATIONS, Scenario } from './scenario.js';

let scenario: Scenario | undefined;
afterEach(async () => {
  expect(scenario?.server.violations ?? []).toEqual([]);
  await scenario?.close();
  scenario = undefined;
});

type Finding = JsonReport['findings'][number];
const summary = (findings: readonly Finding[]) => findings.map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line} ${f.message}`);

async function cli(args: string[], cwd: string): Promise<JsonReport> {
  let stdout = '';
  const io: CliIo = { cwd, stdout: (t) => (stdout += t), stderr: () => undefined, isTTY: false, env: {} };
  await main(args, io);
  return JSON.parse(stdout) as JsonReport;
}

describe('the same report from every entry point', () => {
  it('pull_request run, comment run and check --base agree, also on a table whose applied migration the PR edits', async () => {
    const s = (scenario = await Scenario.open({
      // An edit to the applied migration must not make its table "new" anywhere.
      [`${MIGRATIONS}/001_users.up.sql`]: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n-- the users of the shop\n',
      [`${MIGRATIONS}/002_phone.up.sql`]: 'ALTER TABLE users ADD COLUMN phone text NOT NULL;\nCREATE INDEX users_phone_idx ON users (phone);\nALTER TABLE users DROP COLUMN email;\n',
      [`${MIGRATIONS}/002_phone.down.sql`]: 'DROP INDEX users_phone_idx;\nALTER TABLE users DROP COLUMN phone;\n',
    }));
    const pullRequest = await s.pullRequest();
    expect(pullRequest.code, pullRequest.stdout).toBe(1);
    const fromPullRequest = (JSON.parse(readFileSync(pullRequest.outputs['report-json']!, 'utf8')) as { report: JsonReport }).report;
    const fromCli = await cli(['check', '--base', 'base', '--format', 'json', '--replay', 'off'], s.repo.root);
    expect(summary(fromPullRequest.findings)).toEqual(summary(fromCli.findings));
    expect(summary(fromCli.findings).filter((f) => f.startsWith('error'))).toEqual(
      expect.arrayContaining([expect.stringContaining('require-nullable-or-default db/migrations/002_phone.up.sql:1'), expect.stringContaining('require-concurrent-index-creation db/migrations/002_phone.up.sql:2')]),
    );
    const afterPullRequest = s.sticky()!.body;
    // The comment run analyses the pull request again, from the default branch's checkout.
    // It reads the migration files from the head it fetches as git objects, not through the API.
    const migrationReads = () => s.server.requestsTo('GET', /contents\/db(%2F|\/)migrations/).length;
    const readsBefore = migrationReads();
    const run = await s.comment('maintainer', '/revoke-maintenance');
    expect(migrationReads(), 'the comment run read migration files through the API').toBe(readsBefore);
    expect(run.result.stdout).not.toMatch(/read through the API/);
    expect(s.sticky()!.body).toBe(afterPullRequest);
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.status()!.description).toMatch(new RegExp(`^${fromCli.summary.blocking} blocking findings \\(digest [0-9a-f]{16}\\): see comment$`));
  });
});

describe('a migration file that is not UTF-8 text', () => {
  it('is one blocking finding naming the bad byte in the pull_request run, the comment run and check --base alike', async () => {
    // NOTE: Latin-1 "é" (0xE9) in a comment: decoded lossily, the file would parse and its DROP COLUMN be checked as if the text were known.
    const latin1 = Buffer.from('-- caf\u00e9 au lait\nALTER TABLE users DROP COLUMN email;\n', 'latin1');
    const s = (scenario = await Scenario.open({ [`${MIGRATIONS}/002_latin1.up.sql`]: latin1 }));
    const pullRequest = await s.pullRequest();
    expect(pullRequest.code, pullRequest.stdout).toBe(1);
    const fromPullRequest = (JSON.parse(readFileSync(pullRequest.outputs['report-json']!, 'utf8')) as { report: JsonReport }).report;
    const fromCli = await cli(['check', '--base', 'base', '--format', 'json', '--replay', 'off'], s.repo.root);
    expect(summary(fromPullRequest.findings)).toEqual(summary(fromCli.findings));
    expect(summary(fromCli.findings).filter((f) => f.includes('parse-error'))).toEqual([
      expect.stringMatching(/^error parse-error db\/migrations\/002_latin1\.up\.sql:1 .*not valid UTF-8 at byte offset 6 \(line 1, byte 0xE9\)/),
    ]);
    const afterPullRequest = s.sticky()!.body;
    // The comment run reads the head from git objects; it must decode the bytes the same way.
    await s.comment('maintainer', '/revoke-maintenance');
    expect(s.sticky()!.body).toBe(afterPullRequest);
    expect(s.status()).toMatchObject({ state: 'failure' });
  });
});

describe("a repository configured for squawk (.squawk.toml, no migration-guard config)", () => {
  it('is read by the action from the base commit as the CLI reads it: the excluded rule is off in both', async () => {
    const addRequired = 'ALTER TABLE users ADD COLUMN phone text NOT NULL;\n';
    const squawkToml = 'excluded_rules = ["adding-required-field"]\npg_version = "15.0"\n';
    const s = (scenario = await Scenario.open({ [`${MIGRATIONS}/002_phone.up.sql`]: addRequired }, {}, { base: { '.squawk.toml': squawkToml } }));
    const pullRequest = await s.pullRequest();
    const fromPullRequest = (JSON.parse(readFileSync(pullRequest.outputs['report-json']!, 'utf8')) as { report: JsonReport }).report;
    const fromCli = await cli(['check', '--base', 'base', '--format', 'json', '--replay', 'off'], s.repo.root);
    expect(summary(fromPullRequest.findings)).toEqual(summary(fromCli.findings));
    expect(fromCli.findings.map((f) => f.rule)).not.toContain('require-nullable-or-default');
    // The same PR without the squawk config: the rule blocks it.
    await s.close();
    const plain = (scenario = await Scenario.open({ [`${MIGRATIONS}/002_phone.up.sql`]: addRequired }));
    const withoutSquawk = (JSON.parse(readFileSync((await plain.pullRequest()).outputs['report-json']!, 'utf8')) as { report: JsonReport }).report;
    expect(withoutSquawk.findings.map((f) => f.rule)).toContain('require-nullable-or-default');
  });

  it('names the file and the key when the base commit has a bad .squawk.toml', async () => {
    const s = (scenario = await Scenario.open({ [`${MIGRATIONS}/002_phone.up.sql`]: 'SELECT 1;\n' }, {}, { base: { '.squawk.toml': 'pg_version = "fifteen"\n' } }));
    const run = await s.pullRequest();
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(/\.squawk\.toml: key "pg_version": expected a PostgreSQL version such as "15\.0" \(got "fifteen"\) \(in the file on the base branch, commit [0-9a-f]{7}\)/);
  });
});
