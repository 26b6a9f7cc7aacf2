/**
 * Rules that declare `statementKinds` are called only for statements of those kinds (a
 * speed-up: most rules read one or two kinds). A wrong declaration would silently drop
 * findings, so these tests run the same inputs with the declarations and without them
 * (every rule on every statement) and require the same findings: on every example of every
 * rule, and on the whole DEV corpus.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/core/analyze.js';
import { defaultConfig, validateConfig } from '../src/core/config.js';
import { staticFacts } from '../src/core/facts.js';
import type { Finding } from '../src/core/finding.js';
import type { InputFile } from '../src/core/migration.js';
import type { Rule, RuleExample } from '../src/core/rule.js';
import { discoverMigrations } from '../src/conventions/index.js';
import { collectPaths } from '../src/local/workspace.js';
import { allRules, ruleIds } from '../src/rules/index.js';
import { exampleFiles } from './rule-tester.js';

const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus');
const undispatched: Rule[] = allRules.map((rule) => ({ ...rule, statementKinds: undefined }));

/** A finding as a comparable line. */
const key = (f: Finding) => `${f.ruleId} ${f.file}:${f.span.startOffset}-${f.span.endOffset} ${f.severity} ${f.messageId}: ${f.message}`;

async function findings(rules: readonly Rule[], files: InputFile[], example?: RuleExample): Promise<string[]> {
  const config = example ? validateConfig({ 'postgres-version': example.postgresVersion ?? 15 }, ruleIds) : defaultConfig();
  const facts = example?.facts ? staticFacts(example.facts) : undefined;
  const report = await analyze({ files, config, rules, discover: discoverMigrations, facts });
  return report.findings.map(key);
}

describe('statementKinds (rules called only for the statement kinds they declare)', () => {
  it('are declared by most statement rules (the speed-up is real)', () => {
    const statementRules = allRules.filter((r) => r.statement);
    const declared = statementRules.filter((r) => r.statementKinds);
    expect(declared.length).toBeGreaterThan(statementRules.length * 0.8);
    for (const rule of declared) expect(rule.statementKinds!.length, rule.id).toBeGreaterThan(0);
  });

  const examples = allRules.flatMap((rule) => [...rule.examples.valid, ...rule.examples.invalid].map((example, i) => [`${rule.id} #${i + 1}`, example] as const));
  it.each(examples)('change no finding on the example %s (all rules run)', async (_name, example) => {
    const files = exampleFiles(example);
    const expected = await findings(undispatched, files, example);
    expect(await findings(allRules, files, example)).toEqual(expected);
  });

  it.runIf(existsSync(CORPUS))('change no finding on the DEV corpus', async () => {
    for (const repo of readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const { files } = await collectPaths([path.join(CORPUS, repo.name)], CORPUS);
      const expected = await findings(undispatched, files);
      expect(expected.length, `${repo.name} gives findings`).toBeGreaterThan(0);
      expect(await findings(allRules, files), repo.name).toEqual(expected);
    }
  }, 120_000);

  it('would catch a wrong declaration (a rule limited to a kind it does not report on)', async () => {
    const banDropColumn = allRules.find((r) => r.id === 'ban-drop-column')!;
    const misdeclared = allRules.map((r) => (r === banDropColumn ? { ...r, statementKinds: ['IndexStmt' as const] } : r));
    const example = banDropColumn.examples.invalid[0]!;
    expect(await findings(misdeclared, exampleFiles(example), example)).not.toEqual(await findings(undispatched, exampleFiles(example), example));
  });
});
