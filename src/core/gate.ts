/**
 * How people resolve a blocked gate, derived from the pull request's command comments on
 * every run (no database, no records in the bot's comments): maintenance approvals bound to
 * the migration digest (`/approve-maintenance <digest>`), revocations, and acknowledgements
 * of findings and checklist items by key (`/acknowledge <key>`). Pure: the caller supplies
 * the commands and the lookups of who may approve; a command counts only while its comment
 * is unedited and its author is allowed now (docs/security.md).
 */
import type { Hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { type Finding, findingKey } from './finding.js';
import { compareStrings } from './compare.js';
import { digestMatches, DIGEST_PREFIX_LENGTH, formatCommand, type GateCommand } from './comment-format.js';

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
  return digest.slice(0, DIGEST_PREFIX_LENGTH);
}

/**
 * A finding's key (what `/acknowledge` names): stable while rule, file and statement are
 * unchanged. NOTE: 16 hex digits, so a changed statement cannot be crafted to keep the key
 * of an acknowledged one (64 bits of SHA-256).
 */
export function checklistKey(finding: Finding): string {
  return sha256().update(findingKey(finding)).digest('hex').slice(0, 16);
}

/** Who may approve and acknowledge, with lookups the caller makes (and caches) on demand. */
export interface ApprovalPolicy {
  required: Permission;
  /** Users allowed whatever their permission (`approvals.users`). */
  allowedUsers: readonly string[];
  prAuthor: string;
  allowAuthor: boolean;
  /** The login the bot posts as: never an approver. */
  botLogin: string;
  /** The user's permission on the repository (through the API, never `author_association`). */
  permissionOf: (login: string) => Promise<Permission>;
  /** Whether the user is in one of `approvals.teams`. */
  inAllowedTeam: (login: string) => Promise<boolean>;
}

const sameLogin = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Undefined when `login` may approve and acknowledge, else why not (for the reply). */
export async function authorise(login: string, authorType: string, policy: ApprovalPolicy): Promise<string | undefined> {
  if (authorType === 'Bot' || login.endsWith('[bot]') || sameLogin(login, policy.botLogin)) return 'commands from bots are ignored';
  if (!policy.allowAuthor && sameLogin(login, policy.prAuthor)) return 'the pull request author may not approve or acknowledge their own pull request (approvals.allow-author: false)';
  if (policy.allowedUsers.some((user) => sameLogin(user, login))) return undefined;
  const actual = await policy.permissionOf(login);
  if (hasPermission(actual, policy.required)) return undefined;
  if (await policy.inAllowedTeam(login)) return undefined;
  return `@${login} has "${actual}" permission on this repository; "${policy.required}" or higher is needed`;
}

/** A command as the gate weighs it: who posted it, in which comment, and whether that comment was edited. */
export interface CommandEntry {
  commentId: number;
  author: string;
  /** `Bot` for GitHub Apps and bot accounts. */
  authorType: string;
  /**
   * The comment changed after it was posted (`updated_at` differs from `created_at`). NOTE:
   * people with write access can edit anyone's comment, so an edited command is never
   * counted: it may not be what its author wrote.
   */
  edited: boolean;
  command: GateCommand;
}

/** What the commands are weighed against. */
export interface GateContext {
  /** The digest of the PR's migration files now. */
  digest: string;
  /** Keys of the blocking findings and checklist items that an acknowledgement can resolve now. */
  liveKeys: ReadonlySet<string>;
  policy: ApprovalPolicy;
}

/** An approval in force: it names the current digest. */
export interface Approval {
  by: string;
  reason: string;
  window?: string;
  /** The full digest it covers (the current one). */
  digest: string;
  commentId: number;
}

/** The gate's state, derived from the comments on every run. */
export interface GateState {
  approval?: Approval;
  /** The newest authorised approval that names another digest: the migrations changed since. */
  voided?: { by: string; digest: string };
  /** Live key -> who acknowledged it. */
  acks: Map<string, string>;
}

/** Undefined when the command counts now, else why not (the reply to its author says so). */
export async function commandRefusal(entry: CommandEntry, context: GateContext): Promise<string | undefined> {
  if (entry.edited) return 'edited comments are not accepted; post the command in a new comment';
  const { command } = entry;
  const current = shortDigest(context.digest);
  if (command.kind === 'approve-maintenance' && !digestMatches(command.digest, context.digest)) {
    if (command.digest === '') return `an approval must name the migration digest it approves, as \`${formatCommand({ kind: 'approve-maintenance', digest: current, reason: '<reason>' })}\` (the digest of the migration files now)`;
    if (command.digest.length < DIGEST_PREFIX_LENGTH) return `the digest \`${command.digest}\` is too short: give its first ${DIGEST_PREFIX_LENGTH} characters; the migration files' digest now is \`${current}\``;
    return `it approves digest \`${shortDigest(command.digest)}\`, but the migration files' digest now is \`${current}\`: review the changes since, then approve \`${current}\``;
  }
  if (command.kind === 'acknowledge') {
    if (command.keys.length === 0) return 'an acknowledgement must name the keys of the findings or checklist items it acknowledges, as the comment lists them';
    if (!command.keys.some((key) => context.liveKeys.has(key))) return `none of ${command.keys.map((k) => `\`${k}\``).join(', ')} is a blocking finding or checklist item of the pull request now`;
  }
  return authorise(entry.author, entry.authorType, context.policy);
}

/**
 * Derives approval and acknowledgements from the commands (oldest first), newest first,
 * stopping as soon as the answer is known. NOTE: permissions are looked up only for authors
 * of commands that would change the answer, so a crowd of other commenters costs nothing.
 */
export async function deriveGateState(entries: readonly CommandEntry[], context: GateContext): Promise<GateState> {
  const state: GateState = { acks: new Map() };
  const newestFirst = [...entries].reverse().filter((entry) => !entry.edited);
  // NOTE: only the newest approval of another digest is looked up (for the note): a crowd of them costs one lookup.
  let voidedChecked = false;
  for (const entry of newestFirst) {
    const { command } = entry;
    if (command.kind === 'acknowledge') continue;
    if (command.kind === 'approve-maintenance' && !digestMatches(command.digest, context.digest)) {
      if (!voidedChecked && command.digest.length >= DIGEST_PREFIX_LENGTH) {
        voidedChecked = true;
        if (!(await authorise(entry.author, entry.authorType, context.policy))) state.voided = { by: entry.author, digest: command.digest };
      }
      continue;
    }
    if (await authorise(entry.author, entry.authorType, context.policy)) continue;
    if (command.kind === 'approve-maintenance') {
      state.approval = { by: entry.author, reason: command.reason, digest: context.digest, commentId: entry.commentId, ...(command.window ? { window: command.window } : {}) };
    }
    break;
  }
  const open = new Set(context.liveKeys);
  for (const entry of newestFirst) {
    if (open.size === 0) break;
    if (entry.command.kind !== 'acknowledge') continue;
    const keys = entry.command.keys.filter((key) => open.has(key));
    if (keys.length === 0 || (await authorise(entry.author, entry.authorType, context.policy))) continue;
    for (const key of keys) {
      state.acks.set(key, entry.author);
      open.delete(key);
    }
  }
  return state;
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
