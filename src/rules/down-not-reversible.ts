/**
 * ## What it does
 * Reads the replay of each new migration on Postgres, then its down migration, and
 * compares the schema with the one before the up: every table, column (type, default, NOT
 * NULL), constraint, index, sequence, enum, function, view and trigger. Then the up runs
 * again. One finding per down file lists every difference.
 *
 * ## Why is this bad?
 * A rollback that leaves the schema different from before the deploy is not a rollback:
 * the previous release runs against a schema it was never tested with, and running the
 * up again (the fix-forward) fails on what the down left behind.
 */
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'down-not-reversible',
  source: 'replay',
  severity: 'warning',
  category: 'rollback',
  summary: 'The down migration does not restore the schema its up migration changed (found by replay)',
  lock: null,
  rewrites: false,
  messages: {
    difference: 'Rolling back {{up}} with {{down}} does not restore the schema: {{differences}}.',
    downFailed: 'The down migration {{down}} fails after its up {{up}} ran: {{error}} (line {{line}}).',
    upNotRerunnable: 'After rolling back with {{down}}, running {{up}} again fails: {{error}} (line {{line}}).',
  },
  why: 'After a rollback the previous release must find exactly the schema it was built for; a leftover column, index or constraint (or a missing one) breaks its writes, and running the migration again fails on the leftovers.',
  fix: 'Make {{down}} undo exactly what {{up}} does, in reverse order, so that up, down, up runs cleanly.',
  references: ['https://www.postgresql.org/docs/current/ddl-alter.html', 'https://github.com/golang-migrate/migrate/blob/master/MIGRATIONS.md'],
  examples: {
    invalid: [
      {
        files: [
          { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE users (id bigint PRIMARY KEY);', change: 'unchanged' },
          { path: 'migrations/002_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;\nCREATE INDEX users_phone_idx ON users (phone);' },
          { path: 'migrations/002_phone.down.sql', text: 'DROP INDEX users_phone_idx;' },
        ],
        why: 'the down leaves the phone column behind, so running the up again fails',
        messageIds: ['difference', 'upNotRerunnable'],
      },
      {
        files: [
          { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE users (id bigint PRIMARY KEY);', change: 'unchanged' },
          { path: 'migrations/002_contact.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;\nALTER TABLE users ADD COLUMN fax text;\nCREATE INDEX users_phone_idx ON users (phone);' },
          { path: 'migrations/002_contact.down.sql', text: 'SELECT 1;' },
        ],
        why: 'the down undoes nothing: one finding lists the three leftovers',
        messageIds: ['difference', 'upNotRerunnable'],
      },
      {
        files: [
          { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE orders (id bigint, total numeric);', change: 'unchanged' },
          { path: 'migrations/002_total.up.sql', text: 'ALTER TABLE orders ALTER COLUMN total SET DEFAULT 0;' },
          { path: 'migrations/002_total.down.sql', text: 'ALTER TABLE orders ALTER COLUMN total SET DEFAULT 1;' },
        ],
        why: 'the down sets a different default instead of dropping it',
        messageIds: ['difference'],
      },
    ],
    valid: [
      {
        files: [
          { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE users (id bigint PRIMARY KEY);', change: 'unchanged' },
          { path: 'migrations/002_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;\nCREATE INDEX users_phone_idx ON users (phone);' },
          { path: 'migrations/002_phone.down.sql', text: 'DROP INDEX users_phone_idx;\nALTER TABLE users DROP COLUMN phone;' },
        ],
        why: 'the down undoes both statements, in reverse order',
      },
    ],
  },
  changeSet(context) {
    for (const trip of context.changeSet.replay?.roundTrips ?? []) {
      const names = { up: trip.up, down: trip.down };
      if (trip.downFailed) {
        const { statement, error, line } = trip.downFailed;
        context.report({ messageId: 'downFailed', data: { ...names, error, line }, file: trip.down, statement, tables: [] });
        continue;
      }
      if (trip.differences.length > 0) {
        const start = context.changeSet.byPath(trip.down)?.lines.span(0, 0);
        context.report({
          messageId: 'difference',
          data: { ...names, differences: trip.differences.join('; ') },
          file: trip.down,
          ...(trip.downStart ? { statement: trip.downStart } : start ? { span: start } : {}),
          tables: [],
        });
      }
      if (trip.upNotRerunnable) {
        const { statement, error, line } = trip.upNotRerunnable;
        context.report({ messageId: 'upNotRerunnable', data: { ...names, error, line }, file: trip.up, statement, tables: [] });
      }
    }
  },
});
