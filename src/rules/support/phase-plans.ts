/**
 * The expand/contract phase plans that breaking rules attach to their findings (the rule's
 * `phasePlan`). Every name placed in SQL goes through quoteIdent/quoteQualified, so the
 * files a plan writes parse and name the finding's own objects
 * (test/rules/suggested-sql.test.ts checks each plan against its finding).
 */
import type { PhasePlan, PlanWriter } from '../../core/strategy.js';
import { derivedName, quoteIdent, quoteQualified, renamedRelation } from '../../core/sql-names.js';

const LOCK_TIMEOUT = "SET lock_timeout = '2s';";
const STATEMENT_TIMEOUT = "SET statement_timeout = '15min';";

/** Contract a column: stop using it, wait, drop it. */
export function dropColumnPlan(writer: PlanWriter, table: string, column: string): PhasePlan {
  const [t, c] = [quoteQualified(table), quoteIdent(column)];
  const wait = writer.contractWait.column;
  return {
    subject: `drop ${table}.${column}`,
    steps: [
      { title: `Code: stop reading and writing ${table}.${column}`, files: [], note: `Deploy code that no longer names ${column} (ORMs: mark it ignored first, e.g. Rails ignored_columns).` },
      { title: `Wait ${wait}`, files: [], note: `Let every instance running the old code drain (contract-wait.column: ${wait}).` },
      { title: `Contract: drop ${table}.${column}`, files: writer.files(`drop_${column}`, 1, `${LOCK_TIMEOUT}\nALTER TABLE ${t} DROP COLUMN ${c};`, `ALTER TABLE ${t} ADD COLUMN ${c} <type>; -- values are lost: restore from backup if needed`) },
    ],
  };
}

/** Contract a table: stop using it, wait (longer), drop it. */
export function dropTablePlan(writer: PlanWriter, table: string): PhasePlan {
  const wait = writer.contractWait.table;
  return {
    subject: `drop table ${table}`,
    steps: [
      { title: `Code: stop reading and writing ${table}`, files: [], note: `Deploy code that no longer uses ${table}.` },
      { title: `Wait ${wait}`, files: [], note: `Tables wait longer (contract-wait.table: ${wait}): batch jobs, reports and rollbacks still use them.` },
      { title: `Contract: drop ${table}`, files: writer.files(`drop_${table.replace(/\W/g, '_')}`, 1, `${LOCK_TIMEOUT}\nDROP TABLE ${quoteQualified(table)};`, `-- recreate ${table} from its last CREATE TABLE; the data comes back only from a backup`) },
    ],
  };
}

/** Rename a column: add the new one, write both, backfill, switch reads, drop the old one. */
/** `type`: the column's type as SQL when the migrations show it (typeToSql), else a placeholder. */
export function renameColumnPlan(writer: PlanWriter, table: string, from: string, to: string, type = `<type of ${from}>`): PhasePlan {
  const [t, f, n] = [quoteQualified(table), quoteIdent(from), quoteIdent(to)];
  const wait = writer.contractWait.column;
  return {
    subject: `rename ${table}.${from} to ${to}`,
    steps: [
      { title: `Expand: add ${table}.${to}`, files: writer.files(`add_${to}`, 1, `${LOCK_TIMEOUT}\nALTER TABLE ${t} ADD COLUMN ${n} ${type};`, `ALTER TABLE ${t} DROP COLUMN ${n};`) },
      { title: 'Code: write both columns, keep reading the old one', files: [], note: `Deploy code that writes ${from} and ${to} on every insert and update (or add a trigger that copies ${from} into ${to}).` },
      {
        title: `Backfill ${table}.${to} in batches`,
        files: writer.files(`backfill_${to}`, 2, `UPDATE ${t} SET ${n} = ${f}\nWHERE id IN (SELECT id FROM ${t} WHERE ${n} IS NULL AND ${f} IS NOT NULL LIMIT 10000);\n-- repeat until no rows are updated`, `-- nothing to undo: ${from} still holds every value`),
      },
      { title: `Code: read ${to}, stop using ${from}`, files: [], note: `Deploy code that reads and writes only ${to}.` },
      { title: `Wait ${wait}`, files: [], note: `Let every instance running the old code drain (contract-wait.column: ${wait}).` },
      { title: `Contract: drop ${table}.${from}`, files: writer.files(`drop_${from}`, 3, `${LOCK_TIMEOUT}\nALTER TABLE ${t} DROP COLUMN ${f};`, `ALTER TABLE ${t} ADD COLUMN ${f} ${type};\nUPDATE ${t} SET ${f} = ${n};`) },
    ],
  };
}

/** Rename a table behind a compatibility view, then drop the view. */
export function renameTablePlan(writer: PlanWriter, table: string, to: string): PhasePlan {
  const [t, n, renamed] = [quoteQualified(table), quoteIdent(to), quoteQualified(renamedRelation(table, to))];
  return {
    subject: `rename table ${table} to ${to}`,
    steps: [
      {
        title: `Expand: rename ${table} to ${to} and keep ${table} as a view`,
        files: writer.files(`rename_${table.replace(/\W/g, '_')}_to_${to}`, 1, `${LOCK_TIMEOUT}\nBEGIN;\nALTER TABLE ${t} RENAME TO ${n};\nCREATE VIEW ${t} AS SELECT * FROM ${renamed};\nCOMMIT;`, `BEGIN;\nDROP VIEW ${t};\nALTER TABLE ${renamed} RENAME TO ${quoteIdent(derivedName(table))};\nCOMMIT;`),
      },
      { title: `Code: use ${to}`, files: [], note: `Deploy code that names ${to}; the simple view keeps old code's reads and writes working meanwhile.` },
      { title: `Wait ${writer.contractWait.table}`, files: [], note: `contract-wait.table: ${writer.contractWait.table}.` },
      { title: `Contract: drop the view ${table}`, files: writer.files(`drop_view_${table.replace(/\W/g, '_')}`, 2, `DROP VIEW ${t};`, `CREATE VIEW ${t} AS SELECT * FROM ${renamed};`) },
    ],
  };
}

/** Change a column's type: add a new column, write both, switch, swap. */
export function changeTypePlan(writer: PlanWriter, table: string, column: string, type: string): PhasePlan {
  const next = `${column}_new`;
  const [t, c, n] = [quoteQualified(table), quoteIdent(column), quoteIdent(next)];
  const wait = writer.contractWait.column;
  return {
    subject: `change the type of ${table}.${column}`,
    steps: [
      { title: `Expand: add ${table}.${next} ${type}`, files: writer.files(`add_${next}`, 1, `${LOCK_TIMEOUT}\nALTER TABLE ${t} ADD COLUMN ${n} ${type};`, `ALTER TABLE ${t} DROP COLUMN ${n};`) },
      { title: 'Code: write both columns', files: [], note: `Write ${column} and ${next} (or copy with a trigger); backfill ${next} in batches.` },
      { title: `Code: read ${next}`, files: [], note: 'Switch reads, then stop writing the old column.' },
      { title: `Wait ${wait}`, files: [], note: `contract-wait.column: ${wait}.` },
      {
        title: `Contract: swap the columns`,
        files: writer.files(`swap_${column}`, 2, `${LOCK_TIMEOUT}\nBEGIN;\nALTER TABLE ${t} DROP COLUMN ${c};\nALTER TABLE ${t} RENAME COLUMN ${n} TO ${c};\nCOMMIT;`, `-- the old values are gone; restore from backup if needed`),
      },
    ],
  };
}

/** Add a NOT NULL column: nullable first, backfill, then enforce without a long lock. */
export function addNotNullColumnPlan(writer: PlanWriter, table: string, column: string, type: string): PhasePlan {
  const constraint = quoteIdent(derivedName(table, column, 'not_null'));
  const [t, c] = [quoteQualified(table), quoteIdent(column)];
  return {
    subject: `add NOT NULL column ${table}.${column}`,
    steps: [
      { title: `Expand: add ${table}.${column} as nullable (or with a constant DEFAULT)`, files: writer.files(`add_${column}`, 1, `${LOCK_TIMEOUT}\nALTER TABLE ${t} ADD COLUMN ${c} ${type};`, `ALTER TABLE ${t} DROP COLUMN ${c};`) },
      { title: 'Code: always write the column; backfill old rows in batches', files: [], note: `Deploy code that sets ${column} on every insert, then backfill rows where it is NULL.` },
      // NOTE: the validation in a migration of its own: in the transaction of the ADD it would hold the add's ACCESS EXCLUSIVE lock for the whole scan.
      {
        title: `Enforce NOT NULL without a long lock: add the check for new rows`,
        files: writer.files(`${column}_not_null`, 2, `${LOCK_TIMEOUT}\nALTER TABLE ${t} ADD CONSTRAINT ${constraint} CHECK (${c} IS NOT NULL) NOT VALID;`, `ALTER TABLE ${t} DROP CONSTRAINT ${constraint};`),
      },
      {
        title: `Validate the check (reads and writes go on), then set NOT NULL without a scan`,
        files: writer.files(
          `${column}_validate_not_null`,
          3,
          `${LOCK_TIMEOUT}\n${STATEMENT_TIMEOUT}\nALTER TABLE ${t} VALIDATE CONSTRAINT ${constraint};\nALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL; -- Postgres 12+ uses the validated check, no scan\nALTER TABLE ${t} DROP CONSTRAINT ${constraint};`,
          `ALTER TABLE ${t} ALTER COLUMN ${c} DROP NOT NULL;\nALTER TABLE ${t} ADD CONSTRAINT ${constraint} CHECK (${c} IS NOT NULL) NOT VALID;`,
        ),
      },
    ],
  };
}

/** The plan for a contract step (drop or rename of a column or table), from its finding's details. */
export function contractPlan(writer: PlanWriter, details: Readonly<Record<string, string | number>>): PhasePlan | undefined {
  const table = details.table === undefined ? undefined : String(details.table);
  if (table === undefined) return undefined;
  const column = details.column === undefined ? undefined : String(details.column);
  const newName = details.newName === undefined ? undefined : String(details.newName);
  if (details.operation === 'rename' && newName !== undefined) return column === undefined ? renameTablePlan(writer, table, newName) : renameColumnPlan(writer, table, column, newName);
  return column === undefined ? dropTablePlan(writer, table) : dropColumnPlan(writer, table, column);
}
