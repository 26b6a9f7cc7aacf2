/** Findings with and without the rules' statementKinds declarations (test/statement-kinds.test.ts and its corpus twin). */
import { analyze } from '../../src/core/analyze.js';
import { defaultConfig, validateConfig } from '../../src/core/config.js';
import { staticFacts } from '../../src/core/history-facts.js';
import type { Finding } from '../../src/core/finding.js';
import type { InputFile } from '../../src/core/migration.js';
import type { Rule, RuleExample } from '../../src/core/rule.js';
import { discoverMigrations } from '../../src/conventions/index.js';
import { allRules } from '../../src/rules/index.js';

/** Every rule with its statementKinds removed: called for every statement. */
export const undispatched: Rule[] = allRules.map((rule) => ({ ...rule, statementKinds: undefined }));

/** A finding as a comparable line. */
const key = (f: Finding) => `${f.ruleId} ${f.file}:${f.span.startOffset}-${f.span.endOffset} ${f.severity} ${f.messageId}: ${f.message}`;

/** The findings of `rules` on `files`, each as a comparable line. */
export async function findings(rules: readonly Rule[], files: InputFile[], example?: RuleExample): Promise<string[]> {
  const config = example ? validateConfig({ 'postgres-version': example.postgresVersion ?? 15 }, allRules) : defaultConfig();
  const facts = example?.facts ? staticFacts(example.facts) : undefined;
  const report = await analyze({ files, config, rules, discover: discoverMigrations, facts });
  return report.findings.map(key);
}

