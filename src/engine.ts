/**
 * The engine as the entry points use it: the pure core wired to the conventions and the
 * rule registry. Takes file contents (and, optionally, the stages that do I/O: replay,
 * parsing on worker threads), returns a Report. The whole pipeline with its inputs is
 * src/check.ts.
 */
import { analyze, type ParseAhead, type Scope } from './core/analyze.js';
import type { Config } from './core/config.js';
import type { HistoryFacts } from './core/history-facts.js';
import type { InputFile } from './core/migration.js';
import type { ReplayStage } from './core/observations.js';
import type { Report } from './core/report.js';
import { discoverMigrations } from './conventions/index.js';
import { allRules } from './rules/index.js';

/** What the engine can be given besides the files and the config. */
export interface EngineStages {
  /** History facts (src/history/gather.ts) for the expand/contract rules. */
  facts?: HistoryFacts;
  /** Parses the SQL ahead, e.g. on worker threads (src/parser/parse-pool.ts). */
  parseAhead?: ParseAhead;
  /** Replays the migrations before the rules run (src/replay). */
  replay?: ReplayStage;
  /** Which migrations are new (docs/scope.md); default `change`. */
  scope?: Scope;
}

export function checkMigrations(files: readonly InputFile[], config: Config, stages: EngineStages = {}): Promise<Report> {
  return analyze({ files, config, rules: allRules, discover: discoverMigrations, ...stages });
}
