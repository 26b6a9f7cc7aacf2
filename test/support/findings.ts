/** A finding as the renderers receive it, built by hand for output-format tests (test/render). */
import type { Finding } from '../../src/core/finding.js';
import type { Report } from '../../src/core/report.js';

/** A one-line ban-drop-column error at db/001_drop.sql:3:5-40, with the given fields changed. */
export function findingOf(overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'ban-drop-column',
    messageId: 'dropColumn',
    severity: 'error',
    file: 'db/001_drop.sql',
    span: { startOffset: 0, endOffset: 10, start: { line: 3, column: 5 }, end: { line: 3, column: 40 } },
    message: 'Dropping column "email" breaks running code',
    why: 'why',
    tables: ['users'],
    lock: null,
    rewrite: false,
    docsUrl: 'https://example.test/ban-drop-column.md',
    details: {},
    ...overrides,
  };
}

/** A report holding only findings (and which of them block), for renderers that read nothing else. */
export function reportOf(findings: Finding[], blocking: Finding[] = []): Report {
  return { findings, blocking } as unknown as Report;
}
