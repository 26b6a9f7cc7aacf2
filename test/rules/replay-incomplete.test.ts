/**
 * replay-incomplete on built notices: where each notice is anchored (its statement, else
 * the start of its file) and that it names no table.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeSet } from '../../src/core/rule.js';
import { findRule } from '../../src/rules/index.js';
import { findingsWithObservations, statementOf } from './replay-observations.js';

const rule = findRule('replay-incomplete')!;
const PATH = 'migrations/002_places.up.sql';
const SQL = 'CREATE TABLE places (id bigint);\n\nCREATE INDEX places_location_idx ON places USING gist (location);';

describe('notices', () => {
  it('a failed statement is reported on that statement, naming no table', async () => {
    const observe = (changeSet: ChangeSet) => ({
      notices: [{ messageId: 'statementFailed' as const, data: { database: 'PGlite', file: PATH, line: 3, error: 'column "location" does not exist', skipped: '' }, file: PATH, statement: statementOf(changeSet, PATH, 1) }],
    });
    const findings = await findingsWithObservations([rule], [{ path: PATH, text: SQL }], observe);
    expect(findings.map((f) => [f.file, f.span.start.line, f.tables, f.statement])).toEqual([[PATH, 3, [], 'CREATE INDEX places_location_idx ON places USING gist (location)']]);
  });

  it('a notice about a file without a statement is reported at the start of that file', async () => {
    const observe = () => ({ notices: [{ messageId: 'unavailable' as const, data: { error: 'PGlite did not start', file: PATH }, file: PATH }] });
    const findings = await findingsWithObservations([rule], [{ path: PATH, text: `\n\n${SQL}` }], observe);
    expect(findings.map((f) => [f.message, f.file, f.span.start.line, f.statement])).toEqual([['Replay did not run: PGlite did not start.', PATH, 1, undefined]]);
  });

  it('a notice about a file the change set does not hold is still reported, on that file', async () => {
    const observe = () => ({ notices: [{ messageId: 'baseFailed' as const, data: { file: 'migrations/000_gone.up.sql', line: 1, database: 'PGlite', error: 'syntax error' }, file: 'migrations/000_gone.up.sql' }] });
    const findings = await findingsWithObservations([rule], [{ path: PATH, text: SQL }], observe);
    expect(findings.map((f) => [f.messageId, f.file])).toEqual([['baseFailed', 'migrations/000_gone.up.sql']]);
  });
});
