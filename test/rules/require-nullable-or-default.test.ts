/** The column require-nullable-or-default tells to add nullable first, as SQL. */
import { expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('require-nullable-or-default')!;

// NOTE: typmods that are not numbers (PostGIS's geometry(Point, 4326)) cannot be written back from the tree.
it('a type it cannot write back appears in the fix as a <type> placeholder', async () => {
  const findings = await runExample(rule, { sql: 'ALTER TABLE places ADD COLUMN geom geometry(Point, 4326) NOT NULL;' });
  expect(findings[0]?.fix?.split('\n')).toContain('   ALTER TABLE places ADD COLUMN geom <type>;');
});
