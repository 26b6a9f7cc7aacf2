/**
 * Comment runs on pull requests with hundreds of migration files: the run (checkout of the
 * default branch) fetches the PR head as data and reads the changed files from git objects,
 * so it needs a few API requests, not one per file, and stays within the 400-request budget.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, PR, Scenario } from './scenario.js';

let scenario: Scenario | undefined;
afterEach(async () => {
  expect(scenario?.server.violations ?? []).toEqual([]);
  await scenario?.close();
  scenario = undefined;
});

const FILES = 450;

/** A PR that edits the applied migration (a base read) and adds 450 migrations, one of which blocks. */
async function bigPull(): Promise<Scenario> {
  const changes: Record<string, string> = {
    [`${MIGRATIONS}/001_users.up.sql`]: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n-- the users of the shop\n',
    [`${MIGRATIONS}/002_drop_email.up.sql`]: 'ALTER TABLE users DROP COLUMN email;\n',
    [`${MIGRATIONS}/002_drop_email.down.sql`]: 'ALTER TABLE users ADD COLUMN email text;\n',
  };
  for (let i = 0; i < FILES - 2; i++) changes[`${MIGRATIONS}/${String(100 + i)}_add_${i}.up.sql`] = `ALTER TABLE users ADD COLUMN c${i} text;\n`;
  const s = (scenario = await Scenario.open(changes));
  await s.pullRequest();
  expect(s.status()).toMatchObject({ state: 'failure' });
  return s;
}

/** The requests one step makes, and how many of them read file contents. */
async function counted<T>(s: Scenario, step: () => Promise<T>): Promise<{ value: T; requests: number; contentReads: number }> {
  const before = s.server.requests.length;
  const value = await step();
  const made = s.server.requests.slice(before);
  return { value, requests: made.length, contentReads: made.filter((r) => /\/contents\/db(%2F|\/)migrations/.test(r.path)).length };
}

describe('a comment run on a pull request with hundreds of migration files', () => {
  it('reads them from the fetched head, not the API: it approves, then revokes, in a few dozen requests', async () => {
    const s = await bigPull();
    const pullRequestSticky = s.sticky()!.body;
    const approval = await counted(s, () => s.comment('maintainer', `/approve-maintenance ${s.shownDigest()} reviewed`));
    expect(approval.value.result.code, approval.value.result.stdout).toBe(0);
    expect(s.status()).toMatchObject({ state: 'success' });
    expect(approval.contentReads).toBe(0);
    expect(approval.requests).toBeLessThan(40);
    expect(approval.value.result.stdout).not.toMatch(/read through the API/);
    const revocation = await counted(s, () => s.comment('admin', '/revoke-maintenance changed my mind'));
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(revocation.contentReads).toBe(0);
    expect(revocation.requests).toBeLessThan(40);
    // The same findings as the pull_request run, which read the files from its checkout.
    expect(s.sticky()!.body).toBe(pullRequestSticky);
  }, 300_000);

  it('reads them through the API when the head cannot be fetched, and says so', async () => {
    const s = (scenario = await Scenario.open({ [`${MIGRATIONS}/002_drop_email.up.sql`]: 'ALTER TABLE users DROP COLUMN email;\n', [`${MIGRATIONS}/001_users.up.sql`]: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n-- edited\n' }));
    await s.pullRequest();
    s.repo.git('update-ref', '-d', `refs/pull/${PR}/head`);
    const revocation = await counted(s, () => s.comment('admin', '/revoke-maintenance'));
    expect(revocation.value.result.stdout).toContain('cannot fetch the pull request head');
    expect(revocation.value.result.stdout).toContain('migration files were read through the API');
    // the heads of both files; the edited file's base comes from the checkout, which has the base commit
    expect(revocation.contentReads).toBe(2);
    // Without the head's history, contract-too-early cannot run; ban-drop-column still blocks.
    expect(s.status()).toMatchObject({ state: 'failure' });
    expect(s.sticky()!.body).toContain('ban-drop-column');
  });
});
