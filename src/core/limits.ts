/**
 * Input and report limits. Past an input limit the result is a clear, blocking message
 * that names the file (or, for the number of files, an error that names the path); past a
 * report limit the report says what it left out. Never a silent truncation.
 * The numbers are far above real migrations (the largest file of the 1,570-file corpus is
 * 0.6 MB with 1,100 statements; a squashed pg_dump baseline is a few MB) and keep memory
 * bounded: checking a file at the size limit peaks at about 1 GB.
 */
export const LIMITS = {
  /** Bytes per file. A larger file is not read; it becomes a blocking parse-error finding. */
  fileBytes: 16 * 1024 * 1024,
  /** Statements per file. Parsing stops past it; the rest of the file is a blocking parse-error finding. */
  statementsPerFile: 100_000,
  /** Statements that fail to parse per file section; past it the rest is one blocking parse-error finding. */
  syntaxErrorsPerFile: 100,
  /** Candidate files read from the paths given to one run; past it the run stops with an error. */
  files: 20_000,
  /**
   * Findings listed per file. Past it the rest are counted in one finding instead, which
   * has the severity of the most severe of them (so the verdict does not change).
   * NOTE: bounds the report: one ALTER TABLE of 5,000 SET NOT NULL sub-commands gave a JSON
   * report too long for a JavaScript string, and the run failed.
   */
  findingsPerFile: 10_000,
  /** Characters of a statement's text carried in each of its findings; past it the text is cut, with a note of its length. */
  findingStatementChars: 4_000,
} as const;

/** A statement's text as a finding carries it: cut after LIMITS.findingStatementChars, with its full length. */
export function findingStatementText(text: string): string {
  if (text.length <= LIMITS.findingStatementChars) return text;
  // NOTE: never between the two halves of a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text[LIMITS.findingStatementChars - 1]!) ? LIMITS.findingStatementChars - 1 : LIMITS.findingStatementChars;
  return `${text.slice(0, end)}\n-- [cut by migration-guard: the statement has ${text.length.toLocaleString('en-US')} characters]`;
}

/** A size in bytes for messages, e.g. `50.0 MB`. */
export function formatBytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Why a file over `LIMITS.fileBytes` is not checked (shown as its parse-error finding). */
export function fileTooLargeMessage(bytes: number): string {
  // NOTE: just over the limit, both sizes round to the same text ("16.0 MB, over the limit of 16.0 MB").
  const size = formatBytes(bytes) === formatBytes(LIMITS.fileBytes) ? `${bytes.toLocaleString('en-US')} bytes` : formatBytes(bytes);
  return `the file is ${size}, over the limit of ${formatBytes(LIMITS.fileBytes)} per file, and was not read; split it into smaller migrations, or exclude it in the config if it is not a migration`;
}
