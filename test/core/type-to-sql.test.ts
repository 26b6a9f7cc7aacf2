/**
 * typeToSql prints a column's type so that Postgres reads it back as the same type: fix
 * texts repeat the user's type in ADD COLUMN statements (require-nullable-or-default,
 * ban-volatile-default, ban-alter-column-type, ban-add-column-with-constraint).
 */
import type { TypeName } from '@pgsql/types';
import { loadModule, parseSync } from 'libpg-query';
import { describe, expect, it } from 'vitest';
import { typeToSql } from '../../src/core/ast.js';

await loadModule();

function typeOf(type: string): TypeName {
  const parsed = parseSync(`ALTER TABLE t ADD COLUMN c ${type}`) as { stmts: { stmt: { AlterTableStmt: { cmds: { AlterTableCmd: { def: { ColumnDef: { typeName: TypeName } } } }[] } } }[] };
  return parsed.stmts[0]!.stmt.AlterTableStmt.cmds[0]!.AlterTableCmd.def.ColumnDef.typeName;
}
/** The type node without source locations, to compare what was written with what we print. */
const withoutLocations = (type: TypeName): string => JSON.stringify(type, (key, value: unknown) => (key === 'location' ? undefined : value));

describe('typeToSql', () => {
  it.each([
    ['text', 'text'],
    ['character varying(5)', 'varchar(5)'],
    ['decimal(10,2)', 'numeric(10,2)'],
    ['int[][]', 'integer[][]'],
    ['double precision', 'double precision'],
    ['national character(3)', 'char(3)'],
    ['bit varying(3)', 'bit varying(3)'],
    ['json', 'json'],
    ['interval', 'interval'],
    ['interval(3)', 'interval(3)'],
    ['interval day to second(2)', 'interval day to second(2)'],
    ['interval year', 'interval year'],
    ['timestamp(3) with time zone', 'timestamp(3) with time zone'],
    ['time(2) with time zone', 'time(2) with time zone'],
    ['"char"', '"char"'],
    ['pg_catalog.char', 'pg_catalog."char"'],
    ['public."Mood"[]', 'public."Mood"[]'],
    ['"Order"', '"Order"'],
  ])('%s prints as %s, the same type', (written, printed) => {
    expect(typeToSql(typeOf(written))).toBe(printed);
    expect(withoutLocations(typeOf(printed))).toBe(withoutLocations(typeOf(written)));
  });

  it('prints nothing for a type modifier that is not a number (the caller prints a placeholder)', () => {
    expect(typeToSql(typeOf('geometry(Point, 4326)'))).toBeUndefined();
  });
});
