/**
 * The PR comment body (also `--format markdown`): verdict, strategy, a statement table per
 * migration file, each blocking finding as a checklist item with its safe alternative,
 * the pre-deployment checklist while something blocks, and how to resolve. Stays under
 * GitHub's comment size limit by cutting whole sections. Everything users control is escaped.
 */
import { blockingItemLine, COMMENT_MARKER, formatCommand, keyMarker, type ListedItem, POST_DEPLOYMENT_MARKER } from '../core/comment-format.js';
import { checklistKey, type ChecklistItem, type Resolution, shortDigest } from '../core/gate.js';
import type { Finding } from '../core/finding.js';
import type { FileReport, Report } from '../core/report.js';
import type { StrategyAdvice } from '../core/strategy.js';
import { codeBlock, codeSpan, escapeInline } from './escape.js';
import { findingReplayLine, replayCell, replaySummaryLine } from './replay.js';
import { contextSummaryLine, findingContextLines, rehearsalSection } from './context.js';
import { plural } from './plural.js';

export { COMMENT_MARKER, POST_DEPLOYMENT_MARKER };

/** GitHub rejects issue comments longer than 65,536 characters (REST API, "body is too long"). */
export const GITHUB_COMMENT_MAX_LENGTH = 65_536;

export interface MarkdownOptions {
  advice?: StrategyAdvice;
  /** How blocking findings were resolved (acknowledgements, approval). */
  resolutions?: ReadonlyMap<Finding, Resolution>;
  /** The pre-deployment checklist to show (only while something blocks). */
  checklist?: readonly ChecklistItem[];
  /** Extra lines about approvals (granted, voided), already escaped. */
  gateNotes?: readonly string[];
  /** Blocking findings of the previous run that are gone now: `file:line` and rule. */
  fixed?: ReadonlyArray<Pick<ListedItem, 'location' | 'ruleId'>>;
  /** The migration digest an approval names (the action knows it; the CLI shows a placeholder). */
  digest?: string;
  /** Where the full report lives when the comment is cut (e.g. the job summary URL). */
  fullReportUrl?: string;
  /** A link to a file's line at the head commit; locations are plain text without it. */
  sourceUrl?: (file: string, line: number) => string;
  maxLength?: number;
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const resolutions = options.resolutions ?? new Map<Finding, Resolution>();
  const unresolved = report.blocking.filter((f) => !resolutions.has(f));
  const head = [COMMENT_MARKER, `## migration-guard: ${verdictLine(report, unresolved.length)}`, ''];
  if (options.gateNotes?.length) head.push(...options.gateNotes, '');
  // NOTE: in the head, never cut: the digest an approval must name, whatever the comment's length.
  if (unresolved.length && options.digest) head.push(`Migration digest \`${shortDigest(options.digest)}\`: a maintainer approves a window for exactly these migration files with \`${approveCommand(options.digest)}\`.`, '');
  if (options.advice && report.files.length) head.push(`**Strategy: ${options.advice.strategy}.** ${escapeInline(options.advice.reason)}`, '');
  if (report.replay) head.push(`_${escapeInline(replaySummaryLine(report.replay))}_`, '');
  if (report.context) head.push(`_${escapeInline(contextSummaryLine(report.context))}_`, '');
  if (report.files.length) head.push(...summaryTable(report, unresolved.length), '');

  const link = linker(options.sourceUrl);
  const sections: string[] = [];
  if (report.blocking.length) sections.push(blockingSection(report.blocking, resolutions, link));
  const rehearsal = rehearsalSection(report.files);
  if (rehearsal) sections.push(rehearsal);
  const checklist = options.checklist ?? [];
  if (checklist.length) {
    const state = (item: ChecklistItem) => (item.by ? `✅ acknowledged by @${item.by}` : item.approvedBy ? `✅ covered by the maintenance approval of @${item.approvedBy}` : `key \`${item.key}\``);
    sections.push(['### Pre-deployment checklist', '', ...checklist.map((item) => `- ${escapeInline(item.text)}: ${state(item)} ${keyMarker(item.key)}`), ''].join('\n'));
  }
  const resolved = resolvedSection(report, options.fixed ?? []);
  if (resolved) sections.push(resolved);
  for (const plan of options.advice?.plans ?? []) sections.push(planSection(plan));
  const warnings = report.findings.filter((f) => !f.suppression && !report.blocking.includes(f) && f.severity !== 'notice');
  if (warnings.length) sections.push(['### Warnings', '', ...warnings.flatMap((f) => [`- ${link(f)} **${f.ruleId}**: ${escapeInline(f.message)}`, ...findingContextLines(f).map((line) => `  - ${escapeInline(line)}`)]), ''].join('\n'));
  for (const file of report.files) sections.push(fileSection(file, report));
  if (report.blocking.length) sections.push(howToResolve(report.blocking.filter((f) => !resolutions.has(f)), checklist, options.digest));

  return fit(head.join('\n'), sections, options);
}

function verdictLine(report: Report, unresolved: number): string {
  if (report.files.length === 0) return '✅ no migration files changed';
  if (unresolved > 0) return `❌ blocked: ${plural(unresolved, 'blocking finding')} to resolve`;
  if (report.blocking.length > 0) return '✅ pass: every blocking finding is resolved';
  return `✅ pass (${plural(report.files.length, 'migration file')} checked)`;
}

function location(f: Finding): string {
  return `${codeSpan(`${f.file}:${f.span.start.line}`)}`;
}

/** A finding's `file:line`, linked to that line at the head commit when `sourceUrl` is given. */
function linker(sourceUrl: MarkdownOptions['sourceUrl']): (f: Finding) => string {
  return (f) => (sourceUrl ? `[${location(f)}](${sourceUrl(f.file, f.span.start.line)})` : location(f));
}

/** The counts a reviewer reads first. */
function summaryTable(report: Report, unresolved: number): string[] {
  const shown = report.findings.filter((f) => !f.suppression);
  const warnings = shown.filter((f) => !report.blocking.includes(f) && f.severity !== 'notice').length;
  const ignored = report.findings.filter((f) => f.suppression).length;
  return [
    '| migration files | statements | blocking (to resolve) | warnings | ignored inline |',
    '| --- | --- | --- | --- | --- |',
    `| ${report.files.length} | ${report.files.reduce((n, f) => n + f.statements.length, 0)} | ${report.blocking.length} (${unresolved}) | ${warnings} | ${ignored} |`,
  ];
}

function blockingSection(blocking: readonly Finding[], resolutions: ReadonlyMap<Finding, Resolution>, link: (f: Finding) => string): string {
  const lines = ['### Blocking findings', ''];
  for (const f of blocking) {
    const resolution = resolutions.get(f);
    const key = checklistKey(f);
    const state = resolution ? (resolution.kind === 'acknowledged' ? `✅ acknowledged by @${resolution.by}` : `✅ covered by the maintenance approval of @${resolution.by}`) : `key \`${key}\``;
    lines.push(blockingItemLine(link(f), f.ruleId, `${escapeInline(f.message)} (${state})`, key));
    const lock = f.lock ? `Lock: ${f.lock.mode}${f.tables.length ? ` on ${f.tables.map((t) => codeSpan(t)).join(', ')}` : ''} (blocks ${f.lock.blocks.join(', ') || 'other DDL'})${f.rewrite ? ', rewrites the table' : ''}. ` : '';
    const observed = findingReplayLine(f);
    const details = [`${lock}${escapeInline(f.why)} [Rule docs](${f.docsUrl})`, ...(observed ? ['', `Replay: ${escapeInline(observed)}`] : [])];
    if (f.fix) details.push('', codeBlock(f.fix));
    lines.push(...findingContextLines(f).map((line) => `  - ${escapeInline(line)}`));
    lines.push(`  <details><summary>Safe alternative</summary>`, '', ...details.map((d) => (d ? `  ${d.split('\n').join('\n  ')}` : '')), '', '  </details>');
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * The findings that would block but do not: ignored inline (with the reason), and those
 * fixed since the last run. Acknowledged and approved ones are marked in place above.
 */
function resolvedSection(report: Report, fixed: ReadonlyArray<Pick<ListedItem, 'location' | 'ruleId'>>): string | undefined {
  const blocksUnderPolicy = (f: Finding) => f.severity === 'error' || (report.failOn === 'warning' && f.severity === 'warning');
  const ignored = report.findings.filter((f) => f.suppression && report.failOn !== 'never' && blocksUnderPolicy(f));
  if (ignored.length === 0 && fixed.length === 0) return undefined;
  return [
    '### Resolved',
    '',
    ...ignored.map((f) => `- ${location(f)} **${f.ruleId}**: ignored inline: ${escapeInline(f.suppression!.reason)}`),
    ...fixed.map((f) => `- ${codeSpan(f.location)} **${f.ruleId}**: fixed since the last run`),
    '',
  ].join('\n');
}

function planSection(plan: StrategyAdvice['plans'][number]): string {
  const lines = [`<details><summary><b>Phase plan: ${escapeInline(plan.subject)}</b></summary>`, ''];
  plan.steps.forEach((step, i) => {
    lines.push(`${i + 1}. **${escapeInline(step.title)}**${step.note ? `: ${escapeInline(step.note)}` : ''}`);
    for (const file of step.files) lines.push(`   ${codeSpan(file.path)}`, '', codeBlock(file.sql, 'sql').replace(/^/gm, '   '), '');
  });
  lines.push('</details>', '');
  return lines.join('\n');
}

function rollbackStatus(file: FileReport): string {
  if (file.role === 'up-down') return 'down section';
  if (file.role === 'down') return 'this is a rollback';
  if (file.partner) return `down: ${codeSpan(file.partner)}`;
  return ['prisma', 'supabase', 'flyway', 'plain'].includes(file.convention) ? 'no down by convention' : '**missing**';
}

function fileSection(file: FileReport, report: Report): string {
  const findings = report.findings.filter((f) => f.file === file.path);
  const lines = [`### ${codeSpan(file.path)}`, '', `${file.convention}, ${file.role}, ${file.change}; rollback: ${rollbackStatus(file)}`, ''];
  if (file.statements.length === 0) return [...lines, '_No statements._', ''].join('\n');
  // NOTE: the replay column appears only when replay ran: what Postgres actually did.
  const replayed = report.replay !== undefined;
  lines.push(`| line | statement | lock | blocks | rewrite |${replayed ? ' replay |' : ''} status |`, `| --- | --- | --- | --- | --- |${replayed ? ' --- |' : ''} --- |`);
  for (const s of file.statements) {
    const here = findings.filter((f) => f.span.start.line >= s.line && f.span.start.line <= s.endLine);
    const status = here.some((f) => report.blocking.includes(f)) ? '❌ blocking' : here.some((f) => !f.suppression && f.severity === 'warning') ? '⚠️ warning' : here.some((f) => f.suppression) ? 'suppressed' : 'ok';
    const lock = s.lock ? `${s.lock.mode}${s.tables.length ? ` on ${s.tables.map((t) => codeSpan(t, 40, true)).join(', ')}` : ''}` : '';
    const observed = replayed ? ` ${escapeInline(replayCell(s.replay))} |` : '';
    lines.push(`| ${s.line} | ${codeSpan(s.text, 80, true)} | ${lock} | ${s.lock?.blocks.join(', ') ?? ''} | ${s.rewrite ? 'yes' : ''} |${observed} ${status} |`);
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * How to resolve, with the commands ready to copy: the keys still open and the digest an
 * approval must name (src/core/comment-format.ts reads them back from people's comments).
 */
function howToResolve(unresolved: readonly Finding[], checklist: readonly ChecklistItem[], digest: string | undefined): string {
  const keys = [...unresolved.map(checklistKey), ...checklist.filter((item) => !item.by && !item.approvedBy).map((item) => item.key)];
  const approve = approveCommand(digest);
  const lines = [
    '### How to resolve',
    '',
    '- **Fix** the migration with the safe alternative and push.',
    '- **Ignore** a deliberate case on the line before the statement: `-- migration-guard:ignore <rule> reason: <why>`.',
  ];
  if (keys.length) {
    lines.push('- **Acknowledge** a deliberate risk: a reviewer with the required permission comments, in a new comment of their own:', '', indent(codeBlock(formatCommand({ kind: 'acknowledge', keys, reason: '<reason>' }))), '');
  }
  lines.push(
    `- **Maintenance window**: a maintainer who reviewed these migrations comments (the digest${digest ? '' : ' the pull request comment shows'} names the migration files they saw; a push that changes them voids the approval):`,
    '',
    indent(codeBlock(approve)),
    '',
    'Editing or deleting the comment withdraws its command; `/revoke-maintenance` withdraws an approval.',
    '',
  );
  return lines.join('\n');
}

function approveCommand(digest: string | undefined): string {
  return formatCommand({ kind: 'approve-maintenance', digest: digest ? shortDigest(digest) : '<digest>', reason: '<reason>' });
}

function indent(block: string): string {
  return block.replace(/^/gm, '  ');
}

/**
 * Adds whole sections while they fit. The first section that does not fit is cut after its
 * last whole item (a top-level list item with its indented details, or a table row), so the
 * most important part, the blocking findings, is never dropped wholesale; then a pointer to
 * the full report.
 */
function fit(head: string, sections: string[], options: MarkdownOptions): string {
  const max = options.maxLength ?? GITHUB_COMMENT_MAX_LENGTH;
  const pointer = `\n_The comment was cut to stay under GitHub's ${GITHUB_COMMENT_MAX_LENGTH.toLocaleString('en-US')}-character limit: ${options.fullReportUrl ? `[full report](${options.fullReportUrl})` : 'the full report is in the job summary'}._\n`;
  let body = `${head}\n`;
  for (const section of sections) {
    const next = `${section}\n`;
    if (body.length + next.length + pointer.length <= max) {
      body += next;
      continue;
    }
    let open = 0;
    for (const item of items(section)) {
      const opened = open + (item.match(/<details>/g)?.length ?? 0) - (item.match(/<\/details>/g)?.length ?? 0);
      if (body.length + item.length + 1 + pointer.length + '</details>\n'.length * Math.max(opened, 0) > max) break;
      body += `${item}\n`;
      open = opened;
    }
    // NOTE: a cut inside a collapsed block closes it, or the pointer would be hidden in it.
    return body + '</details>\n'.repeat(open) + pointer;
  }
  return body;
}

/** A section's top-level blocks: each starts at a line that is not indented and not blank. */
function items(section: string): string[] {
  const blocks: string[] = [];
  for (const line of section.split('\n')) {
    if (blocks.length === 0 || (line !== '' && !/^\s/.test(line))) blocks.push(line);
    else blocks[blocks.length - 1] += `\n${line}`;
  }
  return blocks;
}

/** The follow-up comment for a merged pull request: the post-deployment checklist. */
export function renderPostDeployment(migrationPaths: readonly string[], checklist: readonly string[]): string {
  return [
    POST_DEPLOYMENT_MARKER,
    '## migration-guard: after the deploy',
    '',
    `This pull request merged ${plural(migrationPaths.length, 'migration file')}: ${migrationPaths.map((p) => codeSpan(p)).join(', ')}.`,
    '',
    ...checklist.map((item) => `- [ ] ${escapeInline(item)}`),
    '',
  ].join('\n');
}
