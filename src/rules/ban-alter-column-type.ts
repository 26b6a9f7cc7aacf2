import type { A_Const, ColumnDef, TypeName, VariableSetStmt } from '@pgsql/types';
import { ALTER_TABLE_KINDS, alterTableCommands, nodeAs, typeBaseName, typeModifiers, typeToSql } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { FIX_PHASE_MARKERS } from '../core/fix-phases.js';
import { defineRule } from '../core/rule.js';
import { quoteIdent, quoteQualified } from '../core/sql-names.js';
import { priorColumn } from './support/breaking-ast.js';
import { newColumnType } from './support/new-column-type.js';
import { changeTypePlan } from './support/phase-plans.js';
import { type CheckConstraint, tableBefore } from './support/table-facts.js';

const TEXT_LIKE = new Set(['text', 'varchar']);
/**
 * Casts an extension creates WITHOUT FUNCTION (binary coercible), as `source>target`: the
 * citext extension's install script (contrib/citext/citext--1.4.sql: `CREATE CAST (citext AS
 * text) WITHOUT FUNCTION`, likewise citext to varchar, text to citext and varchar to citext).
 * The storage stays, but the operator class changes (citext_ops against text_ops), so every
 * index that reads the column is rebuilt.
 */
const EXTENSION_BINARY_CASTS = new Set(['citext>text', 'citext>varchar', 'text>citext', 'varchar>citext']);
/**
 * Types whose precision can grow without a rewrite: their length-coercion functions have a
 * planner support function (utils/adt: timestamp_support, time_support, interval_support, via
 * TemporalSimplify) that turns a cast to a wider or unconstrained precision into a relabel.
 */
const TEMPORAL = new Set(['timestamp', 'timestamptz', 'time', 'interval']);
/**
 * The bit of each interval field in a range modifier, from the least significant field up:
 * second, minute, hour, day, month, year (datetime.h: INTERVAL_MASK, with SECOND 12, MINUTE 11,
 * HOUR 10, DAY 3, YEAR 2, MONTH 1). `interval day to second` is the bits of day to second.
 */
const INTERVAL_FIELDS_FROM_LEAST = [1 << 12, 1 << 11, 1 << 10, 1 << 3, 1 << 1, 1 << 2];
/** MAX_INTERVAL_PRECISION (datatype/timestamp.h): six digits of a second, what an interval keeps with no precision given. */
const MAX_INTERVAL_PRECISION = 6;

export default defineRule({
  id: 'ban-alter-column-type',
  severity: 'error',
  category: 'breaking',
  summary: 'Changing a column type rewrites the table under ACCESS EXCLUSIVE and can break running code',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: true,
  statementKinds: ALTER_TABLE_KINDS,
  messages: {
    alterType: 'Changing {{table}}.{{column}} to {{type}} rewrites {{table}} under an ACCESS EXCLUSIVE lock and may break code that still uses the old type.',
    alterTypeUsing: 'Changing {{table}}.{{column}} to {{type}} with USING rewrites {{table}} under an ACCESS EXCLUSIVE lock.',
    rebuildsIndexes: 'Changing {{table}}.{{column}} to {{type}} keeps the rows, but the operator class changes: every index on {{column}} is rebuilt under an ACCESS EXCLUSIVE lock on {{table}}.',
    rechecksConstraints: 'Changing {{table}}.{{column}} to {{type}} keeps the rows, but Postgres checks every row against {{checks}} again: a full scan of {{table}} under an ACCESS EXCLUSIVE lock.',
  },
  why: 'Unless the old and new types are binary compatible, Postgres rewrites every row and rebuilds every index while holding ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite. Old code may also send or expect values of the old type.',
  fix: [
    'Expand and contract:',
    `1. ${FIX_PHASE_MARKERS.migration} Add the new column:`,
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ADD COLUMN {{newColumn|ident}} {{newType}};{{lengthCheck}}',
    '2. Deploy code that writes both {{column}} and {{newColumn}} (or a trigger); backfill {{newColumn}} in batches.',
    '3. Deploy code that reads {{newColumn}}.',
    `4. ${FIX_PHASE_MARKERS['later-release']} After every old instance is gone: drop {{column}} and rename, in separate phases.`,
  ].join('\n'),
  versions: 'Binary-compatible changes (varchar widening, varchar to text, text or varchar to and from citext, numeric, timestamp, time or interval precision increase, a finer least field of an interval) need no rewrite on any supported version (citext to or from text still rebuilds the indexes on the column; any of them re-checks the validated CHECK constraints on it). From 12, timestamp to timestamptz (and back) needs no rewrite when the session time zone is UTC.',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES', 'https://github.com/ankane/strong_migrations#changing-the-type-of-a-column'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE users ALTER COLUMN age TYPE bigint;', messageIds: ['alterType'] },
      { sql: "ALTER TABLE events ALTER COLUMN payload TYPE jsonb USING payload::jsonb;", messageIds: ['alterTypeUsing'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE users (name varchar(100), nickname varchar);', change: 'unchanged' },
        { path: 'migrations/002_shrink.up.sql', text: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(50), ALTER COLUMN nickname TYPE varchar(50);' },
      ], why: 'narrowing a varchar, or giving an unlimited one a limit, checks and rewrites', messageIds: ['alterType', 'alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE events (at timestamp);', change: 'unchanged' },
        { path: 'migrations/002_tz.up.sql', text: "SET timezone = 'Europe/Paris';\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;" },
      ], why: 'outside UTC every value is converted: a rewrite', messageIds: ['alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE events (at timestamp);', change: 'unchanged' },
        { path: 'migrations/002_tz.up.sql', text: "SET timezone = 'UTC';\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;" },
      ], postgresVersion: 11, why: 'before 12 the change rewrites whatever the time zone', messageIds: ['alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE events (at timestamptz);', change: 'unchanged' },
        { path: 'migrations/002_precision.up.sql', text: 'ALTER TABLE events ALTER COLUMN at TYPE timestamptz(3);' },
      ], why: 'lowering the precision rounds every value: a rewrite', messageIds: ['alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE EXTENSION IF NOT EXISTS citext;\nCREATE TABLE users (email text);\nCREATE INDEX users_email_idx ON users (lower(email));', change: 'unchanged' },
        { path: 'migrations/002_citext.up.sql', text: 'ALTER TABLE users ALTER COLUMN email TYPE citext;' },
      ], why: 'text to citext keeps the rows but rebuilds every index that reads the column', messageIds: ['rebuildsIndexes'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE users (name varchar);\nALTER TABLE users ADD CONSTRAINT users_name_lower CHECK (name = lower(name)), ADD CONSTRAINT users_name_length CHECK (length(name) <= 100);', change: 'unchanged' },
        { path: 'migrations/002_text.up.sql', text: 'ALTER TABLE users ALTER COLUMN name TYPE text;' },
      ], why: 'varchar to text keeps the rows, but the validated CHECK constraints on the column are checked again', messages: ['Changing users.name to text keeps the rows, but Postgres checks every row against users_name_lower, users_name_length again: a full scan of users under an ACCESS EXCLUSIVE lock.'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE events (at timestamp, seen timestamp);', change: 'unchanged' },
        { path: 'migrations/002_tz.up.sql', text: "SET timezone = 'UTC';\nSET timezone = 'Europe/Paris';\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;\nSET timezone = 'UTC';" },
      ], why: 'the session time zone is no longer UTC when the ALTER runs (a later SET does not count)', messageIds: ['alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE flags (bits varbit(16), more varbit);', change: 'unchanged' },
        { path: 'migrations/002_bits.up.sql', text: 'ALTER TABLE flags ALTER COLUMN bits TYPE varbit(8), ALTER COLUMN more TYPE varbit(8);' },
      ], why: 'a shorter or a first length limit on a bit varying checks every value', messageIds: ['alterType', 'alterType'] },
      { sql: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(50);', why: 'the migrations do not show the old type: a length limit may cut values, so every value is checked and rewritten', messageIds: ['alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE orders (item_ids integer[]);', change: 'unchanged' },
        { path: 'migrations/002_bigint.up.sql', text: 'ALTER TABLE orders ALTER COLUMN item_ids TYPE bigint[];' },
      ], why: 'widening the elements of an array converts every array: a rewrite', messageIds: ['alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE posts (tags text[]);', change: 'unchanged' },
        { path: 'migrations/002_flatten.up.sql', text: 'ALTER TABLE posts ALTER COLUMN tags TYPE text;' },
      ], why: "an array to its element type stores each array's text form ({a,b}): every value is converted", messageIds: ['alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE flags (bits varbit(16));', change: 'unchanged' },
        { path: 'migrations/002_fixed.up.sql', text: 'ALTER TABLE flags ALTER COLUMN bits TYPE bit(16);' },
      ], why: 'bit varying to a fixed-length bit checks the length of every value: a rewrite', messageIds: ['alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE events (at timestamp);', change: 'unchanged' },
        { path: 'migrations/002_tz.up.sql', text: 'ALTER TABLE events ALTER COLUMN at TYPE timestamptz;' },
      ], why: 'without a SET timezone the session uses the server\'s time zone, which the migration does not show to be UTC', messageIds: ['alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE events (at timestamp);', change: 'unchanged' },
        { path: 'migrations/002_tz.up.sql', text: "SET timezone = 'UTC';\nCREATE INDEX events_at_idx ON events (at);\nRESET timezone;\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;" },
      ], why: 'RESET puts the server\'s time zone back before the ALTER runs', messageIds: ['alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE devices (serial_number integer, subnet cidr);', change: 'unchanged' },
        { path: 'migrations/002_text.up.sql', text: 'ALTER TABLE devices ALTER COLUMN serial_number TYPE text, ALTER COLUMN subnet TYPE text;' },
      ], why: 'integer or cidr to text converts every value', messageIds: ['alterType', 'alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE products (price numeric(10,2), weight numeric(8,3), stock integer);', change: 'unchanged' },
        { path: 'migrations/002_numeric.up.sql', text: 'ALTER TABLE products ALTER COLUMN price TYPE numeric(8,2), ALTER COLUMN weight TYPE double precision, ALTER COLUMN stock TYPE numeric;' },
      ], why: 'a lower numeric precision, numeric to double precision and integer to numeric convert every value', messageIds: ['alterType', 'alterType', 'alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE EXTENSION IF NOT EXISTS citext;\nCREATE TABLE users (email citext);', change: 'unchanged' },
        { path: 'migrations/002_varchar.up.sql', text: 'ALTER TABLE users ALTER COLUMN email TYPE varchar(200);' },
      ], why: 'citext has no length: to a varchar with one, every value is checked and rewritten', messageIds: ['alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE appointments (starts_at timestamptz(6), billing_period interval month);', change: 'unchanged' },
        { path: 'migrations/002_coarser.up.sql', text: 'ALTER TABLE appointments ALTER COLUMN starts_at TYPE timestamptz(0), ALTER COLUMN billing_period TYPE interval year;' },
      ], why: 'rounding timestamps to whole seconds, or intervals of months down to whole years, changes the values: a rewrite', messageIds: ['alterType', 'alterType'] },
      { sql: "SET timezone = 'UTC';\nALTER TABLE readings_2021 ALTER COLUMN at TYPE timestamptz;", why: 'the migrations do not show the old type: under UTC only timestamp to timestamptz keeps the values, and the column may be a date', messageIds: ['alterType'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE events (id integer, at timestamp, reminders timestamp[], closed_at timestamp(6));', change: 'unchanged' },
        { path: 'migrations/002_tz.up.sql', text: "SET timezone = 'UTC';\nALTER TABLE events ALTER COLUMN at TYPE timestamptz, ALTER COLUMN id TYPE bigint, ALTER COLUMN reminders TYPE timestamptz[];\nALTER TABLE events ALTER COLUMN closed_at TYPE timestamptz(3);" },
      ], why: 'UTC spares only timestamp to timestamptz itself: integer to bigint, an array of timestamps and a lower precision still rewrite', messages: [
        'Changing events.id to bigint rewrites events under an ACCESS EXCLUSIVE lock and may break code that still uses the old type.',
        'Changing events.reminders to timestamptz[] rewrites events under an ACCESS EXCLUSIVE lock and may break code that still uses the old type.',
        'Changing events.closed_at to timestamptz(3) rewrites events under an ACCESS EXCLUSIVE lock and may break code that still uses the old type.',
      ] },
      { sql: 'ALTER TABLE articles ALTER COLUMN tag_ids TYPE text[];', why: 'the migrations do not show the old type, and changing to an array type converts every element unless the type stays the same', messageIds: ['alterType'] },
    ],
    valid: [
      { sql: 'ALTER TABLE users ALTER COLUMN bio TYPE text;', why: 'varchar to text is binary compatible' },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE users (name varchar(100), price numeric(10,2));\nCREATE INDEX users_name_idx ON users (name);', change: 'unchanged' },
        { path: 'migrations/002_widen.up.sql', text: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(200), ALTER COLUMN price TYPE numeric(12,2);' },
      ], why: 'widening a varchar and raising numeric precision at the same scale need no rewrite, and the index on name keeps its operator class' },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE events (at timestamptz(3), opens time(0), lasts interval(0), trial interval, billing_period interval year);', change: 'unchanged' },
        { path: 'migrations/002_precision.up.sql', text: 'ALTER TABLE events ALTER COLUMN at TYPE timestamptz(6), ALTER COLUMN opens TYPE time(6), ALTER COLUMN lasts TYPE interval,\n  ALTER COLUMN trial TYPE interval(6), ALTER COLUMN billing_period TYPE interval month;' },
      ], why: 'raising the precision of a timestamp, time or interval (or removing it), or giving an interval a finer least field, needs no rewrite' },
      { sql: 'CREATE TABLE t (c int);\nALTER TABLE t ALTER COLUMN c TYPE bigint;', why: 'the table is new in this change' },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE events (at timestamp);', change: 'unchanged' },
        { path: 'migrations/002_tz.up.sql', text: "SET timezone = 'UTC';\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;" },
      ], postgresVersion: 12, why: 'from Postgres 12, timestamp to timestamptz under a UTC session time zone keeps the stored values: no rewrite' },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE events (at timestamp);', change: 'unchanged' },
        { path: 'migrations/002_tz.up.sql', text: "SET timezone = 'Etc/UTC';\nSET statement_timeout = '5s';\nALTER TABLE events ALTER COLUMN at TYPE timestamptz;" },
      ], why: 'Etc/UTC is UTC too, and other settings leave the time zone alone' },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE flags (bits varbit(8), more varbit(8));', change: 'unchanged' },
        { path: 'migrations/002_bits.up.sql', text: 'ALTER TABLE flags ALTER COLUMN bits TYPE varbit(16), ALTER COLUMN more TYPE varbit;' },
      ], why: 'a longer or no length limit on a bit varying is binary compatible' },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE EXTENSION IF NOT EXISTS citext;\nCREATE TABLE users (email varchar(200), code citext);', change: 'unchanged' },
        { path: 'migrations/002_citext.up.sql', text: 'ALTER TABLE users ALTER COLUMN email TYPE citext, ALTER COLUMN code TYPE text;' },
      ], why: 'the citext extension casts to and from text and varchar WITHOUT FUNCTION: no rewrite, and no index reads the columns' },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE users (name varchar);\nALTER TABLE users ADD CONSTRAINT users_name_lower CHECK (name = lower(name)) NOT VALID;', change: 'unchanged' },
        { path: 'migrations/002_text.up.sql', text: 'ALTER TABLE users ALTER COLUMN name TYPE text;' },
      ], why: 'a NOT VALID CHECK is added back NOT VALID: no scan' },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE networks (subnet cidr);', change: 'unchanged' },
        { path: 'migrations/002_inet.up.sql', text: 'ALTER TABLE networks ALTER COLUMN subnet TYPE inet;' },
      ], why: 'cidr to inet is binary compatible' },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE events (at timestamptz);', change: 'unchanged' },
        { path: 'migrations/002_tz.up.sql', text: "SET timezone = 'UTC';\nALTER TABLE events ALTER COLUMN at TYPE timestamp;" },
      ], why: 'and back: timestamptz to timestamp under UTC keeps the stored values too' },
      { files: [
        { path: 'migrations/001_index.up.sql', text: 'CREATE INDEX users_bio_idx ON users (bio);', change: 'unchanged' },
        { path: 'migrations/002_text.up.sql', text: 'ALTER TABLE users ALTER COLUMN bio TYPE text;' },
      ], why: 'with the old type unknown, a change to text is taken as varchar to text, which keeps the operator class: the index on bio stays' },
    ],
  },
  phasePlan: (details, writer) => changeTypePlan(writer, String(details.table), String(details.column), String(details.type)),
  statement({ statement, isNewTable, changeSet, file, postgresVersion, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    for (const command of alter.commands) {
      if (command.subtype !== 'AT_AlterColumnType') continue;
      const def = nodeAs<ColumnDef>(command.def, 'ColumnDef');
      const column = command.name ?? '?';
      const data = { table: alter.table, column, newColumn: `${column}_new`, type: typeToSql(def?.typeName) ?? typeBaseName(def?.typeName), ...newColumnType(alter.table, `${column}_new`, def?.typeName) };
      if (def?.raw_default) {
        report({ messageId: 'alterTypeUsing', data, tables: [alter.table] });
        continue;
      }
      const before = priorColumn(changeSet, file, statement, alter.table, column)?.type;
      if (isSafeTypeChange(before, def?.typeName)) {
        const table = tableBefore(changeSet, file, statement, alter.table);
        const key = column.toLowerCase();
        if (changesOperatorClass(before, def?.typeName) && table.indexReadColumns.has(key)) {
          report({ messageId: 'rebuildsIndexes', data, tables: [alter.table], rewrite: false });
          continue;
        }
        // NOTE: ALTER COLUMN TYPE adds the constraints that read the column back, and a
        // validated CHECK is checked against every row again (tablecmds.c, ATPostAlterTypeCleanup);
        // one dropped by the same statement is not, nor one added NOT VALID.
        const dropped = new Set(alter.commands.filter((c) => c.subtype === 'AT_DropConstraint' && c.name).map((c) => c.name!.toLowerCase()));
        const checks = table.checks.filter((c) => c.validated && c.columns.includes(key) && !dropped.has(c.name));
        if (checks.length > 0) report({ messageId: 'rechecksConstraints', data: { ...data, checks: checks.map((c) => c.name).join(', ') }, tables: [alter.table], rewrite: false, fix: recheckFix(alter.table, column, String(data.type), checks) });
        continue;
      }
      if (postgresVersion >= 12 && isTimeZoneFlip(before, def?.typeName) && sessionTimeZoneIsUtc(file.statements, statement)) continue;
      report({ messageId: 'alterType', data, tables: [alter.table] });
    }
  },
});

/**
 * Drop the CHECK constraints, change the type and add them back NOT VALID in one statement,
 * then validate in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes go on).
 */
function recheckFix(table: string, column: string, type: string, checks: readonly CheckConstraint[]): string {
  const relation = quoteQualified(table);
  const drops = checks.map((c) => `DROP CONSTRAINT ${quoteIdent(c.name)}`);
  const adds = checks.map((c) => `ADD CONSTRAINT ${quoteIdent(c.name)} CHECK (<the expression of ${c.name}>) NOT VALID`);
  return [
    'Drop the CHECK constraints, change the type and add them back NOT VALID in one statement (no scan), then validate them in a later migration:',
    "   SET lock_timeout = '2s';",
    "   SET statement_timeout = '1min';  -- no scan, no rewrite: it should take a moment",
    `   ALTER TABLE ${relation} ${[...drops, `ALTER COLUMN ${quoteIdent(column)} TYPE ${type}`, ...adds].join(', ')};`,
    'In the next migration:',
    "   SET statement_timeout = '15min';",
    ...checks.map((c) => `   ALTER TABLE ${relation} VALIDATE CONSTRAINT ${quoteIdent(c.name)};`),
  ].join('\n');
}

/** Whether the change goes through an extension's binary cast that swaps the column's operator class (citext and text or varchar). */
function changesOperatorClass(from: TypeName | undefined, to: TypeName | undefined): boolean {
  return !!from && EXTENSION_BINARY_CASTS.has(`${typeBaseName(from)}>${typeBaseName(to)}`);
}

/** Whether Postgres changes `from` to `to` without a rewrite (binary compatible, no narrowing). */
function isSafeTypeChange(from: TypeName | undefined, to: TypeName | undefined): boolean {
  const target = typeBaseName(to);
  const targetMods = typeModifiers(to);
  if (to?.arrayBounds?.length) return false;
  if (!from) {
    // NOTE: with the old type unknown, only an unlimited text-like target is safe for
    // every text-like source (the common varchar -> text change); anything else may rewrite.
    return TEXT_LIKE.has(target) && targetMods.length === 0;
  }
  const source = typeBaseName(from);
  const sourceMods = typeModifiers(from);
  if (!!from.arrayBounds?.length !== !!to?.arrayBounds?.length) return false;
  if (TEXT_LIKE.has(source) && TEXT_LIKE.has(target)) {
    if (targetMods.length === 0) return true;
    return source === 'varchar' && sourceMods.length > 0 && targetMods[0] >= sourceMods[0];
  }
  if (source === 'numeric' && target === 'numeric') {
    if (targetMods.length === 0) return true;
    return sourceMods.length > 0 && targetMods[0] >= sourceMods[0] && (targetMods[1] ?? 0) === (sourceMods[1] ?? 0);
  }
  if (source === 'varbit' && target === 'varbit') return targetMods.length === 0 || (sourceMods.length > 0 && targetMods[0] >= sourceMods[0]);
  if (source === 'cidr' && target === 'inet') return true;
  // NOTE: citext has no length; to a varchar with one, the length is checked and cut: a rewrite.
  if (EXTENSION_BINARY_CASTS.has(`${source}>${target}`)) return targetMods.length === 0;
  if (source === target && TEMPORAL.has(source)) {
    if (targetMods.length === 0) return true;
    if (source === 'interval') return intervalCastKeepsValues(sourceMods, targetMods);
    // NOTE: TemporalSimplify relabels only when the source has a precision and the target's is no smaller.
    return targetMods[0]! >= (sourceMods[0] ?? Infinity);
  }
  return source === target && sourceMods.join(',') === targetMods.join(',');
}

/**
 * Whether an interval cast to a constrained `interval <fields>(<precision>)` keeps every value
 * (utils/adt/timestamp.c, interval_support): when the target's least field is no coarser than
 * the source's and, if the source keeps seconds, the target keeps as many digits of them.
 * Modifiers are [range, precision] as the parser writes them, `interval(3)` the full range.
 */
function intervalCastKeepsValues(from: readonly number[], to: readonly number[]): boolean {
  const leastField = (range: number) => INTERVAL_FIELDS_FROM_LEAST.findIndex((bit) => (range & bit) !== 0);
  // NOTE: no modifier at all is the full range (least field: second) at full precision.
  const fromLeast = from.length > 0 ? leastField(from[0]!) : 0;
  const toPrecision = to[1] ?? MAX_INTERVAL_PRECISION;
  // NOTE: a source without a precision keeps all six digits; Postgres stores a larger one as six.
  return leastField(to[0]!) <= fromLeast && (fromLeast > 0 || toPrecision >= MAX_INTERVAL_PRECISION || toPrecision >= (from[1] ?? MAX_INTERVAL_PRECISION));
}

/** timestamp to timestamptz or back (same precision): the stored values stay as they are when the session time zone is UTC. */
function isTimeZoneFlip(from: TypeName | undefined, to: TypeName | undefined): boolean {
  if (!from || from.arrayBounds?.length || to?.arrayBounds?.length) return false;
  const pair = [typeBaseName(from), typeBaseName(to)].sort().join(',');
  return pair === 'timestamp,timestamptz' && typeModifiers(from).join(',') === typeModifiers(to).join(',');
}

/**
 * Zones whose offset is always zero: Postgres 12+ skips the rewrite only for those (ATColumnChangeRequiresRewrite
 * via TimestampTimestampTzRequiresRewrite: the session zone must have a fixed zero offset).
 */
const UTC_ZONES = new Set(['utc', 'etc/utc', 'uct', 'etc/uct', 'gmt', 'etc/gmt', 'gmt0', 'etc/gmt0', 'gmt+0', 'etc/gmt+0', 'gmt-0', 'etc/gmt-0', 'greenwich', 'etc/greenwich', 'universal', 'etc/universal', 'zulu', 'etc/zulu', 'z']);

/** Whether a `SET timezone` earlier in the file (not reset since) makes the session time zone UTC. */
function sessionTimeZoneIsUtc(statements: readonly Statement[], statement: Statement): boolean {
  let utc = false;
  for (const earlier of statements) {
    if (earlier.index >= statement.index) break;
    if (earlier.section !== statement.section) continue;
    const set = nodeAs<VariableSetStmt>(earlier.node, 'VariableSetStmt');
    if (set?.name !== 'timezone') continue;
    const value = set.kind === 'VAR_SET_VALUE' ? nodeAs<A_Const>(set.args?.[0], 'A_Const')?.sval?.sval : undefined;
    utc = value !== undefined && UTC_ZONES.has(value.toLowerCase());
  }
  return utc;
}
