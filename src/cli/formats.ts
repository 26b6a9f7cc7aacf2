import type { Report } from '../core/report.js';
import { renderGithubAnnotations } from '../render/github-annotations.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderSarif } from '../render/sarif.js';
import { renderText, type TextOptions } from '../render/text.js';
import { allRules } from '../rules/index.js';

export const FORMATS = ['text', 'json', 'sarif', 'markdown', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/** What the renderers need besides the report. */
export interface RenderOptions extends TextOptions {
  version: string;
}

export function renderReport(report: Report, format: Format, options: RenderOptions): string {
  switch (format) {
    case 'text':
      return renderText(report, options);
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, { rules: allRules, toolVersion: options.version });
    case 'markdown':
      return renderMarkdown(report, { advice: options.advice });
    case 'github':
      return renderGithubAnnotations(report);
  }
}
