/**
 * Deployment strategy advice: classifies a change by what it needs to ship without
 * downtime, and for breaking findings writes the concrete expand/contract phase plan
 * (migration files with their down files, code change, wait, cleanup) with the user's
 * own names.
 *
 * | strategy | when |
 * | --- | --- |
 * | backward-compatible | nothing blocks: deploy as usual, migration before code |
 * | needs-maintenance-window | only locks and rewrites block: safe for running code, but it stalls traffic while it runs |
 * | needs-blue-green | running code breaks: split into expand/contract phases (below), or deploy blue/green |
 */
import type { Config } from './config.js';
import type { Finding } from './finding.js';
import type { ConventionId } from './migration.js';
import type { Report } from './report.js';

export type Strategy = 'backward-compatible' | 'needs-maintenance-window' | 'needs-blue-green';

/** Rules whose findings mean old code breaks (the rest block for locks, process or rollback). */
const BREAKING_RULES = new Set([
  'ban-drop-column',
  'ban-drop-table',
  'ban-rename-column',
  'ban-rename-table',
  'ban-alter-column-type',
  'require-nullable-or-default',
  'contract-too-early',
  'code-still-references',
]);

/** One step of a phase plan. */
export interface PlanStep {
  title: string;
  /** Files to write: path -> SQL (up and down files). */
  files: Array<{ path: string; sql: string }>;
  /** Prose for steps without files (code change, wait). */
  note?: string;
}

/** The plan for one breaking change. */
export interface PhasePlan {
  subject: string;
  steps: PlanStep[];
}

export interface StrategyAdvice {
  strategy: Strategy;
  /** One sentence: why this strategy. */
  reason: string;
  plans: PhasePlan[];
}

/** The strategy for a report (unsuppressed blocking findings decide it). */
export function adviseStrategy(report: Report, config: Pick<Config, 'contract-wait'>): StrategyAdvice {
  const breaking = report.blocking.filter((f) => BREAKING_RULES.has(f.ruleId));
  if (breaking.length > 0) {
    const plans = uniquePlans(breaking.map((f) => phasePlan(f, report, config)).filter((p): p is PhasePlan => !!p));
    return {
      strategy: 'needs-blue-green',
      reason: `${breaking.length} change${breaking.length === 1 ? '' : 's'} would break code that is still running: ship ${breaking.length === 1 ? 'it' : 'them'} as expand/contract phases (plan below) or deploy blue/green.`,
      plans,
    };
  }
  if (report.blocking.some((f) => f.lock !== null || f.rewrite)) {
    return {
      strategy: 'needs-maintenance-window',
      reason: 'Running code keeps working, but the blocking statements hold locks or rewrite tables: follow their safe alternatives, or run them in a maintenance window.',
      plans: [],
    };
  }
  const reason =
    report.blocking.length > 0
      ? 'Old and new code both work with the migrated schema and nothing holds long locks; what still blocks is about the process (see the findings).'
      : 'Nothing blocks: old and new code both work with the migrated schema; deploy as usual (migration first).';
  return { strategy: 'backward-compatible', reason, plans: [] };
}

function uniquePlans(plans: PhasePlan[]): PhasePlan[] {
  const seen = new Set<string>();
  return plans.filter((p) => !seen.has(p.subject) && seen.add(p.subject));
}

/** Paths for a new migration next to an existing one, in the same convention. */
export function newMigrationPaths(existingPath: string, convention: ConventionId, name: string, step: number): { up: string; down?: string } {
  const dir = existingPath.slice(0, existingPath.lastIndexOf('/') + 1);
  const parent = dir.replace(/[^/]+\/$/, '');
  const version = `<version+${step}>`;
  switch (convention) {
    case 'golang-migrate':
      return { up: `${dir}${version}_${name}.up.sql`, down: `${dir}${version}_${name}.down.sql` };
    case 'diesel':
    case 'sourcegraph':
      return { up: `${parent}${version}_${name}/up.sql`, down: `${parent}${version}_${name}/down.sql` };
    case 'flyway':
      return { up: `${dir}V${version}__${name}.sql`, down: `${dir}U${version}__${name}.sql` };
    case 'sqitch': {
      const root = dir.replace(/deploy\/$/, '');
      return { up: `${root}deploy/${name}.sql`, down: `${root}revert/${name}.sql` };
    }
    case 'prisma':
      return { up: `${parent}${version}_${name}/migration.sql` };
    case 'dbmate':
    case 'goose':
      return { up: `${dir}${version}_${name}.sql` };
    default:
      return { up: `${dir}${version}_${name}.sql` };
  }
}

function phasePlan(finding: Finding, report: Report, config: Pick<Config, 'contract-wait'>): PhasePlan | undefined {
  const details = finding.details;
  const table = String(details.table ?? finding.tables[0] ?? '<table>');
  const column = details.column === undefined ? undefined : String(details.column);
  const file = report.files.find((f) => f.path === finding.file);
  const convention = file?.convention ?? 'plain';
  const sectioned = convention === 'dbmate' || convention === 'goose';
  const files = (name: string, step: number, up: string, down: string) => {
    const paths = newMigrationPaths(finding.file, convention, name, step);
    if (sectioned) {
      const [upMarker, downMarker] = convention === 'dbmate' ? ['-- migrate:up', '-- migrate:down'] : ['-- +goose Up', '-- +goose Down'];
      return [{ path: paths.up, sql: `${upMarker}\n${up}\n\n${downMarker}\n${down}` }];
    }
    return paths.down ? [{ path: paths.up, sql: up }, { path: paths.down, sql: down }] : [{ path: paths.up, sql: `${up}\n-- rollback (no down file in this convention):\n-- ${down.split('\n').join('\n-- ')}` }];
  };
  const columnWait = config['contract-wait'].column;
  const tableWait = config['contract-wait'].table;
  const lock = "SET lock_timeout = '2s';";
  switch (finding.ruleId) {
    case 'ban-rename-column': {
      const to = String(details.newName ?? details.newColumn ?? '<new_name>');
      const from = column ?? '<old_name>';
      return {
        subject: `rename ${table}.${from} to ${to}`,
        steps: [
          { title: `Expand: add ${table}.${to}`, files: files(`add_${to}`, 1, `${lock}\nALTER TABLE ${table} ADD COLUMN ${to} <type of ${from}>;`, `ALTER TABLE ${table} DROP COLUMN ${to};`) },
          { title: 'Code: write both columns, keep reading the old one', files: [], note: `Deploy code that writes ${from} and ${to} on every insert and update (or add a trigger that copies ${from} into ${to}).` },
          {
            title: `Backfill ${table}.${to} in batches`,
            files: files(`backfill_${to}`, 2, `UPDATE ${table} SET ${to} = ${from}\nWHERE id IN (SELECT id FROM ${table} WHERE ${to} IS NULL AND ${from} IS NOT NULL LIMIT 10000);\n-- repeat until no rows are updated`, `-- nothing to undo: ${from} still holds every value`),
          },
          { title: `Code: read ${to}, stop using ${from}`, files: [], note: `Deploy code that reads and writes only ${to}.` },
          { title: `Wait ${columnWait}`, files: [], note: `Let every instance running the old code drain (contract-wait.column: ${columnWait}).` },
          { title: `Contract: drop ${table}.${from}`, files: files(`drop_${from}`, 3, `${lock}\nALTER TABLE ${table} DROP COLUMN ${from};`, `ALTER TABLE ${table} ADD COLUMN ${from} <type of ${from}>;\nUPDATE ${table} SET ${from} = ${to};`) },
        ],
      };
    }
    case 'ban-drop-column':
    case 'code-still-references':
    case 'contract-too-early': {
      if (!column) {
        return {
          subject: `drop table ${table}`,
          steps: [
            { title: `Code: stop reading and writing ${table}`, files: [], note: `Deploy code that no longer uses ${table}.` },
            { title: `Wait ${tableWait}`, files: [], note: `Tables wait longer (contract-wait.table: ${tableWait}): batch jobs, reports and rollbacks still use them.` },
            { title: `Contract: drop ${table}`, files: files(`drop_${table.replace(/\W/g, '_')}`, 1, `${lock}\nDROP TABLE ${table};`, `-- recreate ${table} from its last CREATE TABLE; the data comes back only from a backup`) },
          ],
        };
      }
      return {
        subject: `drop ${table}.${column}`,
        steps: [
          { title: `Code: stop reading and writing ${table}.${column}`, files: [], note: `Deploy code that no longer names ${column} (ORMs: mark it ignored first, e.g. Rails ignored_columns).` },
          { title: `Wait ${columnWait}`, files: [], note: `Let every instance running the old code drain (contract-wait.column: ${columnWait}).` },
          { title: `Contract: drop ${table}.${column}`, files: files(`drop_${column}`, 1, `${lock}\nALTER TABLE ${table} DROP COLUMN ${column};`, `ALTER TABLE ${table} ADD COLUMN ${column} <type>; -- values are lost: restore from backup if needed`) },
        ],
      };
    }
    case 'ban-drop-table':
      return phasePlan({ ...finding, ruleId: 'ban-drop-column', details: { table } }, report, config);
    case 'ban-rename-table': {
      const to = String(details.newName ?? '<new_name>');
      return {
        subject: `rename table ${table} to ${to}`,
        steps: [
          {
            title: `Expand: rename ${table} to ${to} and keep ${table} as a view`,
            files: files(`rename_${table}_to_${to}`, 1, `${lock}\nBEGIN;\nALTER TABLE ${table} RENAME TO ${to};\nCREATE VIEW ${table} AS SELECT * FROM ${to};\nCOMMIT;`, `BEGIN;\nDROP VIEW ${table};\nALTER TABLE ${to} RENAME TO ${table};\nCOMMIT;`),
          },
          { title: `Code: use ${to}`, files: [], note: `Deploy code that names ${to}; the simple view keeps old code's reads and writes working meanwhile.` },
          { title: `Wait ${tableWait}`, files: [], note: `contract-wait.table: ${tableWait}.` },
          { title: `Contract: drop the view ${table}`, files: files(`drop_view_${table}`, 2, `DROP VIEW ${table};`, `CREATE VIEW ${table} AS SELECT * FROM ${to};`) },
        ],
      };
    }
    case 'ban-alter-column-type': {
      const target = column ?? '<column>';
      const type = String(details.newType ?? details.type ?? '<new type>');
      const next = `${target}_new`;
      return {
        subject: `change the type of ${table}.${target}`,
        steps: [
          { title: `Expand: add ${table}.${next} ${type}`, files: files(`add_${next}`, 1, `${lock}\nALTER TABLE ${table} ADD COLUMN ${next} ${type};`, `ALTER TABLE ${table} DROP COLUMN ${next};`) },
          { title: 'Code: write both columns', files: [], note: `Write ${target} and ${next} (or copy with a trigger); backfill ${next} in batches.` },
          { title: `Code: read ${next}`, files: [], note: 'Switch reads, then stop writing the old column.' },
          { title: `Wait ${columnWait}`, files: [], note: `contract-wait.column: ${columnWait}.` },
          {
            title: `Contract: swap the columns`,
            files: files(`swap_${target}`, 2, `${lock}\nBEGIN;\nALTER TABLE ${table} DROP COLUMN ${target};\nALTER TABLE ${table} RENAME COLUMN ${next} TO ${target};\nCOMMIT;`, `-- the old values are gone; restore from backup if needed`),
          },
        ],
      };
    }
    case 'require-nullable-or-default': {
      const target = column ?? '<column>';
      return {
        subject: `add NOT NULL column ${table}.${target}`,
        steps: [
          { title: `Expand: add ${table}.${target} as nullable (or with a constant DEFAULT)`, files: files(`add_${target}`, 1, `${lock}\nALTER TABLE ${table} ADD COLUMN ${target} <type>;`, `ALTER TABLE ${table} DROP COLUMN ${target};`) },
          { title: 'Code: always write the column; backfill old rows in batches', files: [] , note: `Deploy code that sets ${target} on every insert, then backfill rows where it is NULL.` },
          {
            title: `Enforce NOT NULL without a long lock`,
            files: files(
              `${target}_not_null`,
              2,
              `${lock}\nALTER TABLE ${table} ADD CONSTRAINT ${table}_${target}_not_null CHECK (${target} IS NOT NULL) NOT VALID;\nALTER TABLE ${table} VALIDATE CONSTRAINT ${table}_${target}_not_null;\nALTER TABLE ${table} ALTER COLUMN ${target} SET NOT NULL; -- Postgres 12+ uses the validated check, no scan\nALTER TABLE ${table} DROP CONSTRAINT ${table}_${target}_not_null;`,
              `ALTER TABLE ${table} ALTER COLUMN ${target} DROP NOT NULL;`,
            ),
          },
        ],
      };
    }
    default:
      return undefined;
  }
}
