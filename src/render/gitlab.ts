/**
 * GitLab Code Quality report (`--format gitlab`): a JSON array of issues in the subset of
 * the Code Climate format GitLab reads, shown in the merge request widget and diff
 * (https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format): description,
 * check_name, fingerprint, severity (info, minor, major, critical, blocker), location.path
 * and location.lines.begin.
 * Suppressed findings are left out (GitLab has no notion of a suppressed issue).
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../core/finding.js';
import type { Report } from '../core/report.js';

/** One Code Quality issue. */
export interface GitlabIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  location: { path: string; lines: { begin: number; end: number } };
}

/**
 * NOTE: a blocking finding (one that fails the check) is `blocker`; the rest map by
 * severity. GitLab sorts and colours by these, and only `blocker`/`critical` read as "must fix".
 */
const SEVERITY: Record<Severity, GitlabIssue['severity']> = { error: 'critical', warning: 'minor', notice: 'info' };

export function renderGitlab(report: Report): string {
  const blocking = new Set(report.blocking);
  const seen = new Map<string, number>();
  const issues = report.findings
    .filter((finding) => !finding.suppression)
    .map((finding): GitlabIssue => {
      // NOTE: GitLab compares the base and head reports by fingerprint to show what a merge
      // request fixes and introduces, so it must not change when lines move: rule, file and
      // statement text, plus the occurrence number when those repeat.
      const identity = `${finding.ruleId}\n${finding.file}\n${(finding.statement ?? finding.message).replace(/\s+/g, ' ').trim()}`;
      const occurrence = (seen.get(identity) ?? 0) + 1;
      seen.set(identity, occurrence);
      return {
        description: `${finding.message}${finding.fix ? ` Safe alternative: ${finding.fix.replace(/\s+/g, ' ').trim()}` : ''}`,
        check_name: finding.ruleId,
        fingerprint: createHash('sha256').update(`${identity}\n${occurrence}`).digest('hex'),
        severity: blocking.has(finding) ? 'blocker' : SEVERITY[finding.severity],
        location: { path: finding.file, lines: { begin: finding.span.start.line, end: finding.span.end.line } },
      };
    });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
