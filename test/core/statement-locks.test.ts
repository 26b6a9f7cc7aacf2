/**
 * The lock each statement takes, as the PostgreSQL documentation lists it ("Explicit
 * Locking", 13.3.1, and each command's reference page): src/core/statement-locks.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser } from '../../src/core/parse.js';
import { alterTableReadsEveryRow, statementLock } from '../../src/core/statement-locks.js';
import { statementNode as nodeOf } from '../support/statement-node.js';

beforeAll(() => loadParser());

const lockOf = (sql: string) => {
  const { tables, lock, rewrite } = statementLock(nodeOf(sql));
  return { tables, mode: lock?.mode ?? null, rewrite };
};

describe('statementLock', () => {
  it.each([
    ['ALTER TABLE users ADD COLUMN a int', ['users'], 'ACCESS EXCLUSIVE', false],
    ['ALTER MATERIALIZED VIEW totals OWNER TO reporting', ['totals'], 'ACCESS EXCLUSIVE', false],
    ['ALTER INDEX users_email SET (fillfactor = 70)', ['users_email'], 'SHARE UPDATE EXCLUSIVE', false],
    ['ALTER SEQUENCE users_id_seq RESTART', [], null, false],
    ['ALTER VIEW v ALTER COLUMN a SET DEFAULT 1', [], null, false],
    ['CREATE INDEX i ON users (a)', ['users'], 'SHARE', false],
    ['CREATE INDEX CONCURRENTLY i ON users (a)', ['users'], 'SHARE UPDATE EXCLUSIVE', false],
    ['ALTER TABLE users RENAME TO people', ['users'], 'ACCESS EXCLUSIVE', false],
    ['ALTER TYPE mood RENAME TO feeling', [], null, false],
    ['DROP INDEX i, s.j', ['i', 's.j'], 'ACCESS EXCLUSIVE', false],
    ['DROP INDEX CONCURRENTLY i', ['i'], 'SHARE UPDATE EXCLUSIVE', false],
    ['DROP MATERIALIZED VIEW totals', ['totals'], 'ACCESS EXCLUSIVE', false],
    ['DROP SEQUENCE s', ['s'], 'ACCESS EXCLUSIVE', false],
    ['DROP FUNCTION f()', [], null, false],
    ['TRUNCATE a, b', ['a', 'b'], 'ACCESS EXCLUSIVE', false],
    ['INSERT INTO a VALUES (1)', ['a'], 'ROW EXCLUSIVE', false],
    ['MERGE INTO a USING b ON a.id = b.id WHEN MATCHED THEN DELETE', ['a'], 'ROW EXCLUSIVE', false],
    ['CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW EXECUTE FUNCTION f()', ['a'], 'SHARE ROW EXCLUSIVE', false],
    ['CREATE RULE r AS ON INSERT TO a DO INSTEAD NOTHING', ['a'], 'ACCESS EXCLUSIVE', false],
    ['CREATE POLICY p ON a USING (true)', ['a'], 'ACCESS EXCLUSIVE', false],
    ['ALTER POLICY p ON a USING (false)', ['a'], 'ACCESS EXCLUSIVE', false],
    ['CLUSTER a USING a_pkey', ['a'], 'ACCESS EXCLUSIVE', true],
    ['VACUUM a, b', ['a', 'b'], 'SHARE UPDATE EXCLUSIVE', false],
    // The parser gives a database-wide VACUUM no list of relations at all.
    ['VACUUM', [], 'SHARE UPDATE EXCLUSIVE', false],
    ['VACUUM (FULL) a', ['a'], 'ACCESS EXCLUSIVE', true],
    ['REINDEX TABLE a', ['a'], 'ACCESS EXCLUSIVE', false],
    ['REINDEX TABLE CONCURRENTLY a', ['a'], 'SHARE UPDATE EXCLUSIVE', false],
    ['REFRESH MATERIALIZED VIEW totals', ['totals'], 'ACCESS EXCLUSIVE', false],
    ['REFRESH MATERIALIZED VIEW CONCURRENTLY totals', ['totals'], 'EXCLUSIVE', false],
    ['COMMENT ON TABLE a IS $$x$$', [], null, false],
    ['LOCK TABLE a, b', ['a', 'b'], 'ACCESS EXCLUSIVE', false],
    ['LOCK TABLE a IN ACCESS SHARE MODE', ['a'], 'ACCESS SHARE', false],
    ['LOCK TABLE a IN SHARE ROW EXCLUSIVE MODE', ['a'], 'SHARE ROW EXCLUSIVE', false],
    ['SELECT 1', [], null, false],
  ] as const)('%s', (sql, tables, mode, rewrite) => {
    expect(lockOf(sql)).toEqual({ tables, mode, rewrite });
  });
});

describe('alterTableReadsEveryRow', () => {
  it('is true for a rewrite or a SET NOT NULL among the sub-commands, in any position', () => {
    expect(alterTableReadsEveryRow(nodeOf('ALTER TABLE a ALTER COLUMN b SET NOT NULL'))).toBe(true);
    expect(alterTableReadsEveryRow(nodeOf('ALTER TABLE a ADD COLUMN c int, ALTER COLUMN b TYPE bigint'))).toBe(true);
    expect(alterTableReadsEveryRow(nodeOf('ALTER TABLE a ADD COLUMN c int'))).toBe(false);
    expect(alterTableReadsEveryRow(nodeOf('CREATE INDEX i ON a (b)'))).toBe(false);
  });
});
