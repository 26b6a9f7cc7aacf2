/**
 * Gathers the history facts (core/history-facts.ts) for the expand/contract rules from a git checkout:
 * only for the columns and tables that the change drops or renames, so a pull request
 * without such statements costs nothing here.
 */
import picomatch from 'picomatch';
import type { Config } from '../core/config.js';
import { type HistoryFacts, type CodeReference, contractTargetsOf, type ContractTarget, type ExpandEvidence, targetKey } from '../core/history-facts.js';
import type { InputFile } from '../core/migration.js';
import { DEFAULT_MIGRATION_GLOBS, discoverMigrations } from '../conventions/index.js';
import { DEFAULT_CODE_GLOBS, findCodeReferences } from './code-references.js';
import { expandEvidenceFor, historyDepth } from './expand-evidence.js';

export interface GatherOptions {
  /** Root of the git checkout (the PR head). */
  root: string;
  /** The base commit (merge base) whose history holds the expand steps. */
  baseCommit: string;
  /** Search application code in this commit instead of the working tree (see CodeSearchOptions). */
  headRevision?: string;
  now: Date;
}

export async function gatherHistoryFacts(files: readonly InputFile[], config: Config, options: GatherOptions): Promise<HistoryFacts> {
  const migrations = discoverMigrations(files, config);
  const targets = await contractTargetsOf(files, migrations);
  const history = await historyDepth(options.root);
  const evidence = new Map<string, ExpandEvidence | undefined>();
  const references = new Map<string, CodeReference[]>();
  if (targets.length > 0) {
    const migrationGlobs = config.paths.length ? config.paths : DEFAULT_MIGRATION_GLOBS;
    const codeGlobs = config['code-paths'].length ? config['code-paths'] : DEFAULT_CODE_GLOBS;
    const inputs = new Map(files.map((f) => [f.path, f]));
    const baseMigrations = migrations
      .map((migration) => ({ migration, input: inputs.get(migration.path)! }))
      .filter(({ input }) => input && (input.change === 'unchanged' || input.change === 'modified'))
      .map(({ migration, input }) => ({ migration, input: input.change === 'modified' ? { ...input, text: input.baseText ?? input.text } : input }));
    const isMigration = picomatch([...migrationGlobs], { dot: true });
    const codeOnly = codeGlobs.filter((g) => !isMigration(g));
    for (const target of targets) {
      evidence.set(targetKey(target), await expandEvidenceFor(target, { root: options.root, baseCommit: options.baseCommit, baseMigrations, codeGlobs: codeOnly }));
    }
    const found = await findCodeReferences(targets, {
      root: options.root,
      include: codeGlobs,
      excludeMigrations: migrationGlobs,
      ...(options.headRevision ? { revision: options.headRevision } : {}),
    });
    for (const [target, refs] of found) references.set(targetKey(target), refs);
  }
  return {
    now: options.now,
    history,
    expandEvidence: (target: ContractTarget) => evidence.get(targetKey(target)),
    codeReferences: (target: ContractTarget) => references.get(targetKey(target)) ?? [],
  };
}
