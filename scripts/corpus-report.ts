// Prints the number of findings per rule over every repository folder of the DEV corpus
// (default ../shared/corpus), per repository and in total: `npm run corpus-report [dir]`.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { defaultConfig } from '../src/core/config.js';
import { checkMigrations } from '../src/engine.js';
import { collectPaths } from '../src/workspace/files.js';

const corpus = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../../shared/corpus'));
const repos = readdirSync(corpus).filter((name) => statSync(path.join(corpus, name)).isDirectory()).sort();
const totals = new Map<string, number>();
const perRepo = new Map<string, Map<string, number>>();
for (const repo of repos) {
  const { files } = await collectPaths([path.join(corpus, repo)], corpus);
  const started = performance.now();
  const report = await checkMigrations(files, defaultConfig());
  const counts = new Map<string, number>();
  for (const finding of report.findings) {
    const key = `${finding.ruleId} (${finding.severity})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    totals.set(key, (totals.get(key) ?? 0) + 1);
  }
  perRepo.set(repo, counts);
  const statements = report.files.reduce((n, f) => n + f.statements.length, 0);
  console.log(`${repo}: ${report.files.length} files, ${statements} statements, ${report.findings.length} findings in ${(performance.now() - started).toFixed(0)} ms`);
}
console.log('\nfindings per rule (total, then per repository):');
const header = ['rule', 'total', ...repos.map((r) => r.split('__')[1]!)];
console.log(`| ${header.join(' | ')} |\n|${header.map(() => ' --- ').join('|')}|`);
for (const [rule, total] of [...totals].sort((a, b) => b[1] - a[1])) {
  console.log(`| ${rule} | ${total} | ${repos.map((r) => perRepo.get(r)!.get(rule) ?? 0).join(' | ')} |`);
}
