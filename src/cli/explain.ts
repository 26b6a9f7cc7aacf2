import type { Rule } from '../core/rule.js';
import { ruleDocPage } from '../render/rule-docs.js';
import { allRules } from '../rules/index.js';

export function renderRuleList(): string {
  const width = Math.max(...allRules.map((r) => r.id.length));
  return `${allRules.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.summary}`).join('\n')}\n`;
}

export function renderRuleExplanation(rule: Rule): string {
  return ruleDocPage(rule).replace(/^<!--.*-->\n/, '');
}
