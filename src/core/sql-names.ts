/**
 * Identifiers in the SQL we print (fix texts, phase plans, suggested queries), quoted by
 * Postgres' own rule (quote_ident, src/backend/utils/adt/ruleutils.c): a name stays bare
 * only if it is lower-case letters, digits, `_` and `$`, does not start with a digit or `$`,
 * and is not a keyword the grammar rejects as a bare name; otherwise it is double-quoted
 * with `"` doubled. `PromptHistory` prints as `"PromptHistory"`, `order` as `"order"`.
 */

/**
 * The keywords quote_ident quotes: every category but UNRESERVED_KEYWORD (reserved,
 * column-name and type/function-name keywords), as the libpg-query parser we use knows them.
 * test/core/sql-names.test.ts re-derives this list from the parser's own keyword table, so
 * a libpg-query upgrade that adds a keyword fails the test instead of printing broken SQL.
 */
const QUOTED_KEYWORDS = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'authorization',
  'between', 'bigint', 'binary', 'bit', 'boolean', 'both', 'case', 'cast', 'char', 'character',
  'check', 'coalesce', 'collate', 'collation', 'column', 'concurrently', 'constraint', 'create',
  'cross', 'current_catalog', 'current_date', 'current_role', 'current_schema', 'current_time',
  'current_timestamp', 'current_user', 'dec', 'decimal', 'default', 'deferrable', 'desc',
  'distinct', 'do', 'else', 'end', 'except', 'exists', 'extract', 'false', 'fetch', 'float', 'for',
  'foreign', 'freeze', 'from', 'full', 'grant', 'greatest', 'group', 'grouping', 'having', 'ilike',
  'in', 'initially', 'inner', 'inout', 'int', 'integer', 'intersect', 'interval', 'into', 'is',
  'isnull', 'join', 'json', 'json_array', 'json_arrayagg', 'json_exists', 'json_object',
  'json_objectagg', 'json_query', 'json_scalar', 'json_serialize', 'json_table', 'json_value',
  'lateral', 'leading', 'least', 'left', 'like', 'limit', 'localtime', 'localtimestamp',
  'merge_action', 'national', 'natural', 'nchar', 'none', 'normalize', 'not', 'notnull', 'null',
  'nullif', 'numeric', 'offset', 'on', 'only', 'or', 'order', 'out', 'outer', 'overlaps', 'overlay',
  'placing', 'position', 'precision', 'primary', 'real', 'references', 'returning', 'right', 'row',
  'select', 'session_user', 'setof', 'similar', 'smallint', 'some', 'substring', 'symmetric',
  'system_user', 'table', 'tablesample', 'then', 'time', 'timestamp', 'to', 'trailing', 'treat',
  'trim', 'true', 'union', 'unique', 'user', 'using', 'values', 'varchar', 'variadic', 'verbose',
  'when', 'where', 'window', 'with', 'xmlattributes', 'xmlconcat', 'xmlelement', 'xmlexists',
  'xmlforest', 'xmlnamespaces', 'xmlparse', 'xmlpi', 'xmlroot', 'xmlserialize', 'xmltable',
]);

/** The keywords quoteIdent quotes (for the test that checks them against the parser). */
export const quotedKeywords: ReadonlySet<string> = QUOTED_KEYWORDS;

/** One identifier as Postgres' quote_ident prints it: bare when it may be, else `"..."`. */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !QUOTED_KEYWORDS.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A possibly schema-qualified name as we hold it (`schema.table`, from relationName),
 * quoted part by part: `Sales.Orders` prints as `"Sales"."Orders"`.
 * NOTE: names are held joined with `.`, so a quoted name that itself contains a dot is
 * split too; Postgres allows it, but such names are rare enough not to carry parts around.
 */
export function quoteQualified(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

/** A relation as the statement names it (its AST node), each part quoted: a name containing a dot stays one part. */
export function quoteRelation(relation: { schemaname?: string; relname?: string } | undefined): string {
  const name = quoteIdent(relation?.relname ?? '');
  return relation?.schemaname ? `${quoteIdent(relation.schemaname)}.${name}` : name;
}

/** A string literal as SQL (standard_conforming_strings on, the default since 9.1): `'it''s'`. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A list of identifiers as SQL: `email, "createdAt"`. */
export function quoteIdentList(names: readonly string[]): string {
  return names.map(quoteIdent).join(', ');
}

/**
 * A name derived from a relation for an object we suggest creating (an index, a
 * constraint): `Sales.Orders` and `pkey` give `Orders_pkey`. Unqualified, because index
 * and constraint names live in their table's schema (CREATE INDEX rejects a schema).
 */
export function derivedName(relation: string, ...suffixes: string[]): string {
  return [relation.slice(relation.lastIndexOf('.') + 1), ...suffixes].join('_');
}

/** The relation after `ALTER TABLE relation RENAME TO newName` (the schema stays). */
export function renamedRelation(relation: string, newName: string): string {
  const dot = relation.lastIndexOf('.');
  return dot < 0 ? newName : `${relation.slice(0, dot + 1)}${newName}`;
}
