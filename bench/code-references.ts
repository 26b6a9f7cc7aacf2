// Measures code-still-references' search on a generated repository of 50,000 source files
// (git-tracked), as the issue asks: `scripts/node24.sh tsx bench/code-references.ts [files]`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ContractTarget } from '../src/core/history-facts.js';
import { DEFAULT_CODE_GLOBS, findCodeReferences } from '../src/history/code-references.js';
import { DEFAULT_MIGRATION_GLOBS } from '../src/conventions/index.js';

const count = Number(process.argv[2] ?? 50_000);
const root = mkdtempSync(path.join(os.tmpdir(), 'mg-code-bench-'));
const languages = ['go', 'ts', 'py', 'rb', 'java'];
try {
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `pkg${i % 500}`);
    if (i < 500) mkdirSync(dir, { recursive: true });
    const ext = languages[i % languages.length];
    const body = Array.from({ length: 40 }, (_, l) => `// line ${l} of file ${i}: handles orders and customers, field_${l}`).join('\n');
    const reference = i % 5000 === 0 ? '\nconst q = "SELECT email FROM users"\n' : '\n';
    writeFileSync(path.join(dir, `file${i}.${ext}`), body + reference);
  }
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['add', '-A'], { cwd: root });
  execFileSync('git', ['-c', 'user.email=b@e', '-c', 'user.name=b', 'commit', '-q', '-m', 'files'], { cwd: root });
  const targets: ContractTarget[] = [
    { kind: 'column', operation: 'drop', table: 'users', column: 'email' },
    { kind: 'table', operation: 'rename', table: 'audit_log' },
  ];
  const runs: number[] = [];
  let hits = 0;
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    const found = await findCodeReferences(targets, { root, include: DEFAULT_CODE_GLOBS, excludeMigrations: DEFAULT_MIGRATION_GLOBS });
    runs.push(performance.now() - start);
    hits = [...found.values()].reduce((n, refs) => n + refs.length, 0);
  }
  runs.sort((a, b) => a - b);
  console.log(`code search over ${count} files (${count * 41} lines), 2 targets: median ${runs[2]!.toFixed(0)} ms (min ${runs[0]!.toFixed(0)}, max ${runs[4]!.toFixed(0)}), ${hits} references`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
