/**
 * The pull request comment format, written and read in this one module: the markers of the
 * bot's comments, the commands people write (`/approve-maintenance`, `/revoke-maintenance`,
 * `/acknowledge`), and the keys that name blocking findings and checklist items.
 *
 * NOTE: nothing the gate counts is ever read back out of the bot's own comments. Approvals
 * and acknowledgements are command comments by the people themselves, re-read and
 * permission-checked on every run (src/action/gate-commands.ts); the bot's comment only displays
 * them (docs/security.md). Commands are read the way GitHub renders the comment: with a
 * CommonMark parser, and only from lines of top-level paragraphs, so a command quoted,
 * fenced, inside HTML (a comment, `<details>`, `<pre>`) or in a list never counts.
 */
import type { MarkdownIt } from 'markdown-it';

/** The first line of the bot's sticky comment on a pull request. */
export const COMMENT_MARKER = '<!-- migration-guard:comment -->';

/** The first line of the bot's replies to commands (never mistaken for the sticky). */
export const REPLY_MARKER = '<!-- migration-guard:reply -->';

/** The first line of the follow-up comment posted when a pull request with migrations merges. */
export const POST_DEPLOYMENT_MARKER = '<!-- migration-guard:post-deployment -->';

/**
 * Whether `body` is one of the bot's comments of the kind `marker` starts. NOTE: only as
 * the first line: a marker quoted or embedded further down is not the bot's comment. The
 * caller checks the author too; neither makes anything in the body trusted.
 */
export function startsWithMarker(body: string, marker: string): boolean {
  return body === marker || body.startsWith(`${marker}\n`) || body.startsWith(`${marker}\r\n`);
}

/**
 * Hex digits of the migration digest an approval must name. NOTE: 16 (64 bits): a PR author
 * who could find other migration contents with the same shorter prefix (32 bits take
 * minutes) would keep an approval given for different SQL; 2^64 SHA-256 evaluations are out
 * of reach.
 */
export const DIGEST_PREFIX_LENGTH = 16;

/** A command found in a comment. */
export type GateCommand =
  | {
      kind: 'approve-maintenance';
      /** The digest (prefix) the approver saw, lower case; '' when the command names none. */
      digest: string;
      /** Free text after the digest (and after `window=...`). */
      reason: string;
      /** The maintenance window, when given as `window=2026-12-06T02:00Z`. */
      window?: string;
    }
  | { kind: 'revoke-maintenance'; reason: string }
  | {
      kind: 'acknowledge';
      /** Finding and checklist keys, as the bot's comment shows them. */
      keys: string[];
      reason: string;
    };

export type CommandKind = GateCommand['kind'];

export const COMMAND_KINDS: readonly CommandKind[] = ['approve-maintenance', 'revoke-maintenance', 'acknowledge'];

/** A blocking finding's key (16 hex digits) or a checklist item's (`check-` and 10). */
const KEY = /^(?:[0-9a-f]{16}|check-[0-9a-f]{10})$/;

/** The command as one line to post (the inverse of `parseCommands`). */
export function formatCommand(command: GateCommand): string {
  switch (command.kind) {
    case 'approve-maintenance':
      return joinWords('/approve-maintenance', command.digest, command.window ? `window=${command.window}` : '', command.reason);
    case 'revoke-maintenance':
      return joinWords('/revoke-maintenance', command.reason);
    case 'acknowledge':
      return joinWords('/acknowledge', ...command.keys, command.reason);
  }
}

function joinWords(...words: string[]): string {
  return words.filter(Boolean).join(' ');
}

let parser: MarkdownIt | undefined;

/**
 * The CommonMark parser, loaded on first use. NOTE: loaded lazily because the CLI renders
 * comments too (the markers) but never parses commands: evaluating markdown-it costs its
 * start-up tens of milliseconds. `html: true` because GitHub renders HTML in comments: a
 * command inside `<!-- -->`, `<details>` or `<pre>` must be seen as HTML, as GitHub shows
 * it. Tables and strikethrough (GitHub Flavored Markdown) are on in the default preset.
 */
async function commandParser(): Promise<MarkdownIt> {
  parser ??= (await import('markdown-it')).default({ html: true });
  return parser;
}

/** Elements that never contain anything: they open no region of hidden or raw content. */
const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/** How many HTML elements `html` leaves open (negative: closes more than it opens). */
function openedElements(html: string): number {
  let depth = 0;
  for (const match of html.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(\/?)>/g)) {
    if (VOID_ELEMENTS.has(match[2]!.toLowerCase()) || match[3]) continue;
    depth += match[1] ? -1 : 1;
  }
  return depth;
}

/**
 * The commands in a comment, in order, as GitHub renders it: a command counts only at the
 * start of a line of a top-level paragraph that is outside every HTML element, and only
 * when that line starts with plain text (not a link, emphasis or code span).
 */
export async function parseCommands(body: string): Promise<GateCommand[]> {
  const markdown = await commandParser();
  const commands: GateCommand[] = [];
  // NOTE: HTML elements left open by one block (`<details>` on its own line) hold every block
  // up to the one that closes them: GitHub renders those blocks inside the element.
  let depth = 0;
  let previous: { type: string; level: number } | undefined;
  for (const token of markdown.parse(body, {})) {
    const opener = previous;
    previous = token;
    if (token.type === 'html_block') depth = Math.max(0, depth + openedElements(token.content));
    if (token.type !== 'inline') continue;
    const topLevel = opener?.type === 'paragraph_open' && opener.level === 0 && depth === 0;
    let lineStart = true;
    let line: string | undefined;
    const finishLine = () => {
      if (line !== undefined) {
        const command = parseCommandLine(line);
        if (command) commands.push(command);
      }
      line = undefined;
    };
    for (const child of token.children ?? []) {
      if (child.type === 'softbreak' || child.type === 'hardbreak') {
        finishLine();
        lineStart = true;
        continue;
      }
      if (child.type === 'html_inline') depth = Math.max(0, depth + openedElements(child.content));
      if (lineStart && topLevel && depth === 0 && child.type === 'text' && child.content.startsWith('/')) line = child.content;
      else if (line !== undefined) line += child.type === 'text' || child.type === 'code_inline' ? child.content : '';
      lineStart = false;
    }
    finishLine();
  }
  return commands;
}

function parseCommandLine(line: string): GateCommand | undefined {
  const match = /^\/([a-z-]+)(?:[ \t]+(.*))?$/.exec(line.trim());
  const kind = match?.[1] as CommandKind | undefined;
  if (!kind || !COMMAND_KINDS.includes(kind)) return undefined;
  const words = (match![2] ?? '').trim().split(/[ \t]+/).filter(Boolean);
  switch (kind) {
    case 'approve-maintenance': {
      const digest = words[0] && /^[0-9a-fA-F]{1,64}$/.test(words[0]) ? words.shift()!.toLowerCase() : '';
      const window = words[0]?.startsWith('window=') ? words.shift()!.slice('window='.length) : undefined;
      return { kind, digest, reason: words.join(' '), ...(window ? { window } : {}) };
    }
    case 'revoke-maintenance':
      return { kind, reason: words.join(' ') };
    case 'acknowledge': {
      const keys: string[] = [];
      while (words[0] && KEY.test(words[0])) keys.push(words.shift()!);
      return { kind, keys, reason: words.join(' ') };
    }
  }
}

/** Whether an approval's digest prefix names `digest` (long enough to, and matching). */
export function digestMatches(prefix: string, digest: string): boolean {
  return prefix.length >= DIGEST_PREFIX_LENGTH && digest.startsWith(prefix);
}

/** The hidden key marker at the end of a blocking item or checklist line. */
export function keyMarker(key: string): string {
  return `<!-- mg:key=${key} -->`;
}

/** A blocking finding as the comment lists it, read back for "fixed since the last run". */
export interface ListedItem {
  key: string;
  /** `file:line`. */
  location: string;
  ruleId: string;
}

/**
 * The blocking items the bot's comment listed. NOTE: display only (what was fixed since):
 * the gate never counts anything read here. Only lines of the exact item shape are taken;
 * the caller escapes them again on output.
 */
export function listedItems(stickyBody: string): ListedItem[] {
  const items: ListedItem[] = [];
  for (const match of stickyBody.matchAll(/^- \[?`([^`\n]{1,300})`(?:\]\([^()\s]{1,2000}\))? \*\*([a-z][a-z-]{1,60})\*\*: .*<!-- mg:key=([0-9a-f]{16}) -->$/gm)) {
    items.push({ location: match[1]!, ruleId: match[2]!, key: match[3]! });
  }
  return items;
}

/**
 * One blocking item of the comment: `location` is already a code span (or a link around
 * one), `text` already escaped. `listedItems` reads these lines back.
 */
export function blockingItemLine(location: string, ruleId: string, text: string, key: string): string {
  return `- ${location} **${ruleId}**: ${text} ${keyMarker(key)}`;
}
