/**
 * Coming from squawk (https://squawkhq.com): its rule names mapped to ours, for its ignore
 * comments (`-- squawk-ignore RULE, RULE` before a statement, `-- squawk-ignore-file [RULES]`
 * for the file, no rule meaning every rule; https://squawkhq.com/docs/cli and squawk's
 * v2.19.0 release notes) and its `.squawk.toml` `excluded_rules`. The mapping is by what
 * each squawk rule reports (its page under https://squawkhq.com/docs/<rule>); a squawk rule
 * that checks several things of ours maps to each of them. docs/coming-from-squawk.md shows
 * this table (a test keeps the two equal).
 */

/** squawk rule name -> our rule ids. Squawk rules missing here have no equivalent. */
export const SQUAWK_RULES: Readonly<Record<string, readonly string[]>> = {
  'adding-field-with-default': ['ban-volatile-default'],
  'adding-foreign-key-constraint': ['require-not-valid-foreign-key'],
  'adding-not-nullable-field': ['ban-set-not-null'],
  'adding-required-field': ['require-nullable-or-default'],
  'adding-serial-primary-key-field': ['ban-add-serial-or-stored-generated-column', 'ban-add-primary-key'],
  'ban-alter-domain-with-add-constraint': ['ban-domain-constraints'],
  'ban-char-field': ['ban-char-field'],
  'ban-concurrent-index-creation-in-transaction': ['ban-concurrently-in-transaction'],
  'ban-create-domain-with-constraint': ['ban-domain-constraints'],
  'ban-drop-column': ['ban-drop-column'],
  'ban-drop-database': ['ban-drop-database'],
  'ban-drop-default': ['ban-drop-default'],
  'ban-drop-not-null': ['ban-drop-not-null'],
  'ban-drop-schema': ['ban-drop-schema'],
  'ban-drop-table': ['ban-drop-table'],
  'ban-duplicate-column-assignments': ['ban-duplicate-column-assignment'],
  'ban-truncate-cascade': ['ban-truncate-cascade'],
  'ban-uncommitted-transaction': ['ban-uncommitted-transaction'],
  'changing-column-type': ['ban-alter-column-type'],
  'constraint-missing-not-valid': ['require-not-valid-check', 'require-not-valid-foreign-key'],
  'disallowed-unique-constraint': ['ban-add-unique-constraint'],
  'identifier-too-long': ['identifier-too-long'],
  'prefer-big-int': ['prefer-bigint'],
  'prefer-bigint-over-int': ['prefer-bigint'],
  'prefer-bigint-over-smallint': ['prefer-bigint'],
  'prefer-identity': ['prefer-identity'],
  'prefer-robust-stmts': ['prefer-robust-statements'],
  'prefer-text-field': ['prefer-text-field'],
  'prefer-timestamptz': ['prefer-timestamptz'],
  'renaming-column': ['ban-rename-column'],
  'renaming-table': ['ban-rename-table'],
  'require-concurrent-index-creation': ['require-concurrent-index-creation'],
  'require-concurrent-index-deletion': ['require-concurrent-index-deletion'],
  'require-concurrent-partition-detach': ['require-concurrent-partition-detach'],
  'require-concurrent-reindex': ['require-concurrent-reindex'],
  'require-enum-value-ordering': ['require-enum-value-ordering'],
  'require-lock-timeout': ['require-lock-timeout'],
  'require-statement-timeout': ['require-statement-timeout'],
  'require-timeout-settings': ['require-lock-timeout', 'require-statement-timeout'],
  'transaction-nesting': ['ban-nested-transaction'],
};

/**
 * Our rule ids for squawk rule names; a name squawk does not have, or has no equivalent
 * of ours, is kept as written (so it is reported as an unknown rule, not dropped).
 */
export function fromSquawkRules(names: readonly string[]): string[] {
  return [...new Set(names.flatMap((name) => SQUAWK_RULES[name.toLowerCase()] ?? [name]))];
}
