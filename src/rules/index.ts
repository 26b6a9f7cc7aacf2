/**
 * The registry: every rule, sorted by id. This is the only list; docs pages, the README
 * table, SARIF's rule list and the config schema's rule ids are derived from it.
 */
import type { Rule } from '../core/rule.js';
import banAddPrimaryKey from './ban-add-primary-key.js';
import banAddSerialOrStoredGeneratedColumn from './ban-add-serial-or-stored-generated-column.js';
import banAddUniqueConstraint from './ban-add-unique-constraint.js';
import banAlterColumnType from './ban-alter-column-type.js';
import banAlterEnumInTransaction from './ban-alter-enum-in-transaction.js';
import banCharField from './ban-char-field.js';
import banConcurrentlyInTransaction from './ban-concurrently-in-transaction.js';
import banDeleteData from './ban-delete-data.js';
import banDomainConstraints from './ban-domain-constraints.js';
import banDropColumn from './ban-drop-column.js';
import banDropDatabase from './ban-drop-database.js';
import banDropDefault from './ban-drop-default.js';
import banDropNotNull from './ban-drop-not-null.js';
import banDropSchema from './ban-drop-schema.js';
import banDropTable from './ban-drop-table.js';
import banDuplicateColumnAssignment from './ban-duplicate-column-assignment.js';
import banEditingAppliedMigration from './ban-editing-applied-migration.js';
import banExclusionConstraint from './ban-exclusion-constraint.js';
import banIrreversibleDataMigration from './ban-irreversible-data-migration.js';
import banJsonColumn from './ban-json-column.js';
import banLossyDown from './ban-lossy-down.js';
import banNestedTransaction from './ban-nested-transaction.js';
import banOutOfOrderMigration from './ban-out-of-order-migration.js';
import banRefreshMaterializedViewBlocking from './ban-refresh-materialized-view-blocking.js';
import banRenameColumn from './ban-rename-column.js';
import banRenameTable from './ban-rename-table.js';
import banSetNotNull from './ban-set-not-null.js';
import banStatementsAfterAccessExclusive from './ban-statements-after-access-exclusive.js';
import banTruncateCascade from './ban-truncate-cascade.js';
import banUnbatchedBackfill from './ban-unbatched-backfill.js';
import banUncommittedTransaction from './ban-uncommitted-transaction.js';
import banVacuumFullClusterReindex from './ban-vacuum-full-cluster-reindex.js';
import banVolatileDefault from './ban-volatile-default.js';
import codeStillReferences from './code-still-references.js';
import contractTooEarly from './contract-too-early.js';
import downNotReversible from './down-not-reversible.js';
import identifierTooLong from './identifier-too-long.js';
import parseError from './parse-error.js';
import preferBigint from './prefer-bigint.js';
import preferIdentity from './prefer-identity.js';
import preferRobustStatements from './prefer-robust-statements.js';
import preferSingleAlterPerTable from './prefer-single-alter-per-table.js';
import preferTextField from './prefer-text-field.js';
import preferTimestamptz from './prefer-timestamptz.js';
import replayIncomplete from './replay-incomplete.js';
import replayUnclaimedLock from './replay-unclaimed-lock.js';
import requireConcurrentIndexCreation from './require-concurrent-index-creation.js';
import requireConcurrentIndexDeletion from './require-concurrent-index-deletion.js';
import requireConcurrentPartitionDetach from './require-concurrent-partition-detach.js';
import requireConcurrentReindex from './require-concurrent-reindex.js';
import requireDownMigration from './require-down-migration.js';
import requireEnumValueOrdering from './require-enum-value-ordering.js';
import requireIgnoreReason from './require-ignore-reason.js';
import requireIndexForForeignKey from './require-index-for-foreign-key.js';
import requireInvalidIndexRecovery from './require-invalid-index-recovery.js';
import requireLockTimeout from './require-lock-timeout.js';
import requireNotValidCheck from './require-not-valid-check.js';
import requireNotValidForeignKey from './require-not-valid-foreign-key.js';
import requireNullableOrDefault from './require-nullable-or-default.js';
import requireStatementTimeout from './require-statement-timeout.js';
import requireUniqueMigrationVersion from './require-unique-migration-version.js';
import unusedIgnore from './unused-ignore.js';

export const allRules: readonly Rule[] = [
  banAddPrimaryKey,
  banAddSerialOrStoredGeneratedColumn,
  banAddUniqueConstraint,
  banAlterColumnType,
  banAlterEnumInTransaction,
  banCharField,
  banConcurrentlyInTransaction,
  banDeleteData,
  banDomainConstraints,
  banDropColumn,
  banDropDatabase,
  banDropDefault,
  banDropNotNull,
  banDropSchema,
  banDropTable,
  banDuplicateColumnAssignment,
  banEditingAppliedMigration,
  banExclusionConstraint,
  banIrreversibleDataMigration,
  banJsonColumn,
  banLossyDown,
  banNestedTransaction,
  banOutOfOrderMigration,
  banRefreshMaterializedViewBlocking,
  banRenameColumn,
  banRenameTable,
  banSetNotNull,
  banStatementsAfterAccessExclusive,
  banTruncateCascade,
  banUnbatchedBackfill,
  banUncommittedTransaction,
  banVacuumFullClusterReindex,
  banVolatileDefault,
  codeStillReferences,
  contractTooEarly,
  downNotReversible,
  identifierTooLong,
  parseError,
  preferBigint,
  preferIdentity,
  preferRobustStatements,
  preferSingleAlterPerTable,
  preferTextField,
  preferTimestamptz,
  replayIncomplete,
  replayUnclaimedLock,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  requireConcurrentPartitionDetach,
  requireConcurrentReindex,
  requireDownMigration,
  requireEnumValueOrdering,
  requireIgnoreReason,
  requireIndexForForeignKey,
  requireInvalidIndexRecovery,
  requireLockTimeout,
  requireNotValidCheck,
  requireNotValidForeignKey,
  requireNullableOrDefault,
  requireStatementTimeout,
  requireUniqueMigrationVersion,
  unusedIgnore,
];

export const ruleIds: readonly string[] = allRules.map((rule) => rule.id);

export function findRule(id: string): Rule | undefined {
  return allRules.find((rule) => rule.id === id);
}
