/**
 * Runs rules that read replay observations (source: 'replay') on observations a test builds,
 * instead of a replay on PGlite: the rules area's tests (test/mutation/areas.json) start no
 * database, and a built observation can hold what a given Postgres would report (a rewrite,
 * a failing down) without finding SQL that makes PGlite do it.
 */
import { analyze } from '../../src/core/analyze.js';
import { validateConfig } from '../../src/core/config.js';
import type { Finding } from '../../src/core/finding.js';
import type { ReplayObservations } from '../../src/core/observations.js';
import type { Statement } from '../../src/core/parse.js';
import type { ChangeSet, ExampleFile, Rule } from '../../src/core/rule.js';
import { discoverMigrations } from '../../src/conventions/index.js';
import { allRules } from '../../src/rules/index.js';
import { exampleFiles } from '../rule-tester.js';

/** What a test observed, given the change set (whose Statement objects key the observations). */
export type Observe = (changeSet: ChangeSet) => Partial<ReplayObservations>;

/** The findings of `rules` on `files`, with replay's observations built by `observe`. */
export async function findingsWithObservations(rules: Rule[], files: ExampleFile[], observe: Observe): Promise<Finding[]> {
  const config = validateConfig({ 'postgres-version': 16 }, allRules);
  const replay = async (changeSet: ChangeSet): Promise<ReplayObservations> => ({ statements: new Map(), notices: [], roundTrips: [], ...observe(changeSet) });
  const report = await analyze({ files: exampleFiles({ files }), config, rules, discover: discoverMigrations, replay });
  return report.findings.filter((f) => !f.suppression);
}

/** The `index`th statement of the file at `path` (its up and down sections in order). */
export function statementOf(changeSet: ChangeSet, path: string, index: number): Statement {
  const statement = changeSet.byPath(path)?.statements[index];
  if (!statement) throw new Error(`no statement ${index} in ${path}`);
  return statement;
}
