/**
 * Shared wording for the expand/contract rules: what a target is called in messages.
 */
import type { ContractTarget } from '../../core/history-facts.js';

/** `column users.email` or `table audit_log`. */
export function describeTarget(target: ContractTarget): string {
  return target.column ? `column ${target.table}.${target.column}` : `table ${target.table}`;
}

/** `dropped` or `renamed`. */
export function pastTense(target: ContractTarget): string {
  return target.operation === 'drop' ? 'dropped' : 'renamed';
}

/** `drops` or `renames`. */
export function presentTense(target: ContractTarget): string {
  return target.operation === 'drop' ? 'drops' : 'renames';
}

/** The target as finding details (table, column, operation, new name), for its phase plan. */
export function targetDetails(target: ContractTarget): Record<string, string> {
  return {
    table: target.table,
    operation: target.operation,
    ...(target.column === undefined ? {} : { column: target.column }),
    ...(target.newName === undefined ? {} : { newName: target.newName }),
  };
}
