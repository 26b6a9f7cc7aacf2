/**
 * ## What it does
 * Flags `CREATE FUNCTION / PROCEDURE ... SECURITY DEFINER` (and `ALTER FUNCTION ... SECURITY
 * DEFINER`) without a `SET search_path` clause.
 *
 * ## Why is this bad?
 * A SECURITY DEFINER function runs with its owner's rights but resolves unqualified names
 * through the caller's search_path: a caller who can create objects in a schema on that path
 * can make the function call their code with the owner's privileges.
 */
import type { AlterFunctionStmt, CreateFunctionStmt, DefElem, Node, VariableSetStmt } from '@pgsql/types';
import { nodeAs, qualifiedName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

/** Whether a function's options make it SECURITY DEFINER and whether they pin search_path. */
function definerOptions(options: Node[] | undefined): { definer: boolean; pinned: boolean } {
  let definer = false;
  let pinned = false;
  for (const option of options ?? []) {
    const def = nodeAs<DefElem>(option, 'DefElem');
    if (def?.defname === 'security') definer = nodeAs<{ boolval?: boolean }>(def.arg, 'Boolean')?.boolval === true;
    if (def?.defname === 'set' && nodeAs<VariableSetStmt>(def.arg, 'VariableSetStmt')?.name === 'search_path') pinned = true;
  }
  return { definer, pinned };
}

export default defineRule({
  id: 'require-security-definer-search-path',
  severity: 'warning',
  category: 'advice',
  summary: 'SECURITY DEFINER functions must pin search_path',
  lock: null,
  rewrites: false,
  statementKinds: ['CreateFunctionStmt', 'AlterFunctionStmt'],
  messages: { unpinned: 'SECURITY DEFINER function {{name}} does not set search_path: callers can redirect its unqualified names to their own objects and run them with its owner\'s rights.' },
  why: 'The Postgres documentation\'s advice for SECURITY DEFINER functions: set search_path to exclude any schema writable by untrusted users, or the function can be hijacked by objects that shadow the ones it means.',
  fix: 'Add SET search_path = pg_catalog, pg_temp (and schema-qualify your own objects), or list only trusted schemas with pg_temp last.',
  versions: 'All versions.',
  references: ['https://www.postgresql.org/docs/current/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY'],
  examples: {
    invalid: [
      { sql: "CREATE FUNCTION reset_password(uid bigint) RETURNS void LANGUAGE sql SECURITY DEFINER AS 'UPDATE users SET password = NULL WHERE id = uid';", messageIds: ['unpinned'] },
      {
        sql: "CREATE FUNCTION reset_password(uid bigint) RETURNS void LANGUAGE sql SECURITY DEFINER SET work_mem = '64MB' AS 'UPDATE users SET password = NULL WHERE id = uid';",
        why: 'a SET of another setting does not pin search_path',
        messageIds: ['unpinned'],
      },
      {
        sql: 'ALTER FUNCTION auth.reset_password(bigint) SECURITY DEFINER;',
        why: 'turning an existing function into SECURITY DEFINER',
        messages: ["SECURITY DEFINER function auth.reset_password does not set search_path: callers can redirect its unqualified names to their own objects and run them with its owner's rights."],
      },
    ],
    valid: [
      { sql: "CREATE FUNCTION reset_password(uid bigint) RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS 'UPDATE public.users SET password = NULL WHERE id = uid';", why: 'search_path pinned' },
      { sql: "CREATE FUNCTION add_one(n int) RETURNS int LANGUAGE sql AS 'SELECT n + 1';", why: 'SECURITY INVOKER (the default)' },
      { sql: 'ALTER FUNCTION auth.reset_password(bigint) SECURITY INVOKER;', why: 'back to running with the caller\'s rights' },
    ],
  },
  statement({ statement, report }) {
    const create = nodeAs<CreateFunctionStmt>(statement.node, 'CreateFunctionStmt');
    const alter = nodeAs<AlterFunctionStmt>(statement.node, 'AlterFunctionStmt');
    const { definer, pinned } = definerOptions(create?.options ?? alter?.actions);
    if (!definer || pinned) return;
    report({ messageId: 'unpinned', data: { name: create ? qualifiedName(create.funcname) : qualifiedName(alter?.func?.objname) } });
  },
});
