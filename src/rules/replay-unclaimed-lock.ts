/**
 * ## What it does
 * Reads what replay observed for each statement of a new migration and reports a table
 * rewrite, or an ACCESS EXCLUSIVE lock on a table that existed before, that neither the
 * static lock model nor any rule's finding on that statement claimed. It names the
 * statement and what Postgres did.
 *
 * ## Why is this bad?
 * The static rules judge a statement by what it is known to lock and rewrite; when
 * Postgres does more, no rule warns about it, and the table is blocked (or copied) during
 * the deploy without anyone having been told.
 */
import { defineRule } from '../core/rule.js';
import { statementLock } from '../core/statement-locks.js';

export default defineRule({
  id: 'replay-unclaimed-lock',
  source: 'replay',
  severity: 'warning',
  category: 'locking',
  summary: 'Replay saw a rewrite or an ACCESS EXCLUSIVE lock that no rule claimed for the statement',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  messages: {
    rewrite: 'Replay on Postgres rewrote {{relations}} while running this statement, and no rule claimed a rewrite: every row is copied while {{relations}} stay locked.',
    accessExclusive: 'Replay on Postgres took an ACCESS EXCLUSIVE lock on {{relations}} for this statement, more than any rule claimed: reads and writes of {{relations}} wait until it commits.',
  },
  why: 'The lock and rewrite a statement really takes decide whether the deploy blocks the application; replay ran the statement on Postgres and saw more than the static rules know about.',
  fix: 'Check the statement against the Postgres documentation of its lock level; run it in a maintenance window, or split it into steps that take weaker locks. If it is expected, ignore this finding with a reason.',
  references: ['https://www.postgresql.org/docs/current/explicit-locking.html', 'https://www.postgresql.org/docs/current/sql-altertable.html'],
  examples: {
    invalid: [
      {
        files: [
          { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);', change: 'unchanged' },
          { path: 'migrations/002_unlogged.up.sql', text: 'ALTER TABLE users SET UNLOGGED;' },
        ],
        why: 'SET UNLOGGED rewrites the table',
        messageIds: ['rewrite'],
      },
    ],
    valid: [
      {
        files: [
          { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);', change: 'unchanged' },
          { path: 'migrations/002_note.up.sql', text: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;\nUPDATE users SET note = '' WHERE id < 100;" },
        ],
        why: 'the ACCESS EXCLUSIVE lock of ADD COLUMN is the one the lock model knows, and UPDATE only takes ROW EXCLUSIVE',
      },
      { sql: 'CREATE TABLE drafts (id bigint);\nALTER TABLE drafts SET UNLOGGED;', why: 'a table created in the same migration is empty and unused' },
    ],
  },
  afterRules: true,
  statement({ changeSet, statement, isNewTable, findingsOn, report }) {
    const observed = changeSet.replay?.statements.get(statement);
    if (!observed || observed.error) return;
    const model = statementLock(statement.node);
    // NOTE: a statement on tables created earlier in this change touches nothing in use.
    if (model.tables.length > 0 && model.tables.every((t) => isNewTable(t))) return;
    const claims = findingsOn(statement);
    const existing = (relation: string) => !isNewTable(relation);
    const rewritten = observed.rewrites.filter(existing);
    if (rewritten.length > 0 && !model.rewrite && !claims.some((f) => f.rewrite)) {
      report({ messageId: 'rewrite', data: { relations: rewritten.join(', ') }, tables: rewritten, rewrite: true });
      return;
    }
    // NOTE: inside the file's own BEGIN ... COMMIT the observed locks include earlier
    // statements' (ReplayObservation.transactionBlock), so they prove nothing about this one.
    if (observed.transactionBlock || model.lock?.mode === 'ACCESS EXCLUSIVE' || claims.some((f) => f.lock?.mode === 'ACCESS EXCLUSIVE')) return;
    const exclusive = observed.locks.filter((l) => l.mode === 'ACCESS EXCLUSIVE' && existing(l.relation));
    if (exclusive.length === 0) return;
    const relations = exclusive.map((l) => l.relation);
    report({ messageId: 'accessExclusive', data: { relations: relations.join(', ') }, tables: relations });
  },
});
