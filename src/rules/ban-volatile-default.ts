import type { ColumnDef, Constraint, FuncCall } from '@pgsql/types';
import { ALTER_TABLE_KINDS, alterTableCommands, nodeAs, stringList, typeToSql, walk } from '../core/ast.js';
import { FIX_PHASE_MARKERS } from '../core/fix-phases.js';
import { defineRule } from '../core/rule.js';

/**
 * Built-in functions that are stable or immutable, so a DEFAULT using them is evaluated
 * once (11+). NOTE: any other function is treated as volatile, as Postgres does for
 * CREATE FUNCTION without a volatility class.
 */
const NON_VOLATILE = new Set([
  'now', 'transaction_timestamp', 'statement_timestamp', 'current_setting', 'date_trunc', 'timezone', 'to_timestamp', 'to_date', 'to_char', 'make_date', 'make_time',
  'make_timestamp', 'make_timestamptz', 'make_interval', 'lower', 'upper', 'concat', 'format', 'length', 'abs', 'round', 'greatest', 'least', 'coalesce', 'nullif',
  'jsonb_build_object', 'json_build_object', 'jsonb_build_array', 'json_build_array', 'to_jsonb', 'to_json', 'array_to_string', 'string_to_array', 'md5',
]);

/** The first volatile function the expression calls, if any. */
function volatileCall(expr: unknown): string | undefined {
  let found: string | undefined;
  walk(expr, (type, payload) => {
    if (found) return;
    if (type === 'FuncCall') {
      const name = stringList((payload as FuncCall).funcname).at(-1)?.toLowerCase() ?? '';
      if (!NON_VOLATILE.has(name)) found = `${name}()`;
    }
  });
  return found;
}

export default defineRule({
  id: 'ban-volatile-default',
  severity: 'error',
  category: 'locking',
  summary: 'ADD COLUMN with a volatile DEFAULT (or any DEFAULT before 11) rewrites the table',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: true,
  statementKinds: ALTER_TABLE_KINDS,
  messages: {
    volatileDefault: 'Adding {{table}}.{{column}} with DEFAULT {{expression}} rewrites the whole table under an ACCESS EXCLUSIVE lock.',
    defaultBefore11: 'On Postgres {{version}}, adding {{table}}.{{column}} with a DEFAULT rewrites the whole table under an ACCESS EXCLUSIVE lock.',
  },
  why: 'Postgres 11+ stores a constant or stable default in the catalog; a volatile one is evaluated per row, which rewrites the table. Before 11 any non-null default rewrites the table.',
  fix: [
    'Add the column without the default, set it for new rows, backfill in batches:',
    `1. ${FIX_PHASE_MARKERS.migration} Add the column, then its default for new rows:`,
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ADD COLUMN {{column|ident}} {{type}};',
    '   ALTER TABLE {{table|relation}} ALTER COLUMN {{column|ident}} SET DEFAULT <expression>;',
    `2. ${FIX_PHASE_MARKERS['background-job']} Backfill in batches, each in its own transaction:`,
    '   UPDATE {{table|relation}} SET {{column|ident}} = <expression> WHERE {{column|ident}} IS NULL AND id BETWEEN <from> AND <to>;',
  ].join('\n'),
  versions: 'Before Postgres 11 any non-null DEFAULT on ADD COLUMN rewrites the table; from 11 only volatile ones do.',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES', 'https://github.com/ankane/strong_migrations#adding-a-column-with-a-volatile-default-value'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();', messageIds: ['volatileDefault'] },
      { sql: 'ALTER TABLE users ADD COLUMN active boolean DEFAULT true;', postgresVersion: 10, messageIds: ['defaultBefore11'] },
      { sql: 'ALTER TABLE orders ADD COLUMN placed_at timestamptz DEFAULT now();', postgresVersion: 10, messageIds: ['defaultBefore11'], why: 'before 11 even a stable default rewrites the table' },
      {
        sql: 'ALTER TABLE users ADD COLUMN api_key text DEFAULT md5(random()::text || clock_timestamp()::text);',
        why: 'one finding for the column, naming one of its volatile calls',
        messages: ['Adding users.api_key with DEFAULT clock_timestamp() rewrites the whole table under an ACCESS EXCLUSIVE lock.'],
      },
    ],
    valid: [
      { sql: 'ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;', why: 'constant defaults are stored in the catalog on 11+' },
      { sql: 'ALTER TABLE users ADD COLUMN verified boolean NOT NULL DEFAULT false;', postgresVersion: 11, why: '11 is the first version that stores a constant default in the catalog' },
      { sql: 'ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();', why: 'now() is stable: evaluated once' },
      { sql: 'ALTER TABLE users ADD COLUMN archived_at timestamptz DEFAULT NULL;', postgresVersion: 10, why: 'DEFAULT NULL is no default: nothing to write, even before 11' },
      { sql: 'CREATE TABLE drafts (id bigint);\nALTER TABLE drafts ADD COLUMN token uuid DEFAULT gen_random_uuid();', why: 'the table is new' },
    ],
  },
  statement({ statement, isNewTable, postgresVersion, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    for (const command of alter.commands) {
      const column = command.subtype === 'AT_AddColumn' ? nodeAs<ColumnDef>(command.def, 'ColumnDef') : undefined;
      const constraint = column?.constraints?.map((c) => nodeAs<Constraint>(c, 'Constraint')).find((c) => c?.contype === 'CONSTR_DEFAULT');
      if (!column || !constraint?.raw_expr) continue;
      const data = { table: alter.table, column: column.colname ?? '?', type: typeToSql(column.typeName) ?? '<type>' };
      const expression = volatileCall(constraint.raw_expr);
      if (expression) report({ messageId: 'volatileDefault', data: { ...data, expression }, tables: [alter.table] });
      else if (postgresVersion < 11 && nodeAs<{ isnull?: boolean }>(constraint.raw_expr, 'A_Const')?.isnull !== true) report({ messageId: 'defaultBefore11', data: { ...data, version: postgresVersion }, tables: [alter.table] });
    }
  },
});
