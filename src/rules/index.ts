/**
 * The registry: every rule, sorted by id. This is the only list; docs pages, the README
 * table, SARIF's rule list and the config schema's rule ids are derived from it.
 */
import type { Rule } from '../core/rule.js';
import banDropColumn from './ban-drop-column.js';
import codeStillReferences from './code-still-references.js';
import contractTooEarly from './contract-too-early.js';
import parseError from './parse-error.js';

export const allRules: readonly Rule[] = [
  banDropColumn,
  codeStillReferences,
  contractTooEarly,
  parseError,
];

export const ruleIds: readonly string[] = allRules.map((rule) => rule.id);

export function findRule(id: string): Rule | undefined {
  return allRules.find((rule) => rule.id === id);
}
