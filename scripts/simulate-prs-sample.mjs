// Draws the hand-judged sample of CORPUS.md from a simulate-prs run:
// `node scripts/simulate-prs-sample.mjs .cache/simulate-prs/blocking-findings.jsonl [size] [seed]`.
// Stratified by rule: each rule gets round(size * its share of the blocking findings), at
// least 2 (or all it has), drawn by a Fisher-Yates shuffle with a seeded PRNG (mulberry32),
// so the same run and seed always give the same sample. Prints one JSON line per finding.
import { readFileSync } from 'node:fs';

const [file, size = '100', seed = '16'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/simulate-prs-sample.mjs <blocking-findings.jsonl> [size] [seed]');
  process.exit(2);
}
const findings = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line)).filter((row) => row.rule);

let state = Number(seed);
/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function random() {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const byRule = new Map();
for (const finding of findings) byRule.set(finding.rule, [...(byRule.get(finding.rule) ?? []), finding]);
for (const [, list] of [...byRule].sort((a, b) => b[1].length - a[1].length)) {
  const take = Math.min(list.length, Math.max(2, Math.round((Number(size) * list.length) / findings.length)));
  const shuffled = [...list];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  for (const finding of shuffled.slice(0, take)) console.log(JSON.stringify(finding));
}
