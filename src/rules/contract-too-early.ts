import { durationMs } from '../core/config.js';
import { CONTRACT_TARGET_KINDS, contractTargets } from '../core/history-facts.js';
import { defineRule } from '../core/rule.js';
import { describeTarget, pastTense, targetDetails } from './support/contract.js';
import { contractPlan } from './support/phase-plans.js';

const NOW = '2026-11-25T12:00:00Z';
const ADD_EMAIL_ADDRESS = 'migrations/20261125100000_add_email_address.up.sql';

export default defineRule({
  id: 'contract-too-early',
  severity: 'error',
  category: 'breaking',
  summary: 'A drop or rename lands before old code has had time to stop using the old name',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: CONTRACT_TARGET_KINDS,
  messages: {
    tooEarly: '{{what}} is {{verb}} {{age}} after its expand step ({{evidence}} landed {{landedAt}}); it is safe from {{safeAt}} ({{wait}} after the expand step).',
    shallowHistory: 'Cannot tell when the expand step for {{what}} landed: the git history is shallow. Fetch full history (actions/checkout with fetch-depth: 0).',
  },
  why: 'The contract step (drop or rename) is only safe once every service that uses the old name has been replaced. Rollouts, canaries, workers and rollbacks keep old code alive for hours after a deploy; the wait gives them time to drain.',
  fix: [
    'Ship this contract migration later, in its own pull request:',
    '1. Keep the expand step ({{evidence}}) deployed until {{safeAt}}.',
    '2. Confirm nothing uses {{what}} any more (logs, pg_stat_statements).',
    '3. Then merge the {{operation}}.',
  ].join('\n'),
  versions: 'all',
  references: [
    'https://www.postgresql.org/docs/current/sql-altertable.html',
    'https://github.com/ankane/strong_migrations#removing-a-column',
  ],
  examples: {
    invalid: [
      {
        sql: 'ALTER TABLE users DROP COLUMN email;',
        why: 'the column that replaces it was added 2 hours ago',
        facts: { now: NOW, expand: { 'users.email': { source: 'migration', path: ADD_EMAIL_ADDRESS, commit: '4f2c1e9a07d3b5c8e1f2a3b4c5d6e7f8a9b0c1d2', landedAt: '2026-11-25T10:00:00Z' } } },
        messages: [
          'column users.email is dropped 2h after its expand step (migrations/20261125100000_add_email_address.up.sql (4f2c1e9) landed 2026-11-25T10:00:00.000Z); it is safe from 2026-11-26T10:00:00.000Z (24h after the expand step).',
        ],
      },
      {
        sql: 'DROP TABLE audit_log;',
        why: 'the last code that wrote to the table was removed 3 days ago (tables wait 14 days)',
        facts: { now: NOW, expand: { audit_log: { source: 'code', path: 'app/audit.go', commit: '9a7b3d1e4c2f6a8b0d1e3f5a7c9b2d4e6f8a0c1b', landedAt: '2026-11-22T12:00:00Z' } } },
        messages: [
          'table audit_log is dropped 3d 0h after its expand step (app/audit.go (9a7b3d1) landed 2026-11-22T12:00:00.000Z); it is safe from 2026-12-06T12:00:00.000Z (14d after the expand step).',
        ],
      },
      {
        sql: 'ALTER TABLE users RENAME COLUMN email TO email_address;',
        why: 'the code that reads both names was merged 45 minutes ago: instances running the older code still read email',
        facts: { now: NOW, expand: { 'users.email': { source: 'code', path: 'app/models/user.rb', commit: 'c0ffee1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b', landedAt: '2026-11-25T11:15:00Z' } } },
        messages: [
          'column users.email is renamed 45m after its expand step (app/models/user.rb (c0ffee1) landed 2026-11-25T11:15:00.000Z); it is safe from 2026-11-26T11:15:00.000Z (24h after the expand step).',
        ],
      },
    ],
    valid: [
      {
        sql: 'ALTER TABLE users DROP COLUMN email;',
        why: 'the expand step landed 3 days ago',
        facts: { now: NOW, expand: { 'users.email': { source: 'migration', path: ADD_EMAIL_ADDRESS, commit: '4f2c1e9', landedAt: '2026-11-22T12:00:00Z' } } },
      },
      {
        sql: 'ALTER TABLE users DROP COLUMN email;',
        why: 'the expand step landed exactly 24 hours ago: the wait is over',
        facts: { now: NOW, expand: { 'users.email': { source: 'migration', path: ADD_EMAIL_ADDRESS, commit: '4f2c1e9', landedAt: '2026-11-24T12:00:00Z' } } },
      },
      {
        sql: 'DROP TABLE audit_log;',
        why: 'the last write was removed 20 days ago',
        facts: { now: NOW, expand: { audit_log: { source: 'code', path: 'app/audit.go', commit: '9a7b3d1', landedAt: '2026-11-05T12:00:00Z' } } },
      },
      {
        sql: 'ALTER TABLE users DROP COLUMN legacy_flags;',
        why: 'the full history shows no expand step for the column: nothing to wait for',
        facts: { now: NOW, expand: {} },
      },
      {
        sql: 'CREATE TABLE import_rows (id bigint, payload jsonb);\nALTER TABLE import_rows RENAME TO import_batches;',
        why: 'the table is created in this change: no deployed code uses its old name, whatever the history says of that name',
        facts: { now: NOW, expand: { import_rows: { source: 'code', path: 'app/import.go', commit: '5d1e2f3', landedAt: '2026-11-25T11:00:00Z' } } },
      },
      { sql: 'ALTER TABLE users DROP COLUMN email;', why: 'no history facts (checking files by path): nothing to compare' },
    ],
  },
  phasePlan: (details, writer) => contractPlan(writer, details),
  statement({ statement, facts, config, options, isNewTable, report }) {
    if (!facts) return;
    for (const target of contractTargets(statement.node)) {
      if (isNewTable(target.table)) continue;
      const what = describeTarget(target);
      const evidence = facts.expandEvidence(target);
      if (!evidence) {
        if (facts.history === 'shallow') {
          report({ messageId: 'shallowHistory', data: { what }, severity: 'notice', fix: 'In the workflow, check out with full history:\n  - uses: actions/checkout@v5\n    with:\n      fetch-depth: 0' });
        }
        continue;
      }
      const waitText = String(options[target.kind] ?? config['contract-wait'][target.kind]);
      const landed = new Date(evidence.landedAt);
      const safeAt = new Date(landed.getTime() + durationMs(waitText));
      if (facts.now >= safeAt) continue;
      const data = {
        ...targetDetails(target),
        what,
        verb: pastTense(target),
        operation: target.operation,
        age: formatAge(facts.now.getTime() - landed.getTime()),
        evidence: `${evidence.path} (${evidence.commit.slice(0, 7)})`,
        landedAt: landed.toISOString(),
        safeAt: safeAt.toISOString(),
        wait: waitText,
      };
      report({ messageId: 'tooEarly', data });
    }
  },
});

/** `2h`, `3d 4h`, `15m`: coarse, for messages. */
function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}
