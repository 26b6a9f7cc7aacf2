/**
 * priorColumn and hasValidatedNotNullCheck answer from an index of the change set's facts,
 * folded per column (src/rules/support/statement-facts.ts). The property: on random
 * migrations, for every statement, they answer what a scan of every earlier statement
 * answers (the reference below is that scan, as the rules did it before the index).
 */
import type { Constraint, NullTest } from '@pgsql/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.js';
import { alterTableCommands, nodeAs, relationKey, stringList } from '../../src/core/ast.js';
import { defaultConfig } from '../../src/core/config.js';
import { parseRegion, type Statement } from '../../src/core/parse.js';
import { type AnalyzedFile, type ChangeSet, defineRule } from '../../src/core/rule.js';
import { discoverMigrations } from '../../src/conventions/index.js';
import { introducedColumns, type PriorColumn, priorColumn } from '../../src/rules/support/breaking-ast.js';
import { hasValidatedNotNullCheck } from '../../src/rules/support/locking-ast.js';
import { fuzzParameters, fuzzTimeout } from './support.js';

/** The statements of a file, parsing history files (the engine leaves them unparsed). */
function statementsOf(file: AnalyzedFile): Statement[] {
  if (file.statements.length > 0) return file.statements;
  return file.migration.sections.flatMap((section) => parseRegion(file.lines, section.start, section.end, section.role, 0).statements);
}

function scanPriorColumn(files: readonly AnalyzedFile[], current: AnalyzedFile, statement: Statement, table: string, column: string): PriorColumn | undefined {
  let state: PriorColumn | undefined;
  const sameColumn = (t: string, c: string | undefined) => relationKey(t) === relationKey(table) && (c ?? '').toLowerCase() === column.toLowerCase();
  for (const file of files) {
    for (const earlier of statementsOf(file)) {
      if (file === current && earlier.index >= statement.index) return state;
      if (earlier.section !== 'up') continue;
      for (const introduced of introducedColumns(earlier.node)) {
        if (!sameColumn(introduced.table, introduced.column)) continue;
        if (introduced.via === 'alter-type' && state) state = { ...state, type: introduced.type };
        else state = { type: introduced.type, notNull: introduced.primaryKey || introduced.constraints.some((c) => c.contype === 'CONSTR_NOTNULL') };
      }
      const alter = alterTableCommands(earlier.node);
      for (const command of alter?.commands ?? []) {
        if (!state || !alter || !sameColumn(alter.table, command.name)) continue;
        if (command.subtype === 'AT_SetNotNull') state = { ...state, notNull: true };
        if (command.subtype === 'AT_DropNotNull') state = { ...state, notNull: false };
      }
    }
  }
  return state;
}

function scanValidatedNotNullCheck(changeSet: ChangeSet, current: Statement, table: string, column: string): boolean {
  const pending = new Set<string>();
  for (const file of changeSet.files) {
    for (const statement of file.statements) {
      if (statement === current) return false;
      const alter = alterTableCommands(statement.node);
      if (!alter || relationKey(alter.table) !== relationKey(table)) continue;
      for (const command of alter.commands) {
        const constraint = nodeAs<Constraint>(command.def, 'Constraint');
        const test = constraint?.contype === 'CONSTR_CHECK' ? nodeAs<NullTest>(constraint.raw_expr, 'NullTest') : undefined;
        const checked = test?.nulltesttype === 'IS_NOT_NULL' ? stringList(nodeAs<{ fields?: [] }>(test.arg, 'ColumnRef')?.fields).at(-1)?.toLowerCase() : undefined;
        if (command.subtype === 'AT_AddConstraint' && constraint && checked === column.toLowerCase()) {
          if (!constraint.skip_validation) return true;
          pending.add((constraint.conname ?? '').toLowerCase());
        }
        if (command.subtype === 'AT_ValidateConstraint' && pending.has((command.name ?? '').toLowerCase())) return true;
      }
    }
  }
  return false;
}

/** Small names, so statements often meet the same column: case and schema vary. */
const table = fc.constantFrom('users', 'Users', 'public.users', 'orders');
const column = fc.constantFrom('email', 'EMAIL', 'total');
const check = fc.constantFrom('ck_a', 'CK_A', 'ck_b');
const statement = fc.oneof(
  fc.tuple(table, column, fc.boolean()).map(([t, c, notNull]) => `CREATE TABLE IF NOT EXISTS ${t} (${c} int${notNull ? ' NOT NULL' : ''}, id bigint PRIMARY KEY);`),
  fc.tuple(table, column, fc.constantFrom('text', 'bigint', 'varchar(10)')).map(([t, c, type]) => `ALTER TABLE ${t} ADD COLUMN ${c} ${type};`),
  fc.tuple(table, column, fc.constantFrom('text', 'bigint')).map(([t, c, type]) => `ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${type};`),
  fc.tuple(table, column).map(([t, c]) => `ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL;`),
  fc.tuple(table, column).map(([t, c]) => `ALTER TABLE ${t} ALTER COLUMN ${c} DROP NOT NULL;`),
  fc.tuple(table, column).map(([t, c]) => `ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT;`),
  fc.tuple(table, column).map(([t, c]) => `ALTER TABLE ${t} ADD COLUMN ${c}_2 int, ALTER COLUMN ${c} SET NOT NULL;`),
  fc.tuple(table, check, column, fc.boolean()).map(([t, k, c, notValid]) => `ALTER TABLE ${t} ADD CONSTRAINT ${k} CHECK (${c} IS NOT NULL)${notValid ? ' NOT VALID' : ''};`),
  fc.tuple(table, check).map(([t, k]) => `ALTER TABLE ${t} VALIDATE CONSTRAINT ${k};`),
);

/** One unchanged history file, then changed files, each with an up and a down file. */
const migrations = fc.array(fc.array(statement, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }).map((files) =>
  files.flatMap((statements, i) => [
    { path: `migrations/00${i + 1}_step.up.sql`, text: statements.join('\n'), change: i === 0 ? ('unchanged' as const) : ('added' as const) },
    { path: `migrations/00${i + 1}_step.down.sql`, text: statements.slice().reverse().join('\n'), change: i === 0 ? ('unchanged' as const) : ('added' as const) },
  ]),
);

describe('history facts', () => {
  it(
    'priorColumn and hasValidatedNotNullCheck answer what a scan of every earlier statement answers',
    async () => {
      let compared = 0;
      const probe = defineRule({
        id: 'history-facts-probe',
        severity: 'notice',
        category: 'process',
        summary: 'test probe',
        lock: null,
        rewrites: false,
        sections: ['up', 'down'],
        messages: { unused: 'unused' },
        why: 'test',
        fix: 'test',
        references: [],
        examples: { invalid: [], valid: [] },
        statement({ changeSet, file, statement: current }) {
          const alter = alterTableCommands(current.node);
          for (const command of alter?.commands ?? []) {
            if (!alter || !command.name) continue;
            // NOTE: the engine asks in migration order (answers are continued); asking at the
            // file's first statement afterwards also covers a question that goes back.
            for (const at of [current, file.statements[0]!]) {
              compared++;
              expect(priorColumn(changeSet, file, at, alter.table, command.name)).toEqual(scanPriorColumn(changeSet.files, file, at, alter.table, command.name));
              expect(hasValidatedNotNullCheck(changeSet, file, at, alter.table, command.name)).toBe(scanValidatedNotNullCheck(changeSet, at, alter.table, command.name));
            }
          }
        },
      });
      await fc.assert(
        fc.asyncProperty(migrations, async (files) => {
          const report = await analyze({ files, config: defaultConfig(), rules: [probe], discover: discoverMigrations });
          // NOTE: a failed expect inside the rule becomes an internal-error finding.
          expect(report.findings).toEqual([]);
        }),
        fuzzParameters(300),
      );
      expect(compared).toBeGreaterThan(300);
    },
    fuzzTimeout(300, 50),
  );
});
