// Checks convention detection on the whole DEV corpus (default ../shared/corpus): each
// project is detected as its tool, every .sql file once, with its roles and pairing, and
// the engine runs over it without an internal error. `npm run corpus-conventions [dir]`;
// exits 1 on the first difference. (npm test checks excerpts: test/fixtures/conventions.)
import { existsSync } from 'node:fs';
import path from 'node:path';
import { discoverMigrations } from '../src/conventions/index.js';
import { defaultConfig } from '../src/core/config.js';
import { checkMigrations } from '../src/engine.js';
import { collectPaths } from '../src/workspace/files.js';

const corpus = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../../shared/corpus'));
const EXPECTED: Record<string, { convention: string; roles: Record<string, number>; paired: boolean }> = {
  'Cap-go__capgo': { convention: 'supabase', roles: { up: 350 }, paired: false },
  LemmyNet__lemmy: { convention: 'diesel', roles: { up: 200, down: 200 }, paired: true },
  Tamarou__Registry: { convention: 'sqitch', roles: { up: 67, down: 67, verify: 67 }, paired: true },
  documenso__documenso: { convention: 'prisma', roles: { up: 163 }, paired: false },
  'kestra-io__kestra': { convention: 'flyway', roles: { up: 26 }, paired: false },
  openmeterio__openmeter: { convention: 'golang-migrate', roles: { up: 200, down: 200 }, paired: true },
  supabase__postgres: { convention: 'dbmate', roles: { 'up-down': 30 }, paired: false },
};

if (!existsSync(corpus)) {
  console.error(`corpus-conventions: ${corpus} does not exist; pass the corpus folder as the argument`);
  process.exit(2);
}
const problems: string[] = [];
for (const [repo, expected] of Object.entries(EXPECTED)) {
  const { files } = await collectPaths([path.join(corpus, repo)], corpus);
  const migrations = discoverMigrations(files, defaultConfig());
  const sqlFiles = files.filter((f) => f.path.endsWith('.sql')).map((f) => f.path).sort();
  const claimed = migrations.map((m) => m.path).sort();
  if (JSON.stringify(claimed) !== JSON.stringify(sqlFiles)) problems.push(`${repo}: ${claimed.length} migrations for ${sqlFiles.length} .sql files`);
  const conventions = [...new Set(migrations.map((m) => m.convention))];
  if (conventions.join() !== expected.convention) problems.push(`${repo}: detected as ${conventions.join(', ')}, expected ${expected.convention}`);
  const roles: Record<string, number> = {};
  for (const m of migrations) roles[m.role] = (roles[m.role] ?? 0) + 1;
  if (JSON.stringify(Object.entries(roles).sort()) !== JSON.stringify(Object.entries(expected.roles).sort())) problems.push(`${repo}: roles ${JSON.stringify(roles)}, expected ${JSON.stringify(expected.roles)}`);
  const unpaired = migrations.filter((m) => expected.paired && (m.role === 'up' || m.role === 'down') && !m.partner);
  if (unpaired.length) problems.push(`${repo}: ${unpaired.length} files without a partner, e.g. ${unpaired[0]!.path}`);
  if (expected.convention === 'dbmate') for (const m of migrations) if (m.sections.map((s) => s.role).join() !== 'up,down') problems.push(`${m.path}: sections ${m.sections.map((s) => s.role).join()}`);
  const report = await checkMigrations(files, defaultConfig());
  const reported = new Set(report.files.map((f) => f.path));
  for (const file of sqlFiles) if (!reported.has(file)) problems.push(`${file}: not in the report`);
  for (const finding of report.findings.filter((f) => f.messageId === 'internalError')) problems.push(`${finding.file}: internal error: ${finding.message}`);
  console.log(`${repo}: ${expected.convention}, ${migrations.length} files, ${JSON.stringify(roles)}`);
}
for (const problem of problems) console.error(`corpus-conventions: ${problem}`);
process.exit(problems.length ? 1 : 0);
