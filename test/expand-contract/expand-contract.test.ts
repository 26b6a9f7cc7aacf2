import { afterEach, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import type { JsonReport } from '../../src/render/json.js';
import { ago, createTempRepo, DAY, HOUR, type TempRepo } from '../support/git-repo.js';

let repo: TempRepo;
afterEach(() => repo?.remove());

async function checkBase(cwd: string): Promise<{ code: number; report: JsonReport; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false, env: {} };
  const code = await main(['check', '--base', 'main', '--format', 'json'], io);
  return { code, report: JSON.parse(stdout) as JsonReport, stderr };
}

const BASELINE = {
  'migrations/20260101000000_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n',
  'migrations/20260101000000_users.down.sql': 'DROP TABLE users;\n',
};
const EXPAND = {
  'migrations/20261120000000_add_email_address.up.sql': 'ALTER TABLE users ADD COLUMN email_address text;\nUPDATE users SET email_address = email WHERE id < 1000;\n',
  'migrations/20261120000000_add_email_address.down.sql': 'ALTER TABLE users DROP COLUMN email_address;\n',
};
const CONTRACT = {
  'migrations/20261125000000_drop_email.up.sql': 'ALTER TABLE users DROP COLUMN email;\n',
  'migrations/20261125000000_drop_email.down.sql': 'ALTER TABLE users ADD COLUMN email text;\n',
};

/** A repo whose main has the baseline and the expand step (landed `expandAge` ago), and a branch with the contract. */
function repoWithContract(expandAge: number, branchFiles: Record<string, string> = CONTRACT): TempRepo {
  const r = createTempRepo();
  r.commit(BASELINE, 'baseline', ago(60 * DAY));
  r.commit(EXPAND, 'expand: add email_address', ago(expandAge));
  r.git('checkout', '-q', '-b', 'contract');
  r.commit(branchFiles, 'contract: drop email');
  return r;
}

const rules = (report: JsonReport, rule: string) => report.findings.filter((f) => f.rule === rule);

describe('contract-too-early (git history)', () => {
  it('flags a column drop 2 hours after the expand migration landed, naming it and when it becomes safe', async () => {
    repo = repoWithContract(2 * HOUR);
    const { code, report } = await checkBase(repo.root);
    const [finding, ...rest] = rules(report, 'contract-too-early');
    expect(rest).toEqual([]);
    expect(finding!.file).toBe('migrations/20261125000000_drop_email.up.sql');
    expect(finding!.message).toContain('migrations/20261120000000_add_email_address.up.sql');
    expect(finding!.message).toMatch(/is dropped 2h after its expand step/);
    expect(code).toBe(1);
  });

  it('passes the same drop when the expand step landed 3 days ago', async () => {
    repo = repoWithContract(3 * DAY);
    const { report } = await checkBase(repo.root);
    expect(rules(report, 'contract-too-early')).toEqual([]);
  });

  it('uses the configured wait', async () => {
    repo = repoWithContract(3 * DAY, { ...CONTRACT, '.github/migration-guard.yml': 'contract-wait:\n  column: 7d\n' });
    const { report } = await checkBase(repo.root);
    expect(rules(report, 'contract-too-early').map((f) => f.message)).toEqual([expect.stringMatching(/7d after the expand step/)]);
  });

  it('measures a table drop from the last code change that wrote to it: 3 days is too early, 20 days is not', async () => {
    for (const [age, expected] of [
      [3 * DAY, 1],
      [20 * DAY, 0],
    ] as const) {
      repo = createTempRepo();
      repo.commit(
        {
          'migrations/20260101000000_audit.up.sql': 'CREATE TABLE audit_log (id bigint, body text);\n',
          'migrations/20260101000000_audit.down.sql': 'DROP TABLE audit_log;\n',
          'app/audit.go': 'package app\n\nconst insertAudit = `INSERT INTO audit_log (body) VALUES ($1)`\n',
        },
        'baseline',
        ago(90 * DAY),
      );
      repo.commit({ 'app/audit.go': 'package app\n' }, 'stop writing audit_log', ago(age));
      repo.git('checkout', '-q', '-b', 'drop');
      repo.commit({ 'migrations/20261125000000_drop_audit.up.sql': 'DROP TABLE audit_log;\n', 'migrations/20261125000000_drop_audit.down.sql': 'CREATE TABLE audit_log (id bigint, body text);\n' }, 'drop');
      const { report } = await checkBase(repo.root);
      const found = rules(report, 'contract-too-early');
      expect(found, `table write removed ${age / DAY} days ago`).toHaveLength(expected);
      if (expected) expect(found[0]!.message).toContain('app/audit.go');
      repo.remove();
    }
  });

  it('says so, as a notice, when the history is shallow', async () => {
    const origin = repoWithContract(2 * HOUR);
    repo = createTempRepo();
    // Two commits deep: the expand commit is the shallow boundary, so its date says nothing.
    repo.git('fetch', '-q', '--depth=2', `file://${origin.root}`, 'contract:contract');
    repo.git('checkout', '-q', 'contract');
    repo.git('branch', 'base', 'contract~1');
    let stdout = '';
    const io: CliIo = { cwd: repo.root, stdout: (t) => (stdout += t), stderr: () => {}, isTTY: false, env: {} };
    await main(['check', '--base', 'base', '--format', 'json'], io);
    const report = JSON.parse(stdout) as JsonReport;
    const notes = rules(report, 'contract-too-early');
    origin.remove();
    expect(notes.map((f) => [f.severity, f.message])).toEqual([['notice', expect.stringMatching(/history is shallow.*fetch-depth: 0/)]]);
  });
});

describe('code-still-references', () => {
  const CODE = {
    'internal/user.go': 'package internal\n\ntype User struct {\n\tID    int64  `db:"id"`\n\tEmail string `db:"email"`\n}\n',
    'app/models/user.rb': 'class User < ApplicationRecord\n  validates :email, presence: true\nend\n',
    'svc/users.py': 'def find(cur):\n    cur.execute("SELECT email FROM users")\n',
    'web/src/api.ts': 'export const field = "users.email";\n',
    'src/main/java/Order.java': 'class Order { String email; }\n',
    'vendor/lib/users.go': 'package lib // users.email\n',
    'gen/users.pb.go': 'package gen // users email\n',
    'docs/users.md': 'The users.email column.\n',
  };

  it('reports each code line that still names a dropped column, at its file and line, in several languages', async () => {
    repo = repoWithContract(3 * DAY, { ...CONTRACT, ...CODE });
    const { report } = await checkBase(repo.root);
    const hits = rules(report, 'code-still-references').map((f) => `${f.file}:${f.line}`).sort();
    expect(hits).toEqual(['app/models/user.rb:2', 'internal/user.go:5', 'svc/users.py:2', 'web/src/api.ts:1']);
    // NOTE: Order.java names "email" but never the users table: a different email.
  });

  it('reports nothing when the code no longer names the column', async () => {
    repo = repoWithContract(3 * DAY, { ...CONTRACT, 'internal/user.go': 'package internal\n\ntype User struct {\n\tEmailAddress string `db:"email_address"`\n}\n' });
    const { report } = await checkBase(repo.root);
    expect(rules(report, 'code-still-references')).toEqual([]);
  });

  it('finds the old name of a renamed table in query text', async () => {
    repo = createTempRepo();
    repo.commit({ ...BASELINE, 'migrations/20260102000000_orders.up.sql': 'CREATE TABLE orders (id bigint);\n', 'migrations/20260102000000_orders.down.sql': 'DROP TABLE orders;\n' }, 'base', ago(30 * DAY));
    repo.git('checkout', '-q', '-b', 'rename');
    repo.commit(
      {
        'migrations/20261125000000_rename.up.sql': 'ALTER TABLE orders RENAME TO purchases;\n',
        'migrations/20261125000000_rename.down.sql': 'ALTER TABLE purchases RENAME TO orders;\n',
        'app/repo.py': 'QUERY = """\nSELECT id\nFROM orders\n"""\n',
      },
      'rename',
    );
    const { report } = await checkBase(repo.root);
    expect(rules(report, 'code-still-references').map((f) => `${f.file}:${f.line}:${f.column}`)).toEqual(['app/repo.py:3:6']);
  });
});
