/**
 * The steps ban-add-column-with-constraint suggests, with the statement's own names: the
 * table's schema where Postgres needs it, the foreign key's actions, and names derived the way
 * Postgres derives them.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-add-column-with-constraint')!;

async function fixOf(sql: string): Promise<string | undefined> {
  const findings = await runExample(rule, { sql });
  expect(findings).toHaveLength(1);
  return findings[0]!.fix;
}

const LOCK_TIMEOUT = "   SET lock_timeout = '2s';  -- in each of these migrations: fail fast instead of queueing behind long queries";

describe('the suggested steps', () => {
  it('for a foreign key: the bare column, its index, the key NOT VALID with its actions, then VALIDATE', async () => {
    expect(await fixOf('ALTER TABLE billing.orders ADD COLUMN region_id bigint REFERENCES regions (id) ON DELETE SET NULL ON UPDATE CASCADE;')).toBe(
      [
        'Add the column bare, index it (deletes on the referenced table look rows up by it), add the foreign key NOT VALID, then validate it; each step a migration of its own:',
        LOCK_TIMEOUT,
        '   ALTER TABLE billing.orders ADD COLUMN region_id bigint;  -- keep its other clauses (DEFAULT, NOT NULL), without the constraint',
        'In the next migration, outside a transaction block (a leftover of a failed build is dropped first):',
        '   DROP INDEX CONCURRENTLY IF EXISTS billing.orders_region_id_idx;',
        'In the next migration:',
        '   CREATE INDEX CONCURRENTLY orders_region_id_idx ON billing.orders (region_id);',
        'In the next migration:',
        LOCK_TIMEOUT,
        '   ALTER TABLE billing.orders ADD CONSTRAINT orders_region_id_fkey FOREIGN KEY (region_id) REFERENCES regions (id) ON DELETE SET NULL ON UPDATE CASCADE NOT VALID;',
        "In the next migration (VALIDATE takes only SHARE UPDATE EXCLUSIVE):",
        "   SET statement_timeout = '15min';",
        '   ALTER TABLE billing.orders VALIDATE CONSTRAINT orders_region_id_fkey;',
      ].join('\n'),
    );
  });

  it('for UNIQUE: the bare column, the unique index built concurrently, then the constraint using it', async () => {
    expect(await fixOf('ALTER TABLE billing.orders ADD COLUMN code text UNIQUE;')).toBe(
      [
        'Add the column bare, build the unique index concurrently, then attach it; each step a migration of its own:',
        LOCK_TIMEOUT,
        '   ALTER TABLE billing.orders ADD COLUMN code text;  -- keep its other clauses (DEFAULT, NOT NULL), without the constraint',
        'In the next migration, outside a transaction block (a leftover of a failed build is dropped first):',
        '   DROP INDEX CONCURRENTLY IF EXISTS billing.orders_code_key;',
        'In the next migration:',
        '   CREATE UNIQUE INDEX CONCURRENTLY orders_code_key ON billing.orders (code);',
        'In the next migration:',
        LOCK_TIMEOUT,
        '   ALTER TABLE billing.orders ADD CONSTRAINT orders_code_key UNIQUE USING INDEX orders_code_key;',
      ].join('\n'),
    );
  });
});

/** The findings of the rule on `sql`, with their fixes split into lines. */
async function findingsOf(sql: string) {
  return (await runExample(rule, { sql })).map((f) => ({ message: f.message, tables: f.tables, fix: f.fix!.split('\n') }));
}

describe('the CHECK steps', () => {
  it('for CHECK: the bare column, the CHECK added NOT VALID with the user\'s expression, then VALIDATE; the finding names the table', async () => {
    const [finding, ...others] = await findingsOf('ALTER TABLE billing.orders ADD COLUMN discount numeric CHECK (discount >= 0);');
    expect(others).toEqual([]);
    expect(finding!.tables).toEqual(['billing.orders']);
    expect(finding!.fix).toEqual([
      'Add the column bare with the CHECK NOT VALID, then validate it in a migration of its own:',
      LOCK_TIMEOUT,
      '   ALTER TABLE billing.orders ADD COLUMN discount numeric;  -- keep its other clauses (DEFAULT, NOT NULL), without the constraint',
      '   ALTER TABLE billing.orders ADD CONSTRAINT orders_discount_check CHECK (discount >= 0) NOT VALID;',
      'In the next migration (VALIDATE takes only SHARE UPDATE EXCLUSIVE):',
      "   SET statement_timeout = '15min';",
      '   ALTER TABLE billing.orders VALIDATE CONSTRAINT orders_discount_check;',
    ]);
  });

  it('two unnamed CHECKs of one column (after its DEFAULT): each keeps its own expression, named as Postgres names them (_check, then _check1)', async () => {
    const findings = await findingsOf('ALTER TABLE orders ADD COLUMN discount numeric DEFAULT 0 CHECK (discount >= 0) CHECK (discount <= 100);');
    expect(findings.map((f) => f.fix[3])).toEqual([
      '   ALTER TABLE orders ADD CONSTRAINT orders_discount_check CHECK (discount >= 0) NOT VALID;',
      '   ALTER TABLE orders ADD CONSTRAINT orders_discount_check1 CHECK (discount <= 100) NOT VALID;',
    ]);
    expect(findings.map((f) => f.fix.at(-1))).toEqual(['   ALTER TABLE orders VALIDATE CONSTRAINT orders_discount_check;', '   ALTER TABLE orders VALIDATE CONSTRAINT orders_discount_check1;']);
  });

  it('a named CHECK after an unnamed one keeps its name and its expression', async () => {
    const findings = await findingsOf('ALTER TABLE orders ADD COLUMN discount numeric CHECK (discount >= 0) CONSTRAINT orders_discount_max CHECK (discount <= 100);');
    expect(findings.map((f) => f.fix[3])).toEqual([
      '   ALTER TABLE orders ADD CONSTRAINT orders_discount_check CHECK (discount >= 0) NOT VALID;',
      '   ALTER TABLE orders ADD CONSTRAINT orders_discount_max CHECK (discount <= 100) NOT VALID;',
    ]);
  });

  it('a CHECK after a UNIQUE of the same column: the CHECK step quotes the CHECK, not the UNIQUE', async () => {
    const findings = await findingsOf("ALTER TABLE orders ADD COLUMN code text UNIQUE CHECK (code <> '');");
    expect(findings.map((f) => f.message)).toEqual([
      'ADD COLUMN code UNIQUE builds a unique index on orders under an ACCESS EXCLUSIVE lock.',
      'ADD COLUMN code CHECK (...) scans every row of orders under an ACCESS EXCLUSIVE lock.',
    ]);
    expect(findings[1]!.fix[3]).toBe("   ALTER TABLE orders ADD CONSTRAINT orders_code_check CHECK (code <> '') NOT VALID;");
  });

  it('the column added after other commands of the statement: its own CHECK expression is found', async () => {
    const findings = await findingsOf('ALTER TABLE orders DROP COLUMN legacy_discount, ADD COLUMN note text, ADD COLUMN discount numeric CHECK (discount >= 0);');
    expect(findings.map((f) => f.fix[3])).toEqual(['   ALTER TABLE orders ADD CONSTRAINT orders_discount_check CHECK (discount >= 0) NOT VALID;']);
  });
});

// NOTE: the CHECK's text is cut out by balancing parentheses, which a comment's lone "(" unbalances:
// the step then shows a placeholder to replace rather than a wrong expression.
it('a CHECK whose parentheses do not balance in the text gets a placeholder expression that parses', async () => {
  const fix = await fixOf('ALTER TABLE orders ADD COLUMN discount integer CHECK (discount <= 100 /* percent :( */);');
  expect(fix?.split('\n')).toContain("   ALTER TABLE orders ADD CONSTRAINT orders_discount_check CHECK (/* the CHECK expression */ true) NOT VALID;");
});
