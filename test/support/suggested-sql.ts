/**
 * Reads the SQL a finding suggests (its fix text and its rule's phase plan) the way a user
 * would copy it, so tests can parse it and run it. The convention, for every rule's fix
 * text: suggested SQL sits on lines of its own (see fixSqlSteps); `<placeholder>` marks
 * what the user fills in.
 */
import { loadModule, parseSync, scanSync } from 'libpg-query';
import type { Finding } from '../../src/core/finding.js';
import { FIX_PHASE_MARKERS, type FixPhase } from '../../src/core/fix-phases.js';
import type { Rule } from '../../src/core/rule.js';
import type { PlanWriter } from '../../src/core/strategy.js';

await loadModule();

/** A placeholder becomes a name that parses wherever a name, type or value goes. */
export function fillPlaceholders(sql: string): string {
  return sql.replace(/'<[^>]*>'/g, "'placeholder'").replace(/<[^<>\s][^<>]*>/g, 'placeholder');
}

/** SQL command words a suggested statement starts with. */
const SQL_START = /^(ALTER|CREATE|DROP|SET|UPDATE|DELETE|INSERT|REFRESH|REINDEX|TRUNCATE|BEGIN|COMMIT|SELECT|VACUUM|LOCK)\b/;

/** The phase a fix text's line starts with, if it names one (`2. [down migration] ...`). */
function fixPhaseOf(line: string): FixPhase | undefined {
  const heading = line.replace(/^\d+\.\s+/, '');
  return (Object.keys(FIX_PHASE_MARKERS) as FixPhase[]).find((phase) => heading.startsWith(FIX_PHASE_MARKERS[phase]));
}

/** One step of a fix text's SQL, with where it runs (core/fix-phases.ts). */
export interface FixStep {
  phase: FixPhase;
  sql: string;
}

/**
 * The SQL of a fix text, grouped into steps. SQL sits on a line of its own: indented by three
 * spaces (continuing the step above) or after a step number (`2. ALTER TABLE ...`, a new step).
 * A phase marker (`3. [later release, after the code is deployed] ...`) sets the phase of
 * the steps after it; before any marker, steps belong to this change's migrations.
 */
export function fixSqlSteps(fix: string): FixStep[] {
  const steps: { phase: FixPhase; lines: string[] }[] = [];
  let phase: FixPhase = 'migration';
  let current: string[] | undefined;
  for (const line of fix.split('\n')) {
    phase = fixPhaseOf(line) ?? phase;
    const numbered = /^\d+\.\s+(.*)$/.exec(line)?.[1];
    const indented = /^ {3}(?! )(.*)$/.exec(line)?.[1];
    const sql = numbered ?? indented;
    // NOTE: an ignore comment in a step is part of what the user copies (a contract step suppresses its own rule, with a reason).
    const isIgnore = indented?.startsWith('-- migration-guard:') ?? false;
    if (sql === undefined || !(SQL_START.test(sql) || isIgnore)) {
      current = undefined;
      continue;
    }
    if (numbered !== undefined || !current) steps.push({ phase, lines: (current = []) });
    current.push(sql);
  }
  return steps.map(({ phase, lines }) => ({ phase, sql: lines.join('\n') }));
}

/** Lines with a statement to copy that does not start the line (a breach of the convention above). */
export function inlineSql(fix: string): string[] {
  return fix.split('\n').filter((line) => !SQL_START.test(line.replace(/^(\d+\.\s+| {3})/, '')) && /\b(ALTER TABLE|CREATE (UNIQUE )?INDEX|DROP (TABLE|INDEX|VIEW|SCHEMA|COLUMN)|UPDATE \S+ SET|DELETE FROM|REFRESH MATERIALIZED|SET (lock|statement)_timeout)\b[^;]*;/.test(line));
}

/** Every SQL file of the finding's phase plan (from its rule), keyed by path. */
export function planFiles(rule: Rule, finding: Finding): { path: string; sql: string }[] {
  const writer: PlanWriter = {
    contractWait: { column: '24h', table: '14d' },
    files: (name, step, up, down) => [
      { path: `migrations/2026010200000${step}_${name}.up.sql`, sql: up },
      { path: `migrations/2026010200000${step}_${name}.down.sql`, sql: down },
    ],
  };
  return rule.phasePlan?.(finding.details, writer)?.steps.flatMap((step) => step.files) ?? [];
}

/** Names a statement mentions: relations, columns, indexes, constraints (not functions or types). */
export function namesIn(sql: string): string[] {
  const names: string[] = [];
  const strings = (list: unknown): void => {
    for (const item of Array.isArray(list) ? list : []) {
      const node = item as { String?: { sval?: string }; List?: { items?: unknown[] } };
      if (node.String?.sval) names.push(node.String.sval);
      if (node.List) strings(node.List.items);
    }
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    for (const [field, child] of Object.entries(value as Record<string, unknown>)) {
      if (SKIPPED_NODES.has(field) || (field === 'typeName' && !Array.isArray(child))) continue;
      if (typeof child === 'string' && NAME_FIELDS.has(field)) names.push(child);
      else if (NAME_LISTS.has(field)) strings(child);
      else visit(child);
    }
  };
  visit((parseSync(sql).stmts ?? []).map((s) => s.stmt));
  return names;
}
/** Nodes whose names are not relations or columns: functions, types, options, settings. */
const SKIPPED_NODES = new Set(['FuncCall', 'TypeName', 'DefElem', 'VariableSetStmt']);
/** Fields that hold one name; `name` of ResTarget (UPDATE ... SET name), IndexElem and AlterTableCmd. */
const NAME_FIELDS = new Set(['relname', 'schemaname', 'colname', 'idxname', 'conname', 'subname', 'newname', 'indexname', 'name']);
/** Fields that hold a list of names (ColumnRef fields, DROP objects, constraint columns, a domain's name). */
const NAME_LISTS = new Set(['fields', 'objects', 'keys', 'fk_attrs', 'pk_attrs', 'including', 'typeName', 'domainname']);

/**
 * The example's SQL with every plain identifier turned into a quoted, mixed-case one
 * (`users` becomes `"Users"`): names that only survive if every printed identifier is quoted.
 * Function names (`(` right after the name) and type names stay as they are.
 */
export function mixedCaseVariant(sql: string): string {
  const tokens = scanSync(sql).tokens;
  let out = '';
  let at = 0;
  const bytes = Buffer.from(sql, 'utf8');
  for (const [i, token] of tokens.entries()) {
    if (token.tokenName !== 'IDENT') continue;
    const text = bytes.subarray(token.start, token.end).toString('utf8');
    const next = tokens[i + 1];
    const call = next?.text === '(' && next.start === token.end;
    if (call || TYPE_NAMES.has(text) || tokens[i - 1]?.text === '::') continue;
    out += bytes.subarray(at, token.start).toString('utf8') + `"${text[0]!.toUpperCase()}${text.slice(1)}"`;
    at = token.end;
  }
  return out + bytes.subarray(at).toString('utf8');
}
const TYPE_NAMES = new Set(['text', 'int2', 'int4', 'int8', 'jsonb', 'timestamptz', 'uuid', 'bool', 'serial', 'bigserial', 'smallserial', 'citext', 'bytea', 'date', 'inet', 'float8', 'serial4', 'serial8', 'tsvector', 'mood', 'status']);
