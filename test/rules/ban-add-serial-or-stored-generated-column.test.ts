/** The plain column ban-add-serial-or-stored-generated-column tells to add instead, as SQL. */
import { expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-add-serial-or-stored-generated-column')!;

// NOTE: typmods that are not numbers (PostGIS's geometry(Point, 4326)) cannot be written back from the tree.
it('a generated column of a type it cannot write back appears in the fix as a <type> placeholder', async () => {
  const sql = 'ALTER TABLE places ADD COLUMN geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED;';
  const findings = await runExample(rule, { sql });
  expect(findings[0]?.fix?.split('\n')).toContain('   ALTER TABLE places ADD COLUMN geom <type>;');
});
