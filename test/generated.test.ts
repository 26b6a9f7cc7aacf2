import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../src/rules/index.js';
import { generatedFiles, readmeWithRuleTable } from '../scripts/generated-files.js';

const root = path.resolve(import.meta.dirname, '..');
const STALE = 'is stale or missing: run "npm run generate" and commit the result';

describe('generated files', () => {
  for (const [file, expected] of generatedFiles()) {
    it(`${file} is up to date`, () => {
      const actual = existsSync(path.join(root, file)) ? readFileSync(path.join(root, file), 'utf8') : undefined;
      expect(actual, `${file} ${STALE}`).toBe(expected);
    });
  }

  it('docs/rules holds a page for every rule and nothing else', () => {
    const pages = readdirSync(path.join(root, 'docs/rules')).sort();
    expect(pages).toEqual(allRules.map((r) => `${r.id}.md`).sort());
  });

  it('the README rule table is up to date', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme, `README.md rule table ${STALE}`).toBe(readmeWithRuleTable(readme));
  });

  it('the README has each section once (the rule table and edits are spliced in by heading)', () => {
    const headings = readFileSync(path.join(root, 'README.md'), 'utf8').split('\n').filter((line) => line.startsWith('## '));
    expect(headings.length).toBeGreaterThan(10);
    expect(headings.filter((h, i) => headings.indexOf(h) !== i)).toEqual([]);
  });
});
