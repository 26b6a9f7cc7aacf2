/**
 * require-enum-value-ordering finds the order of an enum relied on in every form of BETWEEN
 * (NOT, SYMMETRIC), not only in <, <=, > and >=.
 */
import { expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('require-enum-value-ordering')!;

it.each(['BETWEEN', 'NOT BETWEEN', 'BETWEEN SYMMETRIC', 'NOT BETWEEN SYMMETRIC'])('%s of cast values shows that the order matters', async (between) => {
  const findings = await runExample(rule, {
    files: [
      {
        path: 'migrations/20250101000000_priority.up.sql',
        text: `CREATE TYPE ticket_priority AS ENUM ('low', 'normal', 'high');\nCREATE VIEW routine_tickets AS SELECT * FROM tickets WHERE priority ${between} 'normal'::ticket_priority AND 'low'::ticket_priority;`,
        change: 'unchanged',
      },
      { path: 'migrations/20260101000000_critical.up.sql', text: "ALTER TYPE ticket_priority ADD VALUE 'critical';" },
    ],
  });
  expect(findings.map((f) => f.details.evidence)).toEqual(['values compared by order in migrations/20250101000000_priority.up.sql']);
});

// NOTE: a column definition list (AS e(kind audit_event)) names the type without casting to it.
it('a type named in a column definition list inside a compared subquery is not compared by order', async () => {
  const findings = await runExample(rule, {
    files: [
      {
        path: 'migrations/20250101000000_events.up.sql',
        text: "CREATE TYPE audit_event AS ENUM ('sign_in', 'sign_out');\nCREATE VIEW busy_sessions AS SELECT * FROM sessions WHERE (SELECT count(*) FROM jsonb_to_recordset(sessions.log::jsonb) AS e(kind audit_event)) > 10;",
        change: 'unchanged',
      },
      { path: 'migrations/20260101000000_passkey.up.sql', text: "ALTER TYPE audit_event ADD VALUE 'passkey_created';" },
    ],
  });
  expect(findings).toEqual([]);
});
