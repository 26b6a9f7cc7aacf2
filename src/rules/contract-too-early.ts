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
        facts: { now: NOW, expand: { 'users.email': { source: 'migration', path: ADD_EMAIL_ADDRESS, commit: '4f2c1e9', landedAt: '2026-11-25T10:00:00Z' } } },
        messageIds: ['tooEarly'],
      },
      {
        sql: 'DROP TABLE audit_log;',
        why: 'the last code that wrote to the table was removed 3 days ago (tables wait 14 days)',
        facts: { now: NOW, expand: { audit_log: { source: 'code', path: 'app/audit.go', commit: '9a7b3d1', landedAt: '2026-11-22T12:00:00Z' } } },
        messageIds: ['tooEarly'],
      },
    ],
    valid: [
      {
        sql: 'ALTER TABLE users DROP COLUMN email;',
        why: 'the expand step landed 3 days ago',
        facts: { now: NOW, expand: { 'users.email': { source: 'migration', path: ADD_EMAIL_ADDRESS, commit: '4f2c1e9', landedAt: '2026-11-22T12:00:00Z' } } },
      },
      {
        sql: 'DROP TABLE audit_log;',
        why: 'the last write was removed 20 days ago',
        facts: { now: NOW, expand: { audit_log: { source: 'code', path: 'app/audit.go', commit: '9a7b3d1', landedAt: '2026-11-05T12:00:00Z' } } },
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
