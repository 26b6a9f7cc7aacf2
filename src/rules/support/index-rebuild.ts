/**
 * The user's own CREATE INDEX statement, as the second line of the rerunnable build both
 * index rules suggest (after `DROP INDEX CONCURRENTLY IF EXISTS`): ended with `;`, its
 * continuation lines indented like the rest of the fix's SQL.
 */
export function rebuildStatement(statementText: string): string {
  return statementText.trim().replace(/;?$/, ';').split('\n').join('\n   ');
}
