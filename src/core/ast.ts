/**
 * Small readers over libpg-query's AST, shared by rules. The AST wraps every node in an
 * object keyed by its type (`{ ColumnDef: {...} }`); these helpers unwrap it.
 */
import type { AlterTableCmd, AlterTableStmt, Node, RangeVar, TypeName } from '@pgsql/types';
import { quoteIdent } from './sql-names.js';

/** A node type name such as `AlterTableStmt`: the keys of libpg-query's Node union. */
export type NodeKind = KeysOfUnion<Node>;
type KeysOfUnion<T> = T extends unknown ? keyof T : never;

/** The statement kinds alterTableCommands reads (for rules' `statementKinds`). */
export const ALTER_TABLE_KINDS: readonly NodeKind[] = ['AlterTableStmt'];

/** The payload of a node if it is of the given type. */
export function nodeAs<T>(node: Node | undefined, type: string): T | undefined {
  return node && type in node ? ((node as Record<string, unknown>)[type] as T) : undefined;
}

/** The node's type name, e.g. `ColumnDef`. */
export function nodeType(node: Node | undefined): string | undefined {
  // NOTE: for-in, not Object.keys(node)[0]: no array per call (it runs for every statement).
  for (const key in node) return key;
  return undefined;
}

/** `schema.table` as written (schema omitted when not given). */
export function relationName(relation: RangeVar | undefined): string {
  if (!relation) return '?';
  return relation.schemaname ? `${relation.schemaname}.${relation.relname}` : (relation.relname ?? '?');
}

/** Normalises a relation name for comparisons: lower case, `public.` dropped. */
export function relationKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.startsWith('public.') ? lower.slice(7) : lower;
}

/** The string values of a list of `String` nodes (qualified names). */
export function stringList(nodes: Node[] | undefined): string[] {
  return (nodes ?? []).map((n) => nodeAs<{ sval?: string }>(n, 'String')?.sval ?? '').filter((s) => s !== '');
}

/** A qualified name such as `public.users` from a list of `String` nodes. */
export function qualifiedName(nodes: Node[] | undefined): string {
  return stringList(nodes).join('.');
}

/** The value of a constant node: string, number, boolean or null. */
export function constantValue(node: Node | undefined): string | number | boolean | null | undefined {
  const constant = nodeAs<Record<string, unknown>>(node, 'A_Const');
  if (constant) {
    if (constant.isnull) return null;
    const sval = constant.sval as { sval?: string } | undefined;
    if (sval) return sval.sval ?? '';
    const ival = constant.ival as { ival?: number } | undefined;
    if (ival) return ival.ival ?? 0;
    const fval = constant.fval as { fval?: string } | undefined;
    if (fval) return Number(fval.fval);
    const boolval = constant.boolval as { boolval?: boolean } | undefined;
    if (boolval) return boolval.boolval ?? false;
    return undefined;
  }
  const str = nodeAs<{ sval?: string }>(node, 'String');
  if (str) return str.sval ?? '';
  const int = nodeAs<{ ival?: number }>(node, 'Integer');
  if (int) return int.ival ?? 0;
  return undefined;
}

/**
 * Whether an option list (`VACUUM (FULL)`, `REINDEX (CONCURRENTLY false)`) turns the boolean
 * option `name` on, read as Postgres reads it (commands/define.c defGetBoolean): no value, 1,
 * true or on; 0, false or off turn it off.
 */
export function optionEnabled(options: Node[] | undefined, name: string): boolean {
  const option = (options ?? []).map((o) => nodeAs<{ defname?: string; arg?: Node }>(o, 'DefElem')).find((o) => o?.defname === name);
  if (!option) return false;
  const value = constantValue(option.arg);
  return value === undefined || value === 1 || value === true || (typeof value === 'string' && ['true', 'on'].includes(value.toLowerCase()));
}

/** The base type name without the `pg_catalog.` prefix, e.g. `varchar`, `int4`, `text`. */
export function typeBaseName(type: TypeName | undefined): string {
  const names = stringList(type?.names);
  return (names.length > 1 && names[0] === 'pg_catalog' ? names.slice(1) : names).join('.').toLowerCase();
}

/** The type modifiers as numbers, e.g. [255] for varchar(255), [10, 2] for numeric(10,2). */
export function typeModifiers(type: TypeName | undefined): number[] {
  return (type?.typmods ?? []).map((m) => constantValue(m)).filter((v): v is number => typeof v === 'number');
}

/**
 * The type as SQL that Postgres reads back as the same type, e.g. `varchar(255)`,
 * `numeric(10,2)`, `"Mood"[]`, `interval day to second(3)`; undefined when it cannot be
 * printed exactly (a type modifier that is not a number, such as PostGIS's
 * `geometry(Point, 4326)`): callers then print a placeholder.
 */
export function typeToSql(type: TypeName | undefined): string | undefined {
  const names = stringList(type?.names);
  const mods = (type?.typmods ?? []).map((m) => constantValue(m));
  if (!type || names.length === 0 || type.setof || type.pct_type || !mods.every((m): m is number => typeof m === 'number')) return undefined;
  const builtIn = names.length === 2 && names[0] === 'pg_catalog' ? names[1]! : undefined;
  const arrays = '[]'.repeat(type.arrayBounds?.length ?? 0);
  if (builtIn === 'interval') {
    const [range = INTERVAL_FULL_RANGE, precision] = mods;
    const fields = INTERVAL_RANGES[range];
    if (fields === undefined) return undefined;
    return `interval${fields ? ` ${fields}` : ''}${precision === undefined ? '' : `(${precision})`}${arrays}`;
  }
  // NOTE: a precision goes between the words: timestamptz(3) would name a type of the search path.
  const zoned = builtIn === 'timestamptz' || builtIn === 'timetz' ? builtIn.slice(0, -2) : undefined;
  if (zoned && mods.length) return `${zoned}(${mods.join(',')}) with time zone${arrays}`;
  // NOTE: the grammar's own names (int, varchar, double precision) map to pg_catalog types; any
  // other pg_catalog name was written qualified (pg_catalog."char" is not char) and stays so.
  const name = builtIn !== undefined ? (SQL_TYPE_NAMES[builtIn] ?? `pg_catalog.${quoteIdent(builtIn)}`) : names.map(quoteIdent).join('.');
  return `${name}${mods.length ? `(${mods.join(',')})` : ''}${arrays}`;
}

/** pg_catalog types that SQL's type syntax names (gram.y): their names as users write them. */
const SQL_TYPE_NAMES: Record<string, string> = {
  int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean', bpchar: 'char', varchar: 'varchar',
  numeric: 'numeric', json: 'json', bit: 'bit', varbit: 'bit varying', timestamp: 'timestamp', timestamptz: 'timestamptz', time: 'time', timetz: 'timetz',
};
/** An interval's first type modifier, the field range mask (src/include/utils/datetime.h, INTERVAL_MASK), as SQL. */
const INTERVAL_FULL_RANGE = 0x7fff;
const INTERVAL_RANGES: Record<number, string> = {
  [INTERVAL_FULL_RANGE]: '', 4: 'year', 2: 'month', 8: 'day', 1024: 'hour', 2048: 'minute', 4096: 'second', 6: 'year to month',
  1032: 'day to hour', 3080: 'day to minute', 7176: 'day to second', 3072: 'hour to minute', 7168: 'hour to second', 6144: 'minute to second',
};

/** Walks every node below `node`, depth first, calling `visit` with the type and payload. */
export function walk(node: unknown, visit: (type: string, payload: Record<string, unknown>) => void): void {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const current = stack.pop();
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push(current[i]);
    } else if (current && typeof current === 'object') {
      // NOTE: for-in and a char code test instead of Object.entries and a regex: this loop
      // visits every node of every statement (a 100,000-statement file: 0.6 s, bench/).
      const object = current as Record<string, unknown>;
      for (const key in object) {
        const value = object[key];
        if (value && typeof value === 'object') {
          const first = key.charCodeAt(0);
          if (first >= 65 && first <= 90 && !Array.isArray(value)) visit(key, value as Record<string, unknown>);
          stack.push(value);
        }
      }
    }
  }
}

/** An ALTER TABLE statement's target and sub-commands. */
export interface AlterTableCommands {
  table: string;
  relation: RangeVar | undefined;
  commands: readonly AlterTableCmd[];
}

/**
 * An ALTER TABLE statement's target and sub-commands, or undefined for other statements.
 * Computed once per node (shared: do not modify).
 */
export function alterTableCommands(node: Node): AlterTableCommands | undefined {
  // NOTE: most statements are not ALTER TABLE; they need no memo lookup.
  return 'AlterTableStmt' in node ? alterTableMemo.of(node) : undefined;
}

function readAlterTable(node: Node): AlterTableCommands | undefined {
  const alter = nodeAs<AlterTableStmt>(node, 'AlterTableStmt');
  if (!alter || (alter.objtype !== undefined && alter.objtype !== 'OBJECT_TABLE')) return undefined;
  const commands = (alter.cmds ?? []).map((c) => nodeAs<AlterTableCmd>(c, 'AlterTableCmd')).filter((c): c is AlterTableCmd => !!c);
  return { table: relationName(alter.relation), relation: alter.relation, commands };
}

/**
 * A reading of an AST node (its lock, its ALTER TABLE commands, the columns and constraints
 * it adds), computed once per node and shared: callers must not modify it.
 * NOTE: the one cache of what a statement's AST says. The engine and about thirty rules
 * read these for every statement; reading them again per rule cost 8% of the CPU time of
 * a run over the 1,570 corpus files (bench/). The value is kept on the node under a
 * private symbol, so it goes when the statements go. A WeakMap keyed by the node measured as slow as no cache, and a
 * closure per reading instead of this class' one method 7% slower on 20,000 ALTER TABLEs
 * in one transaction.
 */
export class NodeMemo<V> {
  private readonly slot: symbol;

  constructor(
    name: string,
    private readonly read: (node: Node) => V,
  ) {
    this.slot = Symbol(name);
  }

  of(node: Node): V {
    const holder = node as unknown as Record<symbol, V>;
    const known = holder[this.slot];
    if (known !== undefined || this.slot in holder) return known as V;
    const value = this.read(node);
    // NOTE: not enumerable: JSON output and deep equality do not see it.
    Object.defineProperty(holder, this.slot, { value });
    return value;
  }
}

const alterTableMemo = new NodeMemo('alterTableCommands', readAlterTable);
