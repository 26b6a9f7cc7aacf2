/**
 * ## What it does
 * Flags CHECK constraints (on tables and domains) that call a function whose result changes
 * over time or between calls: now(), current_date, random(), nextval(), current_setting().
 *
 * ## Why is this bad?
 * Postgres checks a row only when it is written. A CHECK that depends on the clock or
 * session state passes today and fails for the same row tomorrow: dumps stop restoring,
 * VALIDATE fails on old rows, and UPDATEs of untouched columns start failing.
 */
import type { Node } from '@pgsql/types';
import { stringList, walk } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

/** Built-in functions that are not immutable (pg_proc.provolatile 's' or 'v') and commonly misused in CHECKs. */
const NOT_IMMUTABLE = new Set([
  'now', 'clock_timestamp', 'statement_timestamp', 'transaction_timestamp', 'timeofday', 'random', 'random_normal', 'gen_random_uuid', 'uuid_generate_v1',
  'uuid_generate_v4', 'uuidv4', 'uuidv7', 'nextval', 'currval', 'lastval', 'setval', 'current_setting', 'txid_current', 'pg_current_xact_id',
  'current_database', 'current_schema', 'pg_backend_pid', 'inet_client_addr', 'to_timestamp', 'to_char', 'to_date',
]);

/** SQL value functions (current_date, current_user, ...): all depend on the session or the clock. */
const SQL_VALUE_FUNCTION = 'SQLValueFunction';

/** The first non-immutable call in an expression, as written (`now()`, `current_date`). */
function nonImmutableCall(expression: Node | undefined): string | undefined {
  let found: string | undefined;
  walk({ expression }, (type, payload) => {
    if (found) return;
    if (type === 'FuncCall') {
      const name = stringList(payload.funcname as Node[] | undefined).at(-1)?.toLowerCase() ?? '';
      // NOTE: age(a, b) is immutable; age(a) compares with current_date.
      const oneArgumentAge = name === 'age' && ((payload.args as Node[] | undefined) ?? []).length === 1;
      if (NOT_IMMUTABLE.has(name) || oneArgumentAge) found = `${name}()`;
    } else if (type === SQL_VALUE_FUNCTION) {
      found = String(payload.op ?? '').replace(/^SVFOP_/, '').toLowerCase();
    }
  });
  return found;
}

export default defineRule({
  id: 'ban-volatile-check-constraint',
  severity: 'warning',
  category: 'advice',
  summary: 'A CHECK constraint that calls a time- or session-dependent function passes today and fails tomorrow',
  lock: null,
  rewrites: false,
  statementKinds: ['CreateStmt', 'AlterTableStmt', 'CreateDomainStmt', 'AlterDomainStmt'],
  messages: { volatileCheck: 'CHECK constraint {{constraint}} calls {{call}}: its result changes over time, so rows that passed may later violate it.' },
  why: 'Postgres requires CHECK expressions to be immutable but does not enforce it. A row is checked when written; with now() or current_date in the expression the same row later fails the check, so a dump restore, a VALIDATE CONSTRAINT or an UPDATE of another column fails.',
  fix: 'Check the value in a trigger (BEFORE INSERT OR UPDATE), or store the reference time in a column and compare against that column.',
  versions: 'All versions.',
  references: ['https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-CHECK-CONSTRAINTS', 'https://www.postgresql.org/docs/current/xfunc-volatility.html'],
  examples: {
    invalid: [
      {
        sql: 'ALTER TABLE orders ADD CONSTRAINT orders_created_past CHECK (created_at <= now()) NOT VALID;',
        messages: ['CHECK constraint orders_created_past calls now(): its result changes over time, so rows that passed may later violate it.'],
      },
      {
        sql: 'CREATE TABLE bookings2 (id bigint, starts date CHECK (starts >= current_date));',
        messages: ['CHECK constraint (unnamed) calls current_date: its result changes over time, so rows that passed may later violate it.'],
      },
      {
        sql: "ALTER TABLE members ADD CONSTRAINT members_adult CHECK (age(birth_date) >= interval '18 years') NOT VALID;",
        why: 'age(a) compares with current_date',
        messages: ['CHECK constraint members_adult calls age(): its result changes over time, so rows that passed may later violate it.'],
      },
      {
        sql: 'ALTER TABLE coupons ADD CONSTRAINT coupons_window CHECK (valid_from <= current_date AND valid_until > now()) NOT VALID;',
        why: 'the first such call is named',
        messages: ['CHECK constraint coupons_window calls current_date: its result changes over time, so rows that passed may later violate it.'],
      },
    ],
    valid: [
      { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;', why: 'immutable' },
      { sql: "CREATE TABLE bookings2 (id bigint, starts date CHECK (starts >= DATE '2020-01-01'));", why: 'a constant' },
      { sql: "CREATE TABLE stays (starts timestamp, ends timestamp, CHECK (age(ends, starts) < interval '1 year'));", why: 'age(a, b) is immutable (age(a) is not)' },
      { sql: 'CREATE TABLE price_ranges (low numeric, high numeric, CHECK (greatest(low, high) = high));', why: 'GREATEST and LEAST are immutable' },
      { sql: 'CREATE TABLE audit_entries (id bigint, logged_at timestamptz NOT NULL DEFAULT now());', why: 'a DEFAULT is evaluated once per insert, it is no CHECK' },
    ],
  },
  statement({ statement, report }) {
    walk(statement.node, (type, payload) => {
      if (type !== 'Constraint' || payload.contype !== 'CONSTR_CHECK') return;
      const call = nonImmutableCall(payload.raw_expr as Node | undefined);
      if (call) report({ messageId: 'volatileCheck', data: { constraint: String(payload.conname ?? '(unnamed)'), call } });
    });
  },
});
