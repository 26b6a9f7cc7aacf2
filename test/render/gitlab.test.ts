/**
 * `--format gitlab`: the report validates against GitLab's own schema for Code Quality
 * entries (vendored, see test/fixtures/gitlab/README.md) and meets what GitLab's
 * documentation requires of the report; fingerprints survive moved lines.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { type CliIo, main } from '../../src/cli/main.js';
import { defaultConfig } from '../../src/core/config.js';
import { checkMigrations } from '../../src/engine.js';
import { type GitlabIssue, renderGitlab } from '../../src/render/gitlab.js';
import { findingOf, reportOf } from '../support/findings.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const schema = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/gitlab/codeclimate.json'), 'utf8')) as object;
const validateEntry = new Ajv({ strict: false }).compile(schema);

async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const io: CliIo = { cwd: ROOT, stdout: (t) => (stdout += t), stderr: () => {}, isTTY: false, env: {} };
  return { code: await main(args, io), stdout };
}

describe('--format gitlab', () => {
  it('is a JSON array whose every entry GitLab accepts, one per unsuppressed finding', async () => {
    const { code, stdout } = await cli(['check', '--format', 'gitlab', '--replay', 'off', 'examples/unsafe']);
    expect(code).toBe(1);
    const issues = JSON.parse(stdout) as GitlabIssue[];
    expect(Array.isArray(issues)).toBe(true);
    expect(issues.length).toBeGreaterThan(5);
    for (const issue of issues) {
      expect(validateEntry(issue), JSON.stringify(validateEntry.errors)).toBe(true);
      expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(issue.severity);
      expect(issue.check_name).toMatch(/^[a-z-]+$/);
      expect(issue.location.path).toMatch(/^examples\/unsafe\/[^/]+\.sql$/);
      expect(Number.isInteger(issue.location.lines.begin) && issue.location.lines.begin >= 1).toBe(true);
    }
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    expect(issues.find((i) => i.check_name === 'ban-drop-column')).toMatchObject({ severity: 'blocker', location: { path: 'examples/unsafe/20261125090300_cleanup.up.sql', lines: { begin: 1 } } });
  });

  it('keeps fingerprints when lines move, tells repeated findings apart, and leaves suppressed ones out', async () => {
    const sql = 'ALTER TABLE users DROP COLUMN email;\nALTER TABLE users DROP COLUMN email;\n-- migration-guard:ignore ban-drop-table reason: phase 3\nDROP TABLE old_users;\n';
    const report = async (text: string) => JSON.parse(renderGitlab(await checkMigrations([{ path: 'migrations/001_x.sql', text, change: 'added' }], defaultConfig()))) as GitlabIssue[];
    const before = await report(sql);
    const after = await report(`-- a comment added above\n\n${sql}`);
    const drops = (issues: GitlabIssue[]) => issues.filter((i) => i.check_name === 'ban-drop-column');
    expect(drops(before)).toHaveLength(2);
    expect(new Set(drops(before).map((i) => i.fingerprint)).size).toBe(2);
    expect(drops(after).map((i) => i.fingerprint)).toEqual(drops(before).map((i) => i.fingerprint));
    expect(drops(after).map((i) => i.location.lines.begin)).toEqual([3, 4]);
    expect(before.map((i) => i.check_name)).not.toContain('ban-drop-table');
  });

  it('maps severities (a blocking finding is a blocker), puts the safe alternative on one line in the description, and spans the lines', () => {
    const blocking = findingOf({ fix: 'ALTER TABLE users\n  ALTER COLUMN email DROP NOT NULL;', span: { startOffset: 0, endOffset: 90, start: { line: 2, column: 1 }, end: { line: 4, column: 12 } } });
    const others = [findingOf({ severity: 'error', statement: 'b' }), findingOf({ severity: 'warning', statement: 'c' }), findingOf({ severity: 'notice', statement: 'd' })];
    const issues = JSON.parse(renderGitlab(reportOf([blocking, ...others], [blocking]))) as GitlabIssue[];
    expect(issues.map((i) => i.severity)).toEqual(['blocker', 'critical', 'minor', 'info']);
    expect(issues[0]).toMatchObject({
      description: 'Dropping column "email" breaks running code Safe alternative: ALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
      check_name: 'ban-drop-column',
      location: { path: 'db/001_drop.sql', lines: { begin: 2, end: 4 } },
    });
    expect(issues[1]!.description).toBe('Dropping column "email" breaks running code');
    const trailing = JSON.parse(renderGitlab(reportOf([findingOf({ fix: 'SELECT 1;\n' })]))) as GitlabIssue[];
    expect(trailing[0]!.description).toBe('Dropping column "email" breaks running code Safe alternative: SELECT 1;');
  });

  it('fingerprints by rule, file and statement text with its white space folded (the message when there is no statement)', () => {
    const fingerprint = (finding: Parameters<typeof findingOf>[0]) => (JSON.parse(renderGitlab(reportOf([findingOf(finding)]))) as GitlabIssue[])[0]!.fingerprint;
    expect(fingerprint({ statement: 'ALTER TABLE users\n    DROP COLUMN email ' })).toBe(fingerprint({ statement: 'ALTER TABLE users DROP COLUMN email' }));
    expect(fingerprint({ statement: 'ALTER TABLE users DROP COLUMN email' })).not.toBe(fingerprint({ statement: 'ALTER TABLE users DROP COLUMN phone' }));
    expect(fingerprint({ message: 'one' })).not.toBe(fingerprint({ message: 'two' }));
    expect(fingerprint({ statement: 'SELECT a b' })).not.toBe(fingerprint({ statement: 'SELECT ab' }));
    expect(fingerprint({ statement: 'x' })).not.toBe(fingerprint({ statement: 'x', file: 'db/002.sql' }));
    expect(fingerprint({ statement: 'x' })).not.toBe(fingerprint({ statement: 'x', ruleId: 'ban-drop-table' }));
  });
});
