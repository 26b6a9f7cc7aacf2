/**
 * ## What it does
 * Flags `autovacuum_enabled = false` (or `toast.autovacuum_enabled = false`) in a table's
 * storage parameters, in CREATE TABLE or ALTER TABLE ... SET.
 *
 * ## Why is this bad?
 * Without autovacuum the table bloats, its statistics go stale, and transaction ID
 * wraparound protection falls to an emergency (anti-wraparound) vacuum at the worst time.
 */
import type { AlterTableStmt, CreateStmt, DefElem, Node, TypeName } from '@pgsql/types';
import { constantValue, nodeAs, relationName, stringList, walk } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

/** Postgres's boolean spellings for false (parse_bool). */
const FALSE = new Set(['false', 'off', 'no', 'n', 'f', '0']);

export default defineRule({
  id: 'ban-autovacuum-disabled',
  severity: 'warning',
  category: 'advice',
  summary: 'Turning autovacuum off for a table lets it bloat and risks wraparound',
  lock: null,
  rewrites: false,
  statementKinds: ['CreateStmt', 'AlterTableStmt'],
  messages: { disabled: '{{parameter}} = {{value}} turns autovacuum off for {{table}}: dead rows pile up and statistics go stale.' },
  why: 'Autovacuum removes dead rows, keeps the planner\'s statistics current and freezes old rows before transaction ID wraparound. A table without it bloats, gets slow plans, and eventually forces an aggressive anti-wraparound vacuum anyway.',
  fix: [
    'Tune autovacuum for the table instead of disabling it (vacuum sooner, throttle less):',
    '   ALTER TABLE {{table|relation}} SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_cost_delay = 2);',
    'or, where an earlier migration disabled it, turn it back on:',
    '   ALTER TABLE {{table|relation}} RESET ({{parameter}});',
  ].join('\n'),
  versions: 'All versions.',
  references: ['https://www.postgresql.org/docs/current/sql-createtable.html#RELOPTION-AUTOVACUUM-ENABLED', 'https://www.postgresql.org/docs/current/routine-vacuuming.html'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE events SET (autovacuum_enabled = false);', messages: ['autovacuum_enabled = false turns autovacuum off for events: dead rows pile up and statistics go stale.'] },
      { sql: 'CREATE TABLE staging (id bigint) WITH (toast.autovacuum_enabled = off);', messages: ['toast.autovacuum_enabled = off turns autovacuum off for staging: dead rows pile up and statistics go stale.'] },
    ],
    valid: [
      { sql: 'ALTER TABLE events SET (autovacuum_vacuum_scale_factor = 0.01);', why: 'tuned, not disabled' },
      { sql: 'ALTER TABLE events SET (autovacuum_enabled = true);', why: 'enabled' },
    ],
  },
  statement({ statement, report }) {
    const target = nodeAs<CreateStmt>(statement.node, 'CreateStmt') ?? nodeAs<AlterTableStmt>(statement.node, 'AlterTableStmt');
    const name = relationName(target?.relation);
    walk(statement.node, (type, payload) => {
      if (type !== 'DefElem') return;
      const option = payload as DefElem;
      const parameter = option.defnamespace ? `${option.defnamespace}.${option.defname}` : (option.defname ?? '');
      if (option.defname !== 'autovacuum_enabled') return;
      // NOTE: a bare `off` parses as a type name, `false` and `0` as constants.
      const value = String(constantValue(option.arg as Node | undefined) ?? stringList(nodeAs<TypeName>(option.arg as Node | undefined, 'TypeName')?.names).join('.')).toLowerCase();
      if (FALSE.has(value)) report({ messageId: 'disabled', data: { parameter, value, table: name } });
    });
  },
});
