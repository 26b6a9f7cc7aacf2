/**
 * The engine as the entry points use it: the pure core wired to the conventions and the
 * rule registry. Takes file contents, returns a Report; still no I/O.
 */
import { analyze, type ParseAhead } from './core/analyze.js';
import type { Config } from './core/config.js';
import type { AnalysisFacts } from './core/facts.js';
import type { InputFile } from './core/migration.js';
import type { Report } from './core/report.js';
import { discoverMigrations } from './conventions/index.js';
import { allRules } from './rules/index.js';

/**
 * @param facts history and code facts (from src/local/facts.ts) for the expand/contract rules.
 * @param parseAhead parses the SQL ahead, e.g. on worker threads (src/local/parse-pool.ts).
 */
export function checkMigrations(files: readonly InputFile[], config: Config, facts?: AnalysisFacts, parseAhead?: ParseAhead): Promise<Report> {
  return analyze({ files, config, rules: allRules, discover: discoverMigrations, facts, parseAhead });
}
