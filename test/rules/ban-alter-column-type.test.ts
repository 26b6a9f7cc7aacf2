/**
 * ban-alter-column-type beyond its examples: the boundary of a bit varying's length, and the
 * forms of SET TIME ZONE that name no zone in a string (an hour offset, an interval) and so
 * never count as UTC.
 */
import { expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-alter-column-type')!;

it('keeping the length limit of a bit varying is no change: nothing to report', async () => {
  const findings = await runExample(rule, {
    files: [
      { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE flags (bits varbit(8));', change: 'unchanged' },
      { path: 'migrations/002_bits.up.sql', text: 'ALTER TABLE flags ALTER COLUMN bits TYPE varbit(8);' },
    ],
  });
  expect(findings).toEqual([]);
});

// NOTE: the SET documentation's examples of TIME ZONE values: -7 is an offset in hours, the interval an offset too.
it.each(['SET TIME ZONE -7;', "SET TIME ZONE INTERVAL '-08:00' HOUR TO MINUTE;"])('after %s, timestamp to timestamptz rewrites', async (set) => {
  const findings = await runExample(rule, {
    files: [
      { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE events (at timestamp);', change: 'unchanged' },
      { path: 'migrations/002_tz.up.sql', text: `${set}\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;` },
    ],
  });
  expect(findings.map((f) => f.messageId)).toEqual(['alterType']);
});
