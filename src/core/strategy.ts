/**
 * Deployment strategy advice: classifies a change by what it needs to ship without
 * downtime, and for breaking findings asks the finding's rule for its expand/contract phase
 * plan (migration files with their down files, code change, wait, cleanup) with the user's
 * own names. What a rule knows stays in the rule: its category says whether its findings
 * break running code, its `phasePlan` writes the plan.
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
import type { Rule } from './rule.js';

export type Strategy = 'backward-compatible' | 'needs-maintenance-window' | 'needs-blue-green';

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

/** What a rule's phasePlan gets to write files in the finding's own convention. */
export interface PlanWriter {
  /** The migration files for one step: up and down (or one file with both sections, or a rollback comment). */
  files(name: string, step: number, up: string, down: string): PlanStep['files'];
  contractWait: Config['contract-wait'];
}

export interface StrategyAdvice {
  strategy: Strategy;
  /** One sentence: why this strategy. */
  reason: string;
  plans: PhasePlan[];
}

/**
 * The strategy for a report (unsuppressed blocking findings decide it). A finding of a rule
 * in the `breaking` category means old code breaks; `rules` are the rules that ran (their
 * phase plans and categories).
 */
export function adviseStrategy(report: Report, config: Pick<Config, 'contract-wait'>, rules: readonly Rule[]): StrategyAdvice {
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const breaking = report.blocking.filter((f) => byId.get(f.ruleId)?.category === 'breaking');
  if (breaking.length > 0) {
    const plans = uniquePlans(breaking.map((f) => byId.get(f.ruleId)?.phasePlan?.(f.details, planWriter(f, report, config))).filter((p): p is PhasePlan => !!p));
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
    default:
      // dbmate, goose (both directions in one file, in sections) and plain SQL.
      return { up: `${dir}${version}_${name}.sql` };
  }
}

/** Writes a plan's files next to the finding's file, in its convention. */
function planWriter(finding: Finding, report: Report, config: Pick<Config, 'contract-wait'>): PlanWriter {
  const convention = report.files.find((f) => f.path === finding.file)?.convention ?? 'plain';
  const sectioned = convention === 'dbmate' || convention === 'goose';
  return {
    contractWait: config['contract-wait'],
    files(name, step, up, down) {
      const paths = newMigrationPaths(finding.file, convention, name, step);
      if (sectioned) {
        const [upMarker, downMarker] = convention === 'dbmate' ? ['-- migrate:up', '-- migrate:down'] : ['-- +goose Up', '-- +goose Down'];
        return [{ path: paths.up, sql: `${upMarker}\n${up}\n\n${downMarker}\n${down}` }];
      }
      return paths.down ? [{ path: paths.up, sql: up }, { path: paths.down, sql: down }] : [{ path: paths.up, sql: `${up}\n-- rollback (no down file in this convention):\n-- ${down.split('\n').join('\n-- ')}` }];
    },
  };
}
