import { describe, expect, it } from 'vitest';
import { allRules } from '../src/rules/index.js';
import { describeExample, runExample } from './rule-tester.js';

describe.each(allRules.map((rule) => [rule.id, rule] as const))('%s', (_id, rule) => {
  it.each(rule.examples.valid.map((example, i) => [i, describeExample(example), example] as const))(
    'valid #%i: %s',
    async (_i, _text, example) => {
      const findings = await runExample(rule, example);
      expect(findings.map((f) => `${f.span.start.line}: ${f.message}`), 'a valid example must produce no finding of this rule').toEqual([]);
    },
  );
  it.each(rule.examples.invalid.map((example, i) => [i, describeExample(example), example] as const))(
    'invalid #%i: %s',
    async (_i, _text, example) => {
      const findings = await runExample(rule, example);
      expect(findings.length, 'an invalid example must produce at least one finding of this rule').toBeGreaterThan(0);
      if (example.messageIds) {
        expect(findings.map((f) => f.messageId)).toEqual(example.messageIds);
      }
      if (example.messages) {
        expect(findings.map((f) => f.message)).toEqual(example.messages);
      }
      for (const finding of findings) {
        expect(finding.message).not.toMatch(/\{\{/);
        expect(finding.fix ?? '').not.toMatch(/\{\{/);
      }
    },
  );
});
