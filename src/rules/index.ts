/**
 * The rules of the registry (registry.ts, one line per rule) as the rest of the code uses
 * them: all of them sorted by id, their ids, one by id.
 */
import { compareStrings } from '../core/compare.js';
import type { Rule } from '../core/rule.js';
import * as registry from './registry.js';

/** Every rule, sorted by id. */
export const allRules: readonly Rule[] = Object.values<Rule>(registry).sort((a, b) => compareStrings(a.id, b.id));

export const ruleIds: readonly string[] = allRules.map((rule) => rule.id);

export function findRule(id: string): Rule | undefined {
  return allRules.find((rule) => rule.id === id);
}
