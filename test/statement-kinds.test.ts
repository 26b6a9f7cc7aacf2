/**
 * Rules that declare `statementKinds` are called only for statements of those kinds (a
 * speed-up: most rules read one or two kinds). A wrong declaration would silently drop
 * findings, so these tests run the same inputs with the declarations and without them
 * (every rule on every statement) and require the same findings: on every example of every
 * rule here, and on the whole DEV corpus in test/corpus/statement-kinds.corpus.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { allRules } from '../src/rules/index.js';
import { exampleFiles } from './rule-tester.js';
import { findings, undispatched } from './support/dispatch.js';

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

  it('would catch a wrong declaration (a rule limited to a kind it does not report on)', async () => {
    const banDropColumn = allRules.find((r) => r.id === 'ban-drop-column')!;
    const misdeclared = allRules.map((r) => (r === banDropColumn ? { ...r, statementKinds: ['IndexStmt' as const] } : r));
    const example = banDropColumn.examples.invalid[0]!;
    expect(await findings(misdeclared, exampleFiles(example), example)).not.toEqual(await findings(undispatched, exampleFiles(example), example));
  });
});
