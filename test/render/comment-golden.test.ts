/**
 * The pull request comment a reviewer reads, as golden files: examples/unsafe and
 * examples/safe rendered as the action renders them (digest, links to the head commit).
 * A change to the comment shows up as a diff of these files; after checking it, refresh
 * them with UPDATE_GOLDEN=1.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import markdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import type { InputFile } from '../../src/core/migration.js';
import { adviseStrategy } from '../../src/core/strategy.js';
import { checkMigrations } from '../../src/engine.js';
import { codeSpan } from '../../src/render/escape.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { allRules } from '../../src/rules/index.js';
import { REPO_ROOT } from '../support/run-action.js';

const HEAD = 'a'.repeat(40);
const DIGEST = '3f9a2c1b4d5e6f70'.padEnd(64, '0');
const config = { ...defaultConfig(), replay: { ...defaultConfig().replay, mode: 'off' as const } };

async function comment(example: string): Promise<string> {
  const dir = path.join(REPO_ROOT, 'examples', example);
  const files: InputFile[] = readdirSync(dir)
    .sort()
    .map((name) => ({ path: `db/migrations/${name}`, text: readFileSync(path.join(dir, name), 'utf8'), change: 'added' }));
  const report = await checkMigrations(files, config);
  return renderMarkdown(report, {
    advice: adviseStrategy(report, config, allRules),
    digest: DIGEST,
    sourceUrl: (file, line) => `https://github.com/octo-org/app/blob/${HEAD}/${file}#L${line}`,
    fullReportUrl: 'https://github.com/octo-org/app/actions/runs/1',
  });
}

describe.each(['unsafe', 'safe'])('the comment for examples/%s', (example) => {
  it('matches its golden file', async () => {
    const body = await comment(example);
    const golden = path.join(REPO_ROOT, 'test', 'render', 'golden', `${example}.md`);
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, body);
    expect(body).toBe(readFileSync(golden, 'utf8'));
  });
});

describe('what a reviewer reads first', () => {
  it('the verdict, the counts and the digest come before any finding; each blocking finding is one line linked to its line at the head', async () => {
    const body = await comment('unsafe');
    const lines = body.split('\n');
    expect(lines[1]).toMatch(/^## migration-guard: ❌ blocked/);
    const firstFinding = lines.findIndex((l) => l.startsWith('- [`db/migrations/'));
    expect(lines.findIndex((l) => l.startsWith('| migration files |'))).toBeLessThan(firstFinding);
    expect(lines.findIndex((l) => l.includes(`/approve-maintenance ${DIGEST.slice(0, 16)}`))).toBeLessThan(firstFinding);
    expect(lines[firstFinding]).toMatch(new RegExp(`^- \\[\`db/migrations/[^\`]+:\\d+\`\\]\\(https://github\\.com/octo-org/app/blob/${HEAD}/db/migrations/[^#]+#L\\d+\\) \\*\\*[a-z-]+\\*\\*: `));
  });

  it('keeps SQL with pipes copy-pastable in the statement table (GitHub renders `\\|` in a cell as |)', () => {
    const sql = "SELECT 'a' || 'b' FROM t WHERE x = '|'";
    const html = markdownIt().render(`| statement |\n| --- |\n| ${codeSpan(sql, 200, true)} |\n`);
    expect(html).toContain(`<code>${sql}</code>`);
  });
});
