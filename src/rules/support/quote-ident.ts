/**
 * Identifier quoting for the SQL our fix texts and pre-check queries print.
 * NOTE: a local helper until the shared one lands in src/rules/support: it follows
 * Postgres's quote_ident() (src/backend/utils/adt/ruleutils.c): an identifier stays bare
 * only when it is lower-case letters, digits, `_` and `$`, starts with a letter or `_`,
 * and is not a keyword other than an unreserved one (src/include/parser/kwlist.h).
 */

/** Reserved, column-name and type/function-name keywords (kwlist.h, Postgres 18): quote_ident quotes them. */
const QUOTED_KEYWORDS = new Set(
  [
    // RESERVED_KEYWORD
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role',
    'current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in',
    'initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select',
    'session_user some symmetric system_user table then to trailing true union unique user using variadic when where window with',
    // TYPE_FUNC_NAME_KEYWORD
    'authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join left like natural notnull outer overlaps right',
    'similar tablesample verbose',
    // COL_NAME_KEYWORD
    'between bigint bit boolean char character coalesce dec decimal exists extract float greatest grouping inout int integer interval json json_array',
    'json_arrayagg json_exists json_object json_objectagg json_query json_scalar json_serialize json_table json_value least merge_action national nchar',
    'none normalize nullif numeric out overlay position precision real row setof smallint substring time timestamp treat trim values varchar xmlattributes',
    'xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable',
  ]
    .join(' ')
    .split(' '),
);

/** An identifier as Postgres's quote_ident() prints it: bare when that reads back as the same name, else double-quoted. */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !QUOTED_KEYWORDS.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** A possibly schema-qualified name as the AST spells it (`schema.table`), each part quoted. */
export function quoteQualified(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

/** A relation as the statement names it, each part quoted (a name containing a dot stays one part). */
export function quoteRelation(relation: { schemaname?: string; relname?: string } | undefined): string {
  const name = quoteIdent(relation?.relname ?? '');
  return relation?.schemaname ? `${quoteIdent(relation.schemaname)}.${name}` : name;
}
