/**
 * support/new-column-type: the type a fix gives the column that replaces another: the type as
 * written, except a length-limited varchar, which becomes text with a length CHECK.
 */
import type { ColumnDef, TypeName } from '@pgsql/types';
import { beforeAll, describe, expect, it } from 'vitest';
import { alterTableCommands, nodeAs } from '../../src/core/ast.js';
import { loadParser, parseRegion } from '../../src/core/parse.js';
import { LineIndex } from '../../src/core/source.js';
import { newColumnType } from '../../src/rules/support/new-column-type.js';

beforeAll(async () => {
  await loadParser();
});

/** The type of the column `ALTER TABLE t ADD COLUMN c <type>` adds. */
function typeOf(type: string): TypeName | undefined {
  const sql = `ALTER TABLE t ADD COLUMN c ${type};`;
  const [statement] = parseRegion(new LineIndex(sql), 0, sql.length, 'up').statements;
  return nodeAs<ColumnDef>(alterTableCommands(statement!.node)?.commands[0]?.def, 'ColumnDef')?.typeName;
}

describe('newColumnType', () => {
  it('turns varchar(n) into text with a NOT VALID length CHECK named <table>_<column>_length', () => {
    expect(newColumnType('billing.invoices', 'number_v2', typeOf('varchar(64)'))).toEqual({
      newType: 'text',
      lengthCheck:
        '\n   ALTER TABLE billing.invoices ADD CONSTRAINT invoices_number_v2_length CHECK (char_length(number_v2) <= 64) NOT VALID;  -- text with a length CHECK instead of varchar(64), as prefer-text-field advises',
    });
  });

  it.each([
    ['numeric(10,2)', 'numeric(10,2)'],
    ['varchar', 'varchar'],
    ['varchar(64)[]', 'varchar(64)[]'],
  ])('keeps %s as written: no length to check on a single value', (written, printed) => {
    expect(newColumnType('invoices', 'number_v2', typeOf(written))).toEqual({ newType: printed, lengthCheck: '' });
  });

  it('prints <type> for a type it does not know, unless told otherwise', () => {
    expect([newColumnType('invoices', 'c', undefined).newType, newColumnType('invoices', 'c', undefined, '?').newType]).toEqual(['<type>', '?']);
  });
});
