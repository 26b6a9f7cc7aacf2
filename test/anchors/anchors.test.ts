/**
 * The anchors' own test cases (squawk, eugene, strong_migrations, Atlas; test/anchors/cases.yml)
 * through `checkMigrations`: every flag case gets a finding of the mapped hazard, every pass
 * case none, except the cases marked `disagree` (we answer the opposite on purpose, and say
 * why) or `gap` (not caught yet), which are asserted as they are. The recall per anchor is
 * the table recorded in docs/rule-comparison.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ruleIds } from '../../src/rules/index.js';
import { agrees, type AnchorCase, caseLabel, type CaseResult, readAnchorData, recallRows, recallTable, runCase } from './anchor-cases.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const data = readAnchorData();
const hazardsOf = (c: AnchorCase) => data.hazards[c.anchor]?.[c.rule] ?? [];
const results = new Map<AnchorCase, CaseResult>();

beforeAll(async () => {
  for (const c of data.cases) results.set(c, await runCase(c, hazardsOf(c)));
}, 300_000);

describe('the anchor data', () => {
  it('names its source for every anchor, and maps every anchor rule to rules of ours only', () => {
    for (const anchor of Object.keys(data.hazards)) {
      expect(data.sources[anchor], anchor).toMatchObject({ repository: expect.stringMatching(/^https:\/\//), commit: expect.stringMatching(/^[0-9a-f]{40}$/), licence: expect.any(String) });
      for (const [rule, ids] of Object.entries(data.hazards[anchor]!)) for (const id of ids) expect(ruleIds, `${anchor} ${rule}`).toContain(id);
    }
  });

  it('has a hazard for every case, and a reason wherever we do not follow the anchor', () => {
    for (const c of data.cases) {
      expect(data.hazards[c.anchor] && Object.hasOwn(data.hazards[c.anchor]!, c.rule), caseLabel(c)).toBe(true);
      expect(c.sql ?? c.migrations, caseLabel(c)).toBeDefined();
      // NOTE: an anchor rule with no equivalent of ours can only be a documented disagreement.
      if (hazardsOf(c).length === 0 && c.expect === 'flag') expect(c.disagree, caseLabel(c)).toBeTruthy();
      expect(!(c.disagree && c.gap), caseLabel(c)).toBe(true);
    }
  });
});

describe.each([...new Set(data.cases.map((c) => c.anchor))])('%s cases', (anchor) => {
  it.each(data.cases.filter((c) => c.anchor === anchor).map((c) => [caseLabel(c), c] as const))('%s', (_label, c) => {
    const result = results.get(c)!;
    const detail = `${caseLabel(c)}: mapped ${JSON.stringify(hazardsOf(c))}, fired ${JSON.stringify(result.all)}`;
    // NOTE: a disagreement or a gap that starts to agree must be taken out of the data, so the
    // recorded numbers stay true.
    expect(agrees(c, result), detail).toBe(!c.disagree && !c.gap);
  });
});

describe('recall per anchor', () => {
  it.each(['docs/rule-comparison.md', 'README.md'])('is the table recorded in %s', (file) => {
    const rows = recallRows(recallTable(data.cases, results));
    console.log(['| anchor | flag cases caught | of those we agree with | disagreements | gaps | pass cases clean |', ...rows].join('\n'));
    const doc = readFileSync(path.join(ROOT, file), 'utf8');
    for (const row of rows) expect(doc).toContain(row);
  });

  it('lists every disagreement with its reason in docs/rule-comparison.md', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/rule-comparison.md'), 'utf8');
    for (const c of data.cases.filter((d) => d.disagree)) {
      expect(doc, caseLabel(c)).toContain(`| ${c.anchor} | ${c.rule}`);
      expect(doc, caseLabel(c)).toContain(c.disagree);
    }
  });
});
