/**
 * Every relative link and #anchor in README.md and docs/ resolves: the file exists, and the
 * anchor is a heading of that file (GitHub's heading ids) or an explicit id.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

/** GitHub's heading id (github-slugger): lower case, punctuation dropped, spaces to hyphens. */
function headingId(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The markdown text outside fenced code blocks and inline code spans. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  for (const match of prose(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const id = headingId(match[1]!);
    const seen = counts.get(id) ?? 0;
    counts.set(id, seen + 1);
    anchors.add(seen === 0 ? id : `${id}-${seen}`);
  }
  for (const match of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1]!);
  return anchors;
}

const markdownFiles = ['README.md', ...readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => path.posix.join('docs', f.split(path.sep).join('/')))];

describe('links in README.md and docs/', () => {
  it('the heading ids follow GitHub', () => {
    expect(headingId('The `--base` option in CI')).toBe('the---base-option-in-ci');
    expect(headingId('`.squawk.toml`')).toBe('squawktoml');
    expect(headingId('Expand/contract: timing, code references, strategy')).toBe('expandcontract-timing-code-references-strategy');
  });

  it.each(markdownFiles)('%s: every relative link and anchor resolves', (file) => {
    const text = prose(readFileSync(path.join(ROOT, file), 'utf8'));
    const broken: string[] = [];
    for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const [linkPath, anchor] = target.split('#') as [string, string | undefined];
      const resolved = linkPath === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(linkPath)));
      if (!existsSync(path.join(ROOT, resolved))) {
        broken.push(`${target}: no file ${resolved}`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(path.join(ROOT, resolved)).has(anchor)) broken.push(`${target}: no heading #${anchor} in ${resolved}`);
    }
    expect(broken).toEqual([]);
  });
});
