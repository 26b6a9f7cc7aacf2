import type { Report } from '../core/report.js';
import { renderGithubAnnotations } from '../render/github-annotations.js';
import { renderJson } from '../render/json.js';
import { renderText, type TextOptions } from '../render/text.js';

export const FORMATS = ['text', 'json', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export function renderReport(report: Report, format: Format, text: TextOptions): string {
  switch (format) {
    case 'text':
      return renderText(report, text);
    case 'json':
      return renderJson(report);
    case 'github':
      return renderGithubAnnotations(report);
  }
}
