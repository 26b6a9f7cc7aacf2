/**
 * History facts: what some rules need from outside the migration files, namely when the
 * expand step of an expand/contract change landed on the base branch (git history) and
 * where the head's application code still names a relation or column. src/history/gather.ts
 * gathers them; the core only reads them, so rules stay pure and testable with plain data.
 */
import type { Node, RenameStmt } from '@pgsql/types';
import { alterTableCommands, nodeAs, type NodeKind, relationKey, relationName } from './ast.js';
import type { InputFile, MigrationFile } from './migration.js';
import { loadParser, parseRegion } from './parse.js';
import type { ExampleFacts } from './rule.js';
import { LineIndex } from './source.js';

/** A column or table that a statement drops or renames: the "contract" step. */
export interface ContractTarget {
  kind: 'column' | 'table';
  operation: 'drop' | 'rename';
  table: string;
  /** For column targets. */
  column?: string;
  /** For renames: the new name. */
  newName?: string;
}

/** When the expand step for a target landed on the base branch, and where. */
export interface ExpandEvidence {
  /** `migration`: the newest base migration touching the target; `code`: the last code change naming it. */
  source: 'migration' | 'code';
  /** The migration or code path that carries the evidence. */
  path: string;
  commit: string;
  /** ISO 8601 commit time on the base branch. */
  landedAt: string;
}

/** A line of application code that names a target. */
export interface CodeReference {
  path: string;
  line: number;
  column: number;
  /** The line's text (trimmed, capped). */
  text: string;
}

/** What the history and code search found; absent facts mean "not looked up". */
export interface HistoryFacts {
  /** The time to compare against (injected so tests control it). */
  now: Date;
  /** `complete`: full history; `shallow`: a shallow clone, evidence may be missing; `none`: not a git checkout. */
  history: 'complete' | 'shallow' | 'none';
  expandEvidence(target: ContractTarget): ExpandEvidence | undefined;
  codeReferences(target: ContractTarget): CodeReference[];
}

/** A stable key for a target: `table` or `table.column`, lower case, `public.` dropped. */
export function targetKey(target: ContractTarget): string {
  return relationKey(target.column ? `${target.table}.${target.column}` : target.table);
}

/** Facts given as plain data (rule examples, tests): lookups by targetKey. */
export function staticFacts(data: ExampleFacts): HistoryFacts {
  return {
    now: new Date(data.now),
    history: 'complete',
    expandEvidence: (target) => data.expand?.[targetKey(target)],
    codeReferences: (target) => data.references?.[targetKey(target)] ?? [],
  };
}

/** The drop and rename targets of the up sections of the changed migrations. */
export async function contractTargetsOf(files: readonly InputFile[], migrations: readonly MigrationFile[]): Promise<ContractTarget[]> {
  await loadParser();
  const byPath = new Map(files.map((f) => [f.path, f]));
  const targets = new Map<string, ContractTarget>();
  for (const migration of migrations) {
    const input = byPath.get(migration.path);
    if (!input || (input.change !== 'added' && input.change !== 'modified')) continue;
    const lines = new LineIndex(input.text);
    for (const section of migration.sections) {
      if (section.role !== 'up') continue;
      for (const statement of parseRegion(lines, section.start, section.end, 'up').statements) {
        for (const target of contractTargets(statement.node)) targets.set(`${target.operation}:${targetKey(target)}`, target);
      }
    }
  }
  return [...targets.values()];
}

/** The statement kinds contractTargets reads. */
export const CONTRACT_TARGET_KINDS: readonly NodeKind[] = ['AlterTableStmt', 'RenameStmt', 'DropStmt'];

/** The columns and tables a statement drops or renames (the names old code may still use). */
export function contractTargets(node: Node): ContractTarget[] {
  const alter = alterTableCommands(node);
  if (alter) {
    return alter.commands
      .filter((c) => c.subtype === 'AT_DropColumn' && c.name)
      .map((c) => ({ kind: 'column' as const, operation: 'drop' as const, table: alter.table, column: c.name! }));
  }
  const rename = nodeAs<RenameStmt>(node, 'RenameStmt');
  if (rename?.relation) {
    const table = relationName(rename.relation);
    if (rename.renameType === 'OBJECT_COLUMN' && rename.subname) return [{ kind: 'column', operation: 'rename', table, column: rename.subname, newName: rename.newname }];
    if (rename.renameType === 'OBJECT_TABLE') return [{ kind: 'table', operation: 'rename', table, newName: rename.newname }];
    return [];
  }
  const drop = nodeAs<{ removeType?: string; objects?: Node[] }>(node, 'DropStmt');
  if (drop?.removeType === 'OBJECT_TABLE') {
    return (drop.objects ?? []).map((o) => ({
      kind: 'table' as const,
      operation: 'drop' as const,
      table: (nodeAs<{ items?: Node[] }>(o, 'List')?.items ?? []).map((i) => nodeAs<{ sval?: string }>(i, 'String')?.sval ?? '').join('.'),
    }));
  }
  return [];
}
