/**
 * Documentation derived from rule metadata: one page per rule (docs/rules/<id>.md), the
 * README rule table, and the text `explain` prints. Placeholders in fix templates show as
 * <name>. Tests fail when a committed page differs from what this renders.
 */
import type { Rule, RuleExample } from '../core/rule.js';

const CATEGORY_TITLES: Record<Rule['category'], string> = {
  breaking: 'Breaks running code',
  locking: 'Locks and rewrites',
  rollback: 'Rollback',
  process: 'Process',
  advice: 'Types and robustness',
};

export function genericTemplate(template: string): string {
  return template.replace(/\{\{\s*(\w+)\s*(?:\|\s*\w+\s*)?\}\}/g, '<$1>');
}

function exampleBlock(example: RuleExample): string {
  const body = example.files
    ? example.files.map((f) => `-- ${f.path}${f.change && f.change !== 'added' ? ` (${f.change})` : ''}\n${f.text.trimEnd()}`).join('\n\n')
    : (example.sql ?? '').trimEnd();
  const notes = [example.why, example.postgresVersion ? `Postgres ${example.postgresVersion}` : undefined].filter(Boolean).join('; ');
  // NOTE: what the tool says about an invalid example, when the example states it (RuleExample.messages).
  const reported = (example.messages ?? []).map((message) => `\n\n> ${message}`).join('');
  return `${notes ? `${notes}:\n\n` : ''}\`\`\`sql\n${body}\n\`\`\`${reported}`;
}

/** The Markdown page for one rule. */
export function ruleDocPage(rule: Rule): string {
  const lines = [
    `<!-- Generated from src/rules/${rule.id}.ts by "npm run generate". Do not edit. -->`,
    `# ${rule.id}`,
    '',
    `${rule.summary}.`,
    '',
    `| severity | category | lock taken | rewrites table | Postgres versions |`,
    `| --- | --- | --- | --- | --- |`,
    `| ${rule.severity} | ${CATEGORY_TITLES[rule.category]} | ${rule.lock ?? 'n/a'} | ${rule.rewrites ? 'yes' : 'no'} | ${rule.versions ?? 'all'} |`,
    '',
    '## Why is this bad?',
    '',
    rule.why,
    '',
  ];
  if (rule.fix) lines.push('## Safe alternative', '', '```', genericTemplate(rule.fix), '```', '');
  lines.push('## Examples', '', '### Flagged', '');
  for (const example of rule.examples.invalid) lines.push(exampleBlock(example), '');
  lines.push('### Passes', '');
  for (const example of rule.examples.valid) lines.push(exampleBlock(example), '');
  lines.push('## Suppressing', '', 'On the line before the statement, with a reason:', '', '```sql', `-- migration-guard:ignore ${rule.id} reason: <why this is safe here>`, '```', '');
  if (rule.references.length) lines.push('## References', '', ...rule.references.map((r) => `- <${r}>`), '');
  return lines.join('\n');
}

/** The README table of rules (between the rule-table markers). */
export function ruleTable(rules: readonly Rule[]): string {
  const rows = rules.map((r) => `| [\`${r.id}\`](docs/rules/${r.id}.md) | ${r.severity} | ${CATEGORY_TITLES[r.category]} | ${r.lock ?? ''} | ${r.summary.replace(/\|/g, '\\|')} |`);
  return ['| rule | severity | category | lock | summary |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
