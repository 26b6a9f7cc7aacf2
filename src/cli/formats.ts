import type { Report } from '../core/report.js';
import { renderCompact } from '../render/compact.js';
import { renderGithubAnnotations } from '../render/github-annotations.js';
import { renderGitlab } from '../render/gitlab.js';
import { renderJsonPieces } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderSarif } from '../render/sarif.js';
import { renderText, type TextOptions } from '../render/text.js';
import { allRules } from '../rules/index.js';

export const FORMATS = ['text', 'compact', 'json', 'sarif', 'markdown', 'github', 'gitlab'] as const;
export type Format = (typeof FORMATS)[number];

/** What the renderers need besides the report. */
export interface RenderOptions extends TextOptions {
  version: string;
}

/** The report in `format`, as pieces to write one after another. */
export function renderReport(report: Report, format: Format, options: RenderOptions): string[] {
  switch (format) {
    case 'text':
      return [renderText(report, options)];
    case 'compact':
      return [renderCompact(report)];
    case 'json':
      return inBatches(renderJsonPieces(report));
    case 'sarif':
      return [renderSarif(report, { rules: allRules, toolVersion: options.version })];
    case 'markdown':
      return [renderMarkdown(report, { advice: options.advice })];
    case 'github':
      return [renderGithubAnnotations(report)];
    case 'gitlab':
      return [renderGitlab(report)];
  }
}

/** Characters per write: few writes, and one two-byte piece makes only its batch two-byte (renderJsonPieces). */
const BATCH_CHARS = 1024 * 1024;

/** Consecutive pieces joined up to about BATCH_CHARS each. */
function inBatches(pieces: readonly string[]): string[] {
  const batches: string[] = [];
  let batch: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    batch.push(piece);
    size += piece.length;
    if (size >= BATCH_CHARS) {
      batches.push(batch.join(''));
      batch = [];
      size = 0;
    }
  }
  if (batch.length > 0) batches.push(batch.join(''));
  return batches;
}
