/**
 * The registry: every rule, sorted by id. This is the only list; docs pages, the README
 * table, SARIF's rule list and the config schema's rule ids are derived from it.
 */
import type { Rule } from '../core/rule.js';
import banAddColumnWithConstraint from './ban-add-column-with-constraint.js';
import banAddPrimaryKey from './ban-add-primary-key.js';
import banAddPrimaryKeyUsingNullableIndex from './ban-add-primary-key-using-nullable-index.js';
import banAddSerialOrStoredGeneratedColumn from './ban-add-serial-or-stored-generated-column.js';
import banAddUniqueConstraint from './ban-add-unique-constraint.js';
import banAlterColumnType from './ban-alter-column-type.js';
import banAlterEnumInTransaction from './ban-alter-enum-in-transaction.js';
import banAttachPartitionWithoutCheck from './ban-attach-partition-without-check.js';
import banAutovacuumDisabled from './ban-autovacuum-disabled.js';
import banBackfillUnderAccessExclusive from './ban-backfill-under-access-exclusive.js';
import banChangeIndexedColumnCollation from './ban-change-indexed-column-collation.js';
import banCharField from './ban-char-field.js';
import banConcurrentIndexOnPartitionedTable from './ban-concurrent-index-on-partitioned-table.js';
import banConcurrentlyInTransaction from './ban-concurrently-in-transaction.js';
import banCopyFromServerFile from './ban-copy-from-server-file.js';
import banDeleteData from './ban-delete-data.js';
import banDisableTriggers from './ban-disable-triggers.js';
import banDomainConstraints from './ban-domain-constraints.js';
import banDropColumn from './ban-drop-column.js';
import banDropDatabase from './ban-drop-database.js';
import banDropDefault from './ban-drop-default.js';
import banDropNotNull from './ban-drop-not-null.js';
import banDropObject from './ban-drop-object.js';
import banDropPrimaryKey from './ban-drop-primary-key.js';
import banDropSchema from './ban-drop-schema.js';
import banDropTable from './ban-drop-table.js';
import banDuplicateColumnAssignment from './ban-duplicate-column-assignment.js';
import banEditingAppliedMigration from './ban-editing-applied-migration.js';
import banExclusionConstraint from './ban-exclusion-constraint.js';
import banGrantToPublic from './ban-grant-to-public.js';
import banIrreversibleDataMigration from './ban-irreversible-data-migration.js';
import banJsonColumn from './ban-json-column.js';
import banLockTable from './ban-lock-table.js';
import banLossyDown from './ban-lossy-down.js';
import banNestedTransaction from './ban-nested-transaction.js';
import banNotNullOnNewColumn from './ban-not-null-on-new-column.js';
import banOutOfOrderMigration from './ban-out-of-order-migration.js';
import banRefreshMaterializedViewBlocking from './ban-refresh-materialized-view-blocking.js';
import banRenameColumn from './ban-rename-column.js';
import banRenameEnumValue from './ban-rename-enum-value.js';
import banRenameObject from './ban-rename-object.js';
import banRenameSchema from './ban-rename-schema.js';
import banRenameTable from './ban-rename-table.js';
import banSetLoggedOrUnlogged from './ban-set-logged-or-unlogged.js';
import banSetNotNull from './ban-set-not-null.js';
import banSetSchema from './ban-set-schema.js';
import banSetTablespace from './ban-set-tablespace.js';
import banStatementsAfterAccessExclusive from './ban-statements-after-access-exclusive.js';
import banTruncateCascade from './ban-truncate-cascade.js';
import banUnbatchedBackfill from './ban-unbatched-backfill.js';
import banUncommittedTransaction from './ban-uncommitted-transaction.js';
import banVacuumFullClusterReindex from './ban-vacuum-full-cluster-reindex.js';
import banValidateConstraintInSameTransaction from './ban-validate-constraint-in-same-transaction.js';
import banVolatileCheckConstraint from './ban-volatile-check-constraint.js';
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
import requireConstraintPreCheck from './require-constraint-pre-check.js';
import requireDownMigration from './require-down-migration.js';
import requireEnumValueOrdering from './require-enum-value-ordering.js';
import requireIgnoreReason from './require-ignore-reason.js';
import requireIndexForForeignKey from './require-index-for-foreign-key.js';
import requireInvalidIndexRecovery from './require-invalid-index-recovery.js';
import requireLockTimeout from './require-lock-timeout.js';
import requireNotValidCheck from './require-not-valid-check.js';
import requireNotValidForeignKey from './require-not-valid-foreign-key.js';
import requireNullableOrDefault from './require-nullable-or-default.js';
import requirePrimaryKey from './require-primary-key.js';
import requireRlsPolicy from './require-rls-policy.js';
import requireSecurityDefinerSearchPath from './require-security-definer-search-path.js';
import requireStatementTimeout from './require-statement-timeout.js';
import requireUniqueMigrationVersion from './require-unique-migration-version.js';
import unusedIgnore from './unused-ignore.js';

export const allRules: readonly Rule[] = [
  banAddColumnWithConstraint,
  banAddPrimaryKey,
  banAddPrimaryKeyUsingNullableIndex,
  banAddSerialOrStoredGeneratedColumn,
  banAddUniqueConstraint,
  banAlterColumnType,
  banAlterEnumInTransaction,
  banAttachPartitionWithoutCheck,
  banAutovacuumDisabled,
  banBackfillUnderAccessExclusive,
  banChangeIndexedColumnCollation,
  banCharField,
  banConcurrentIndexOnPartitionedTable,
  banConcurrentlyInTransaction,
  banCopyFromServerFile,
  banDeleteData,
  banDisableTriggers,
  banDomainConstraints,
  banDropColumn,
  banDropDatabase,
  banDropDefault,
  banDropNotNull,
  banDropObject,
  banDropPrimaryKey,
  banDropSchema,
  banDropTable,
  banDuplicateColumnAssignment,
  banEditingAppliedMigration,
  banExclusionConstraint,
  banGrantToPublic,
  banIrreversibleDataMigration,
  banJsonColumn,
  banLockTable,
  banLossyDown,
  banNestedTransaction,
  banNotNullOnNewColumn,
  banOutOfOrderMigration,
  banRefreshMaterializedViewBlocking,
  banRenameColumn,
  banRenameEnumValue,
  banRenameObject,
  banRenameSchema,
  banRenameTable,
  banSetLoggedOrUnlogged,
  banSetNotNull,
  banSetSchema,
  banSetTablespace,
  banStatementsAfterAccessExclusive,
  banTruncateCascade,
  banUnbatchedBackfill,
  banUncommittedTransaction,
  banVacuumFullClusterReindex,
  banValidateConstraintInSameTransaction,
  banVolatileCheckConstraint,
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
  requireConstraintPreCheck,
  requireDownMigration,
  requireEnumValueOrdering,
  requireIgnoreReason,
  requireIndexForForeignKey,
  requireInvalidIndexRecovery,
  requireLockTimeout,
  requireNotValidCheck,
  requireNotValidForeignKey,
  requireNullableOrDefault,
  requirePrimaryKey,
  requireRlsPolicy,
  requireSecurityDefinerSearchPath,
  requireStatementTimeout,
  requireUniqueMigrationVersion,
  unusedIgnore,
];

export const ruleIds: readonly string[] = allRules.map((rule) => rule.id);

export function findRule(id: string): Rule | undefined {
  return allRules.find((rule) => rule.id === id);
}
