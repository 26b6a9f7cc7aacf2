/**
 * The AST readers of src/core/ast.ts over trees of the real parser: the parts of a name, and
 * boolean options read as Postgres reads them (commands/define.c defGetBoolean).
 */
import type { ColumnRef, Node, ResTarget, SelectStmt, VacuumStmt } from '@pgsql/types';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAs, optionEnabled, stringList } from '../../src/core/ast.js';
import { loadParser } from '../../src/core/parse.js';
import { statementNode } from '../support/statement-node.js';

beforeAll(() => loadParser());

describe('stringList', () => {
  it('keeps the String parts of a name and drops the others (the * of t.*)', () => {
    const target = nodeAs<ResTarget>(nodeAs<SelectStmt>(statementNode('SELECT s.t.* FROM s.t'), 'SelectStmt')!.targetList![0], 'ResTarget')!;
    expect(stringList(nodeAs<ColumnRef>(target.val, 'ColumnRef')!.fields)).toEqual(['s', 't']);
  });
});

describe('optionEnabled', () => {
  const vacuumOptions = (sql: string): Node[] | undefined => nodeAs<VacuumStmt>(statementNode(sql), 'VacuumStmt')!.options;

  it('reads a number as Postgres does: 1 turns an option on, 0 off', () => {
    expect(optionEnabled(vacuumOptions('VACUUM (FULL 1) t'), 'full')).toBe(true);
    expect(optionEnabled(vacuumOptions('VACUUM (FULL 0) t'), 'full')).toBe(false);
  });

  it('turns an option on by its name alone, or by true or on in any case; off by false or off', () => {
    expect(optionEnabled(vacuumOptions('VACUUM (FULL) t'), 'full')).toBe(true);
    expect(optionEnabled(vacuumOptions("VACUUM (FULL 'ON') t"), 'full')).toBe(true);
    expect(optionEnabled(vacuumOptions('VACUUM (FULL true) t'), 'full')).toBe(true);
    expect(optionEnabled(vacuumOptions('VACUUM (FULL off) t'), 'full')).toBe(false);
    expect(optionEnabled(vacuumOptions('VACUUM (FULL false) t'), 'full')).toBe(false);
    expect(optionEnabled(vacuumOptions('VACUUM (FREEZE) t'), 'full')).toBe(false);
  });
});
