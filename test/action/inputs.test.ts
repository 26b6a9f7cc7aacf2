import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import { parseTrigger } from '../../src/github/event.js';
import { applyInputs, DEFAULT_BOT_LOGIN, InputError, parseInputs } from '../../src/action/inputs.js';

const inputs = (values: Record<string, string>) => parseInputs((name) => values[name] ?? '');

describe('action inputs', () => {
  it('reads every input into one object with defaults', () => {
    expect(inputs({ 'github-token': 't', paths: 'db/migrations/*.sql\n  sql/**/*.sql , x.sql', 'postgres-version': '14', 'fail-on': 'warning', comment: 'always' })).toEqual({
      token: 't',
      configPath: '.github/migration-guard.yml',
      paths: ['db/migrations/*.sql', 'sql/**/*.sql', 'x.sql'],
      postgresVersion: 14,
      replay: undefined,
      databaseUrl: undefined,
      failOn: 'warning',
      comment: 'always',
      sarifFile: undefined,
      reportFile: undefined,
      botLogin: DEFAULT_BOT_LOGIN,
    });
  });

  it.each([
    [{ 'github-token': '' }, 'Input "github-token" is empty'],
    [{ 'github-token': 't', 'fail-on': 'sometimes' }, 'Input "fail-on" is "sometimes"; expected one of: error, warning, never.'],
    [{ 'github-token': 't', replay: 'docker' }, 'Input "replay" is "docker"; expected one of: pglite, off.'],
    [{ 'github-token': 't', 'postgres-version': '9.6' }, 'Input "postgres-version" is "9.6"; expected a major version from 10 to 18'],
  ])('rejects %j quoting the value and the expected form', (values, message) => {
    expect(() => inputs(values)).toThrow(InputError);
    expect(() => inputs(values)).toThrow(message);
  });

  it('lets inputs override the config and keeps the config otherwise', () => {
    const config = applyInputs(defaultConfig(), inputs({ 'github-token': 't', 'fail-on': 'never' }));
    expect([config['fail-on'], config.comment, config['postgres-version'], config.replay.mode]).toEqual(['never', 'on-findings', 15, 'pglite']);
  });
});

describe('event payloads', () => {
  const pr = (action: string, extra: object = {}) => ({
    action,
    repository: { full_name: 'acme/shop' },
    pull_request: { number: 7, merged: false, user: { login: 'dev' }, head: { sha: 'a'.repeat(40), repo: { full_name: 'fork/shop' } }, base: { sha: 'b'.repeat(40) }, ...extra },
  });

  it('reads a pull_request', () => {
    expect(parseTrigger('pull_request', pr('synchronize'))).toEqual({ kind: 'pull-request', number: 7, headSha: 'a'.repeat(40), baseSha: 'b'.repeat(40), author: 'dev' });
  });

  it('ignores what needs no check, with the reason', () => {
    expect(parseTrigger('pull_request', pr('labeled'))).toEqual({ kind: 'ignored', reason: 'pull_request action "labeled" needs no check' });
    expect(parseTrigger('push', {})).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('"push" event is not one migration-guard handles') });
    expect(parseTrigger('issue_comment', { action: 'created', issue: { number: 3 } })).toEqual({ kind: 'ignored', reason: 'the comment is on an issue, not a pull request' });
  });

  it('reads a merge and the merge queue branch', () => {
    expect(parseTrigger('pull_request', pr('closed', { merged: true, merge_commit_sha: 'c'.repeat(40) }))).toEqual({ kind: 'merged', number: 7, baseSha: 'b'.repeat(40) });
    expect(parseTrigger('merge_group', { action: 'checks_requested', merge_group: { head_sha: 'd'.repeat(40), base_sha: 'e'.repeat(40), head_ref: `refs/heads/gh-readonly-queue/main/pr-42-${'f'.repeat(40)}` } })).toEqual({
      kind: 'merge-group',
      headSha: 'd'.repeat(40),
      baseSha: 'e'.repeat(40),
      number: 42,
    });
  });

  it('names the missing field of a malformed payload', () => {
    expect(() => parseTrigger('pull_request', { action: 'opened', pull_request: { number: 1 } })).toThrow('has no text at "pull_request.head.sha"');
  });
});
