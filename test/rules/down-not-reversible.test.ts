/**
 * down-not-reversible on built round trips: a failing down, the differences a down leaves
 * (all of them in one finding, anchored on the down's first statement) and an up that does
 * not run again.
 */
import { describe, expect, it } from 'vitest';
import type { ExampleFile } from '../../src/core/rule.js';
import { findRule } from '../../src/rules/index.js';
import { findingsWithObservations, type Observe, statementOf } from './replay-observations.js';

const rule = findRule('down-not-reversible')!;
const UP = 'migrations/002_phone.up.sql';
const DOWN = 'migrations/002_phone.down.sql';
const FILES: ExampleFile[] = [
  { path: UP, text: 'ALTER TABLE users ADD COLUMN phone text;\nCREATE INDEX users_phone_idx ON users (phone);' },
  { path: DOWN, text: '\nDROP INDEX users_phone_idx;\nALTER TABLE users DROP COLUMN phone_number;' },
];

async function findingsOf(observe: Observe) {
  return (await findingsWithObservations([rule], FILES, observe)).map((f) => ({ messageId: f.messageId, message: f.message, file: f.file, line: f.span.start.line, statement: f.statement, tables: f.tables }));
}

describe('round trips', () => {
  it('a down that fails: that statement, with the error and its line, and nothing else about the trip', async () => {
    const findings = await findingsOf((changeSet) => ({
      roundTrips: [{ up: UP, down: DOWN, downFailed: { statement: statementOf(changeSet, DOWN, 1), error: 'column "phone_number" of relation "users" does not exist', line: 3 }, differences: ['column users.phone is left behind'] }],
    }));
    expect(findings).toEqual([
      {
        messageId: 'downFailed',
        message: `The down migration ${DOWN} fails after its up ${UP} ran: column "phone_number" of relation "users" does not exist (line 3).`,
        file: DOWN,
        line: 3,
        statement: 'ALTER TABLE users DROP COLUMN phone_number',
        tables: [],
      },
    ]);
  });

  it('every difference in one finding on the down\'s first statement, and the up that fails again on its own statement', async () => {
    const findings = await findingsOf((changeSet) => ({
      roundTrips: [
        {
          up: UP,
          down: DOWN,
          downStart: statementOf(changeSet, DOWN, 0),
          differences: ['column users.phone is left behind', 'index users_phone_idx is missing'],
          upNotRerunnable: { statement: statementOf(changeSet, UP, 0), error: 'column "phone" of relation "users" already exists', line: 1 },
        },
      ],
    }));
    expect(findings).toEqual([
      {
        messageId: 'difference',
        message: `Rolling back ${UP} with ${DOWN} does not restore the schema: column users.phone is left behind; index users_phone_idx is missing.`,
        file: DOWN,
        line: 2,
        statement: 'DROP INDEX users_phone_idx',
        tables: [],
      },
      {
        messageId: 'upNotRerunnable',
        message: `After rolling back with ${DOWN}, running ${UP} again fails: column "phone" of relation "users" already exists (line 1).`,
        file: UP,
        line: 1,
        statement: 'ALTER TABLE users ADD COLUMN phone text',
        tables: [],
      },
    ]);
  });

  it('a difference left by a down without statements (or one the change set does not hold) is reported at the start of that file', async () => {
    const gone = 'migrations/002_phone.down.sql.orig';
    const findings = await findingsOf(() => ({
      roundTrips: [
        { up: UP, down: DOWN, differences: ['column users.phone is left behind'] },
        { up: UP, down: gone, differences: ['index users_phone_idx is left behind'] },
      ],
    }));
    expect(findings.map((f) => [f.messageId, f.file, f.line, f.statement])).toEqual([
      ['difference', DOWN, 1, undefined],
      ['difference', gone, 1, undefined],
    ]);
  });

  it('a round trip without differences nor failures is no finding', async () => {
    expect(await findingsOf(() => ({ roundTrips: [{ up: UP, down: DOWN, downStart: undefined, differences: [] }] }))).toEqual([]);
  });
});
