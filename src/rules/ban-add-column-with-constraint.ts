/**
 * ## What it does
 * Flags `ADD COLUMN` on an existing table with an inline `REFERENCES`, `UNIQUE` or `CHECK`.
 *
 * ## Why is this bad?
 * The column is new, but the constraint is checked like any other: a CHECK scans the table,
 * a UNIQUE builds an index, a REFERENCES validates (and locks the referenced table SHARE ROW
 * EXCLUSIVE), all under the ACCESS EXCLUSIVE lock of the ADD COLUMN.
 */
import type { ColumnDef, Constraint, Node, RangeVar } from '@pgsql/types';
import { ALTER_TABLE_KINDS, alterTableCommands, nodeAs, relationName, stringList, typeToSql } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import type { Statement } from '../core/parse.js';
import { columnConstraints } from './support/breaking-ast.js';
import { derivedName, quoteIdent, quoteQualified } from '../core/sql-names.js';
import { checkExpressionAt, LOCK_TIMEOUT_STEP, reparse } from './support/sql-source.js';

/** ON DELETE / ON UPDATE actions as the parser codes them (parsenodes.h FKCONSTR_ACTION_*). */
const FK_ACTIONS: Record<string, string> = { r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

export default defineRule({
  id: 'ban-add-column-with-constraint',
  severity: 'error',
  category: 'locking',
  summary: 'ADD COLUMN with an inline REFERENCES, UNIQUE or CHECK scans or indexes the table under ACCESS EXCLUSIVE',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: {
    references: 'ADD COLUMN {{column}} REFERENCES {{referenced}} validates the key on {{table}} under ACCESS EXCLUSIVE and blocks writes to {{referenced}} (SHARE ROW EXCLUSIVE).',
    unique: 'ADD COLUMN {{column}} UNIQUE builds a unique index on {{table}} under an ACCESS EXCLUSIVE lock.',
    check: 'ADD COLUMN {{column}} CHECK (...) scans every row of {{table}} under an ACCESS EXCLUSIVE lock.',
  },
  why: 'A constraint declared with the column is added and checked in the same ALTER TABLE: the CHECK is verified against every existing row, the UNIQUE index is built, and the foreign key is validated, all while the table is locked ACCESS EXCLUSIVE (and, for REFERENCES, the referenced table SHARE ROW EXCLUSIVE).',
  // NOTE: the finding's fix is written per constraint (onlineForm); this is its outline for the docs.
  fix: [
    'Add the column bare (a CHECK may come along NOT VALID), then the constraint in its online form; each step a migration of its own:',
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ADD COLUMN {{column|ident}} <type>;',
    'For REFERENCES, index the column first (DROP INDEX CONCURRENTLY IF EXISTS, then CREATE INDEX CONCURRENTLY, each a migration of its own), then:',
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ADD CONSTRAINT <name> FOREIGN KEY ({{column|ident}}) REFERENCES <referenced table> NOT VALID;',
    'In the next migration (VALIDATE takes only SHARE UPDATE EXCLUSIVE):',
    "   SET statement_timeout = '15min';",
    '   ALTER TABLE {{table|relation}} VALIDATE CONSTRAINT <name>;',
    'For UNIQUE: CREATE UNIQUE INDEX CONCURRENTLY (its own migration), then ADD CONSTRAINT <name> UNIQUE USING INDEX <name>.',
  ].join('\n'),
  versions: 'All versions (ADD COLUMN ... REFERENCES/UNIQUE/CHECK has always validated inline).',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES', 'https://github.com/ankane/strong_migrations#adding-a-reference', 'https://squawkhq.com/docs/adding-foreign-key-constraint'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE orders ADD COLUMN region_id bigint REFERENCES regions (id);', messageIds: ['references'] },
      { sql: 'ALTER TABLE users ADD COLUMN handle text UNIQUE;', messageIds: ['unique'] },
      { sql: 'ALTER TABLE orders ADD COLUMN discount numeric CHECK (discount >= 0);', messageIds: ['check'] },
      { sql: 'ALTER TABLE orders ADD COLUMN "Region" bigint CONSTRAINT orders_region_fk REFERENCES regions ON DELETE CASCADE;', messageIds: ['references'] },
    ],
    valid: [
      { sql: 'ALTER TABLE orders ADD COLUMN region_id bigint;\nALTER TABLE orders ADD CONSTRAINT orders_region_id_fkey FOREIGN KEY (region_id) REFERENCES regions (id) NOT VALID;', why: 'the foreign key is added NOT VALID' },
      { sql: 'CREATE TABLE carts (id bigint);\nALTER TABLE carts ADD COLUMN code text UNIQUE CHECK (code <> \'\');', why: 'the table is new and empty' },
      { sql: 'ALTER TABLE users ADD COLUMN nickname text NOT NULL DEFAULT \'\';', why: 'NOT NULL with a constant default needs no scan (11+)' },
    ],
  },
  statement({ statement, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    for (const command of alter.commands) {
      const def = command.subtype === 'AT_AddColumn' ? nodeAs<ColumnDef>(command.def, 'ColumnDef') : undefined;
      if (!def?.colname) continue;
      for (const constraint of columnConstraints(def)) {
        const fix = onlineForm(statement, alter.relation, alter.table, def, constraint);
        if (!fix) continue;
        const messageId = constraint.contype === 'CONSTR_FOREIGN' ? 'references' : constraint.contype === 'CONSTR_UNIQUE' ? 'unique' : 'check';
        report({ messageId, data: { table: alter.table, column: def.colname, referenced: relationName(constraint.pktable) }, tables: [alter.table], fix: fix.join('\n') });
      }
    }
  },
});

/** The fix for one inline constraint, with the user's names and expression; undefined for constraints that are not checked. */
function onlineForm(statement: Statement, relation: RangeVar | undefined, table: string, def: ColumnDef, constraint: Constraint): string[] | undefined {
  const target = quoteQualified(table);
  const column = quoteIdent(def.colname!);
  const bare = `   ALTER TABLE ${target} ADD COLUMN ${column} ${typeToSql(def.typeName) ?? '<type>'};  -- keep its other clauses (DEFAULT, NOT NULL), without the constraint`;
  const name = (suffix: string) => quoteIdent(constraint.conname ?? derivedName(table, def.colname!, suffix));
  if (constraint.contype === 'CONSTR_FOREIGN') {
    const columns = stringList(constraint.pk_attrs).map(quoteIdent);
    const actions = [['DELETE', constraint.fk_del_action], ['UPDATE', constraint.fk_upd_action]].filter(([, code]) => FK_ACTIONS[code ?? '']).map(([event, code]) => ` ON ${event} ${FK_ACTIONS[code!]}`);
    const referenced = `${quoteQualified(relationName(constraint.pktable))}${columns.length ? ` (${columns.join(', ')})` : ''}${actions.join('')}`;
    const index = quoteIdent(derivedName(table, def.colname!, 'idx'));
    return [
      'Add the column bare, index it (deletes on the referenced table look rows up by it), add the foreign key NOT VALID, then validate it; each step a migration of its own:',
      LOCK_TIMEOUT_STEP,
      bare,
      ...indexSteps('INDEX', `${schemaOf(relation)}${index}`, index, target, column),
      'In the next migration:',
      LOCK_TIMEOUT_STEP,
      `   ALTER TABLE ${target} ADD CONSTRAINT ${name('fkey')} FOREIGN KEY (${column}) REFERENCES ${referenced} NOT VALID;`,
      ...validateStep(target, name('fkey')),
    ];
  }
  if (constraint.contype === 'CONSTR_UNIQUE') {
    const index = name('key');
    return [
      'Add the column bare, build the unique index concurrently, then attach it; each step a migration of its own:',
      LOCK_TIMEOUT_STEP,
      bare,
      ...indexSteps('UNIQUE INDEX', `${schemaOf(relation)}${index}`, index, target, column),
      'In the next migration:',
      LOCK_TIMEOUT_STEP,
      `   ALTER TABLE ${target} ADD CONSTRAINT ${index} UNIQUE USING INDEX ${index};`,
    ];
  }
  if (constraint.contype === 'CONSTR_CHECK') {
    const checks = columnConstraints(def).filter((c) => c.contype === 'CONSTR_CHECK');
    const position = checks.indexOf(constraint);
    const expression = checkExpression(statement, def.colname!, position) ?? '(/* the CHECK expression */ true)';
    // NOTE: Postgres names a column's unnamed CHECKs <table>_<column>_check, then _check1, _check2, ...
    // (ChooseConstraintName adds a number while the name is taken).
    const unnamedBefore = checks.slice(0, position).filter((c) => !c.conname).length;
    const checkName = name(unnamedBefore === 0 ? 'check' : `check${unnamedBefore}`);
    return [
      'Add the column bare with the CHECK NOT VALID, then validate it in a migration of its own:',
      LOCK_TIMEOUT_STEP,
      bare,
      `   ALTER TABLE ${target} ADD CONSTRAINT ${checkName} CHECK ${expression} NOT VALID;`,
      ...validateStep(target, checkName),
    ];
  }
  return undefined;
}

/** The two migrations that build an index concurrently, rerunnable: a leftover of a failed build (`qualified`) is dropped first. */
function indexSteps(kind: 'INDEX' | 'UNIQUE INDEX', qualified: string, index: string, target: string, column: string): string[] {
  return [
    'In the next migration, outside a transaction block (a leftover of a failed build is dropped first):',
    `   DROP INDEX CONCURRENTLY IF EXISTS ${qualified};`,
    'In the next migration:',
    `   CREATE ${kind} CONCURRENTLY ${index} ON ${target} (${column});`,
  ];
}

/** The migration that validates a constraint added NOT VALID: a scan under SHARE UPDATE EXCLUSIVE only. */
function validateStep(target: string, constraint: string): string[] {
  return ['In the next migration (VALIDATE takes only SHARE UPDATE EXCLUSIVE):', "   SET statement_timeout = '15min';", `   ALTER TABLE ${target} VALIDATE CONSTRAINT ${constraint};`];
}

/** `schema.` when the relation is qualified: an index lives in its table's schema. */
function schemaOf(relation: RangeVar | undefined): string {
  return relation?.schemaname ? `${quoteIdent(relation.schemaname)}.` : '';
}

/**
 * The parenthesised expression of the column's CHECK at `position` (among its CHECKs), as the user wrote it.
 * NOTE: found by position, not by name: a column's unnamed CHECKs all have no name.
 */
function checkExpression(statement: Statement, column: string, position: number): string | undefined {
  const reparsed = reparse(statement.text);
  if (!reparsed) return undefined;
  const own = columnConstraintsOf(reparsed.node, column).filter((c) => c.contype === 'CONSTR_CHECK')[position];
  return own?.location !== undefined ? checkExpressionAt(reparsed.text, reparsed.offset(own.location)) : undefined;
}

function columnConstraintsOf(node: Node, column: string): Constraint[] {
  const alter = alterTableCommands(node);
  const def = alter?.commands.map((c) => nodeAs<ColumnDef>(c.def, 'ColumnDef')).find((d) => d?.colname === column);
  return def ? columnConstraints(def) : [];
}
