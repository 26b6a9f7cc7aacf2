/**
 * How people resolve a blocked gate, derived from the pull request's comments on every
 * run (no database): maintenance approvals (`/approve-maintenance`), revocations, and
 * checklist acknowledgements (ticks in the bot's own comment). Pure: the caller supplies
 * the comments, each commenter's permission, the bot's identity and the digest of the
 * migration files; nothing written by an unauthorised user is ever trusted.
 */
import type { Hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { type Finding, findingKey } from './finding.js';
import { compareStrings } from './compare.js';

let crypto: typeof import('node:crypto') | undefined;

/**
 * A SHA-256 hash. NOTE: node:crypto loads on first use: importing it cost every CLI run
 * about 10 ms of start-up (bench/), and only the markdown report and the action hash.
 */
export function sha256(): Hash {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256');
}

/** Repository permission levels, weakest first (GitHub's role names). */
export const PERMISSIONS = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export function hasPermission(actual: Permission, required: Permission): boolean {
  return PERMISSIONS.indexOf(actual) >= PERMISSIONS.indexOf(required);
}

/** A command found in a comment. */
export interface GateCommand {
  kind: 'approve-maintenance' | 'revoke-maintenance';
  /** Free text after the command (and after `window=...`). */
  reason: string;
  /** The maintenance window, when given as `window=2026-12-06T02:00Z`. */
  window?: string;
}

/**
 * Finds commands at the start of a line, outside block quotes and code (fenced or
 * indented): quoting someone's `/approve-maintenance` must not approve again.
 */
export function parseCommands(body: string): GateCommand[] {
  const commands: GateCommand[] = [];
  let fence: string | undefined;
  for (const rawLine of body.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      if (!fence) fence = fenceMatch[1]![0]!.repeat(fenceMatch[1]!.length);
      else if (fenceMatch[1]!.startsWith(fence)) fence = undefined;
      continue;
    }
    if (fence) continue;
    const match = /^ {0,3}\/(approve-maintenance|revoke-maintenance)(?=\s|$)(.*)$/.exec(line);
    if (!match) continue;
    let rest = match[2]!.trim();
    const window = /^window=(\S+)\s*/.exec(rest);
    if (window) rest = rest.slice(window[0].length);
    commands.push({ kind: match[1] as GateCommand['kind'], reason: rest, ...(window ? { window: window[1] } : {}) });
  }
  return commands;
}

/** SHA-256 over the PR's migration files (path and contents), sorted: what an approval is bound to. */
export function migrationDigest(files: ReadonlyArray<{ path: string; text: string; deleted?: boolean }>): string {
  const hash = sha256();
  for (const file of [...files].sort((a, b) => compareStrings(a.path, b.path))) {
    hash.update(`${file.path}\0${file.deleted ? '\u0000deleted' : file.text}\0`);
  }
  return hash.digest('hex');
}

/** The short form shown to people. */
export function shortDigest(digest: string): string {
  return digest.slice(0, 12);
}

/** A finding's checklist key: short, stable while rule, file and statement are unchanged. */
export function checklistKey(finding: Finding): string {
  return sha256().update(findingKey(finding)).digest('hex').slice(0, 12);
}

/** A comment as the gate sees it. */
export interface GateComment {
  id: number;
  author: string;
  /** `Bot` for GitHub Apps and bot accounts. */
  authorType: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

/** An approval that covers the PR's breaking findings while the migrations are unchanged. */
export interface Approval {
  by: string;
  reason: string;
  window?: string;
  digest: string;
  commentId: number;
}

/** Hidden record in the bot's reply to a command: the digest it approved. Only trusted in the bot's own comments. */
export const APPROVAL_RECORD = /<!-- migration-guard:approval comment=(\d+) digest=([0-9a-f]{64}) -->/;

export function approvalRecord(commentId: number, digest: string): string {
  return `<!-- migration-guard:approval comment=${commentId} digest=${digest} -->`;
}

/** Why a command was not accepted, for the bot's reply. */
export interface RefusedCommand {
  commentId: number;
  author: string;
  reason: string;
}

export interface GateStateInput {
  comments: readonly GateComment[];
  /** The bot's login: only its comments carry trusted records. */
  botLogin: string;
  /** Permission per commenter (looked up through the API, never from author_association). */
  permissionOf: (login: string) => Permission;
  required: Permission;
  /** Users (and members of teams, resolved by the caller) allowed regardless of permission. */
  allowedUsers: readonly string[];
  prAuthor: string;
  allowAuthor: boolean;
  /** The digest of the PR's migration files now. */
  digest: string;
}

export interface GateState {
  /** The approval in force (the latest valid one for the current digest). */
  approval?: Approval;
  /** Approvals recorded for an older digest: a push changed the migrations since. */
  voided: Approval[];
  /** Valid commands the bot has not answered yet (the caller records them with the current digest). */
  pending: Array<{ commentId: number; author: string; command: GateCommand }>;
  refused: RefusedCommand[];
}

/** Whether a user may approve or acknowledge, and if not, why. */
export function authorise(login: string, authorType: string, input: Pick<GateStateInput, 'permissionOf' | 'required' | 'allowedUsers' | 'prAuthor' | 'allowAuthor' | 'botLogin'>): string | undefined {
  if (authorType === 'Bot' || login.endsWith('[bot]') || login === input.botLogin) return 'commands from bots are ignored';
  if (!input.allowAuthor && login === input.prAuthor) return 'the pull request author may not approve their own pull request (approvals.allow-author: false)';
  if (input.allowedUsers.some((u) => u.toLowerCase() === login.toLowerCase())) return undefined;
  const actual = input.permissionOf(login);
  if (!hasPermission(actual, input.required)) return `@${login} has "${actual}" permission on this repository; "${input.required}" or higher is needed`;
  return undefined;
}

/** Re-derives approvals from the comments, checking every command again. */
export function deriveGateState(input: GateStateInput): GateState {
  const records = new Map<number, string>();
  for (const comment of input.comments) {
    if (comment.author !== input.botLogin) continue;
    for (const match of comment.body.matchAll(new RegExp(APPROVAL_RECORD, 'g'))) records.set(Number(match[1]), match[2]!);
  }
  const state: GateState = { voided: [], pending: [], refused: [] };
  const ordered = [...input.comments].sort((a, b) => compareStrings(a.createdAt, b.createdAt) || a.id - b.id);
  for (const comment of ordered) {
    if (comment.author === input.botLogin) continue;
    const commands = parseCommands(comment.body);
    if (commands.length === 0) continue;
    // NOTE: an edited command could have been rewritten after it was checked: never counted.
    const refusal =
      comment.updatedAt !== comment.createdAt ? 'edited comments are not accepted; post the command in a new comment' : authorise(comment.author, comment.authorType, input);
    if (refusal) {
      state.refused.push({ commentId: comment.id, author: comment.author, reason: refusal });
      continue;
    }
    const command = commands[commands.length - 1]!;
    if (command.kind === 'revoke-maintenance') {
      if (state.approval) state.voided.push(state.approval);
      state.approval = undefined;
      continue;
    }
    const digest = records.get(comment.id);
    if (digest === undefined) {
      state.pending.push({ commentId: comment.id, author: comment.author, command });
      continue;
    }
    const approval: Approval = { by: comment.author, reason: command.reason, digest, commentId: comment.id, ...(command.window ? { window: command.window } : {}) };
    if (digest === input.digest) state.approval = approval;
    else state.voided.push(approval);
  }
  return state;
}

/** Checkbox states in a rendered comment: key -> ticked. Keys come from hidden `<!-- mg:key=... -->` markers. */
export function checkboxStates(body: string): Map<string, boolean> {
  const states = new Map<string, boolean>();
  for (const match of body.matchAll(/^\s*[-*] \[( |x|X)\] .*?<!-- mg:key=([\w-]+) -->/gm)) states.set(match[2]!, match[1] !== ' ');
  return states;
}

/** Which boxes an edit ticked and unticked. */
export function changedCheckboxes(before: string, after: string): { ticked: string[]; unticked: string[] } {
  const from = checkboxStates(before);
  const to = checkboxStates(after);
  const ticked: string[] = [];
  const unticked: string[] = [];
  for (const [key, on] of to) {
    const was = from.get(key) ?? false;
    if (on && !was) ticked.push(key);
    if (!on && was) unticked.push(key);
  }
  return { ticked, unticked };
}

/** Acknowledgements recorded by the bot in its own comment: key -> who. */
export const ACK_RECORD = /<!-- mg:ack=([\w-]+):([\w[\]-]+) -->/g;

export function ackRecord(key: string, login: string): string {
  return `<!-- mg:ack=${key}:${login} -->`;
}

/** Reads the acknowledgements the bot recorded (call only on a comment authored by the bot). */
export function recordedAcks(botCommentBody: string): Map<string, string> {
  const acks = new Map<string, string>();
  for (const match of botCommentBody.matchAll(ACK_RECORD)) acks.set(match[1]!, match[2]!);
  return acks;
}

/** How a blocking finding stopped blocking. */
export type Resolution = { kind: 'acknowledged'; by: string } | { kind: 'approved'; by: string; digest: string };

/** One pre-deployment checklist item with its key and who ticked it. */
export interface ChecklistItem {
  text: string;
  key: string;
  /** Who ticked it. */
  by?: string;
  /** Not ticked, but a maintenance approval is in force: the approver answers for it. */
  approvedBy?: string;
}

/** The gate's decision after people's resolutions. */
export interface GateVerdict {
  verdict: 'pass' | 'blocked';
  resolutions: Map<Finding, Resolution>;
  unresolved: Finding[];
  /** The pre-deployment checklist: required (and shown) only while something blocks. */
  checklist: ChecklistItem[];
}

export function checklistItemKey(text: string): string {
  return `check-${sha256().update(text.trim().toLowerCase()).digest('hex').slice(0, 10)}`;
}

/**
 * Applies acknowledgements (key -> who ticked) and the approval in force to the blocking
 * findings. While any finding blocks on its own, every checklist item must be ticked too,
 * unless a maintenance approval is in force: the approver answers for the window's
 * preparation (the items stay visible, marked as covered).
 */
export function resolveGate(blocking: readonly Finding[], acks: ReadonlyMap<string, string>, approval: Approval | undefined, checklistTexts: readonly string[]): GateVerdict {
  const resolutions = new Map<Finding, Resolution>();
  const unresolved: Finding[] = [];
  for (const finding of blocking) {
    const by = acks.get(checklistKey(finding));
    if (by) resolutions.set(finding, { kind: 'acknowledged', by });
    else if (approval) resolutions.set(finding, { kind: 'approved', by: approval.by, digest: approval.digest });
    else unresolved.push(finding);
  }
  const checklist = blocking.length === 0 ? [] : checklistTexts.map((text) => {
    const key = checklistItemKey(text);
    const by = acks.get(key);
    return by ? { text, key, by } : approval ? { text, key, approvedBy: approval.by } : { text, key };
  });
  const verdict = unresolved.length === 0 && checklist.every((item) => item.by ?? item.approvedBy) ? 'pass' : 'blocked';
  return { verdict, resolutions, unresolved, checklist };
}
