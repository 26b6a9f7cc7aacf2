/**
 * The production context as the entry points use it: a stats file's text parsed and
 * applied to a report with the registry's rules (their category and work) and the
 * snapshot's coefficients (the shipped defaults when the snapshot has none). The CLI
 * reads the file from disk, the action from the base commit.
 */
import type { Config } from '../core/config.js';
import { DEFAULT_COEFFICIENTS } from '../core/estimate.js';
import { applyProductionContext } from '../core/production-context.js';
import type { Report } from '../core/report.js';
import { parseStatsSnapshot } from '../core/stats.js';
import { findRule } from '../rules/index.js';

/** Judges the report's findings against the stats file (`stats-file:` or `--stats-file`). */
export function withStats(report: Report, config: Config, statsFile: { path: string; text: string }): Report {
  const snapshot = parseStatsSnapshot(statsFile.text, statsFile.path);
  return applyProductionContext(report, {
    snapshot,
    coefficients: snapshot.coefficients ?? DEFAULT_COEFFICIENTS,
    thresholds: config['size-thresholds'],
    ruleOf: findRule,
  });
}
