/**
 * The type of a column that a fix adds to replace another (a type change, a rename): the
 * type as SQL, except that a length-limited varchar becomes text with a length CHECK, as
 * prefer-text-field advises for every new column.
 */
import type { TypeName } from '@pgsql/types';
import { typeBaseName, typeModifiers, typeToSql } from '../../core/ast.js';
import { derivedName, quoteIdent, quoteQualified } from '../../core/sql-names.js';

/**
 * The new column's type in the fix: the type asked for, except that a length-limited varchar
 * becomes text with a length CHECK added NOT VALID (what prefer-text-field advises for a new
 * column; NOT VALID still checks every row written, the backfill's included). `unknown` is
 * printed when the type is not known or cannot be printed exactly.
 */
export function newColumnType(table: string, newColumn: string, type: TypeName | undefined, unknown = '<type>'): { newType: string; lengthCheck: string } {
  const limit = typeModifiers(type)[0];
  if (typeBaseName(type) !== 'varchar' || limit === undefined || type?.arrayBounds?.length) return { newType: typeToSql(type) ?? unknown, lengthCheck: '' };
  const check = `ALTER TABLE ${quoteQualified(table)} ADD CONSTRAINT ${quoteIdent(derivedName(table, newColumn, 'length'))} CHECK (char_length(${quoteIdent(newColumn)}) <= ${limit}) NOT VALID;`;
  return { newType: 'text', lengthCheck: `\n   ${check}  -- text with a length CHECK instead of varchar(${limit}), as prefer-text-field advises` };
}
