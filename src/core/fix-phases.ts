/**
 * Where each step of a fix text runs. A fix often spans more than the migration under
 * review: a batched backfill runs from a background job, a rollback goes in the down file,
 * a NOT NULL waits for a later release. A step says so with a marker at the start of its
 * heading line (after its number, if any), e.g.
 *
 *     3. [later release, after the code is deployed] Add the check without scanning:
 *
 * The marker holds for every SQL line after it until the next marker; SQL before any
 * marker belongs to this change's migrations. Readers see plain words; tests read the
 * markers to apply each step where it really runs (test/rules/fixes-are-clean.test.ts).
 */

/** The places a fix step runs. */
export type FixPhase = 'migration' | 'background-job' | 'down' | 'later-release';

/** The marker of each phase, as printed in fix texts. */
export const FIX_PHASE_MARKERS: Readonly<Record<FixPhase, string>> = {
  /** The change under review: its migrations (a step may still ask for a migration of its own). */
  migration: '[this change]',
  /** Outside the migration set: a job that runs batches in their own transactions, pausing between them. */
  'background-job': '[background job, outside the migrations]',
  /** The down file (or down section) of the migration the finding is about. */
  down: '[down migration]',
  /** A later change, once code that relies on the first one is deployed everywhere. */
  'later-release': '[later release, after the code is deployed]',
};
