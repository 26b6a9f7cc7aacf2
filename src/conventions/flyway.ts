/**
 * Flyway: `V<version>__<name>.sql` (versioned), `U<version>__<name>.sql` (undo, the down of
 * the V with the same version), `R__<name>.sql` (repeatable, after all versioned),
 * `B<version>__<name>.sql` (baseline). https://documentation.red-gate.com/fd/migrations-184127470.html
 * A migration is known by its version (flyway-core api/MigrationVersion.java: numeric parts,
 * trailing zero parts ignored).
 *
 * Transactions, as flyway/flyway@c5e20fc runs a script (ParserSqlScript.executeInTransaction):
 *  - `executeInTransaction=true|false` in the script's configuration file `<script>.conf`
 *    (SqlScriptMetadata.getMetadataResource: the script's path + `.conf`) decides;
 *  - otherwise the script runs in a transaction unless one of its statements is one that
 *    Flyway's PostgreSQL parser detects as non-transactional
 *    (PostgreSQLParser.detectCanExecuteInTransaction, regexes below): then the whole script
 *    runs without a transaction. A script that mixes both kinds is refused ("Detected both
 *    transactional and non-transactional statements") unless `flyway.mixed=true`.
 * NOTE: Flyway's detection is by those regexes only: `REINDEX TABLE ... CONCURRENTLY` and
 * `DETACH PARTITION ... CONCURRENTLY` are not detected, so such a script stays in a
 * transaction and fails there (ban-concurrently-in-transaction reports it).
 */
import type { InputFile, MigrationFile, MigrationNote } from '../core/migration.js';
import { skipTrivia, splitStatements } from '../core/split.js';
import { type Convention, pairUpAndDown, splitPath, wholeFile } from './convention.js';

const FILE = /^([VUB])(\d+(?:[._]\d+)*)__(.+)\.sql$|^R__(.+)\.sql$/;

/**
 * PostgreSQLParser's statements that cannot run in a transaction, matched (as Flyway does)
 * against the statement's keywords in upper case with single spaces.
 * NOTE: `ALTER TYPE ... ADD VALUE` counts only before Postgres 12; Flyway asks the server.
 * We model the default target (12 and later) and leave that one in the transaction.
 */
const NON_TRANSACTIONAL = [/^(CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)/, /^ALTER SYSTEM/, /^(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY/, /^REINDEX( VERBOSE)? (SCHEMA|DATABASE|SYSTEM)/, /^VACUUM/, /^DISCARD ALL/];

/**
 * The `executeInTransaction` value of a script configuration file, when it sets one.
 * NOTE: Flyway accepts exactly `true` or `false` and refuses the script otherwise
 * (flyway-core ConfigUtils.removeBoolean: "Invalid value for executeInTransaction (should be
 * either true or false)"), so the value is returned as written, not folded to a boolean.
 */
function executeInTransactionValue(conf: string): string | undefined {
  return /^\s*executeInTransaction\s*=\s*(\S+)/m.exec(conf)?.[1];
}

/** How many of the script's statements Flyway's PostgreSQL parser finds non-transactional, of how many. */
function countNonTransactional(text: string): { nonTransactional: number; statements: number } {
  let nonTransactional = 0;
  let statements = 0;
  for (const chunk of splitStatements(text)) {
    const start = skipTrivia(text, chunk.start, chunk.end);
    if (start >= chunk.end) continue;
    statements++;
    const words = text.slice(start, Math.min(chunk.end, start + 200)).replace(/\s+/g, ' ').toUpperCase();
    if (NON_TRANSACTIONAL.some((pattern) => pattern.test(words))) nonTransactional++;
  }
  return { nonTransactional, statements };
}

/** Whether Flyway runs the script in a transaction, and what it will say about it. */
function transactionOf(file: InputFile, conf: InputFile | undefined): { inTransaction: boolean; notes: MigrationNote[] } {
  if (!conf) return detectedTransaction(file);
  const setting = executeInTransactionValue(conf.text);
  if (setting === 'true' || setting === 'false') return { inTransaction: setting === 'true', notes: [] };
  const detected = detectedTransaction(file);
  if (setting === undefined) return detected;
  const refused: MigrationNote = { severity: 'error', message: `Flyway: ${conf.path} sets executeInTransaction=${setting}; Flyway refuses the script ("Invalid value for executeInTransaction (should be either true or false)"). Write executeInTransaction=true or executeInTransaction=false.` };
  return { inTransaction: detected.inTransaction, notes: [refused, ...detected.notes] };
}

/** Whether Flyway's PostgreSQL parser puts the script in a transaction, when no configuration file decides. */
function detectedTransaction(file: InputFile): { inTransaction: boolean; notes: MigrationNote[] } {
  const { nonTransactional, statements } = countNonTransactional(file.text);
  if (nonTransactional === 0) return { inTransaction: true, notes: [] };
  const mixed = nonTransactional < statements;
  return {
    inTransaction: false,
    notes: mixed ? [{ severity: 'error', message: `Flyway: this script mixes statements that cannot run in a transaction with others; Flyway refuses it ("Detected both transactional and non-transactional statements") unless flyway.mixed=true. Put the non-transactional statement in a script of its own, or set executeInTransaction=false in ${file.path}.conf.` }] : [],
  };
}

/**
 * The version as Flyway compares it (MigrationVersion): `_` is `.`, and trailing zero parts
 * do not count, so `1.0` and `1_0` are version `1` (a duplicate of `V1__`).
 */
export function flywayVersion(raw: string): string {
  const parts = raw.replace(/_/g, '.').split('.');
  while (parts.length > 1 && /^0+$/.test(parts[parts.length - 1]!)) parts.pop();
  return parts.join('.');
}

export const flyway: Convention = {
  id: 'flyway',
  claim(files) {
    const byPath = new Map(files.map((f) => [f.path, f]));
    const claimed: MigrationFile[] = [];
    for (const file of files) {
      const { dir, base } = splitPath(file.path);
      const match = FILE.exec(base);
      if (!match) continue;
      const [, prefix, rawVersion, name, repeatableName] = match;
      const version = rawVersion === undefined ? undefined : flywayVersion(rawVersion);
      const transaction = transactionOf(file, byPath.get(`${file.path}.conf`));
      const role = repeatableName ? 'repeatable' : prefix === 'U' ? 'down' : prefix === 'B' ? 'baseline' : 'up';
      claimed.push({
        path: file.path,
        convention: 'flyway',
        role,
        // NOTE: repeatable migrations run after every versioned one.
        version: repeatableName ? `~${repeatableName}` : version!,
        migrationId: repeatableName ? `${dir}R__${repeatableName}` : `${dir}V${version}`,
        name: repeatableName ?? name!,
        expectsDown: false,
        sections: wholeFile(file, role === 'down' ? 'down' : 'up', transaction.inTransaction),
        notes: transaction.notes,
      });
    }
    return pairUpAndDown(claimed);
  },
};
