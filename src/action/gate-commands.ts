/**
 * The GitHub side of the gate: who may approve or acknowledge (permissions and teams
 * through the port, looked up only when a command needs it, and bounded), and the gate
 * state re-derived from the pull request's command comments on every run. The pure rules
 * of what counts live in src/core/gate.ts; the comment format in src/core/comment-format.ts.
 */
import { parseCommands } from '../core/comment-format.js';
import type { Config } from '../core/config.js';
import type { Finding } from '../core/finding.js';
import {
  type ApprovalPolicy,
  checklistItemKey,
  checklistKey,
  type CommandEntry,
  deriveGateState,
  type GateContext,
  type GateState,
  type GateVerdict,
  type Permission,
  resolveGate,
  shortDigest,
} from '../core/gate.js';
import { escapeInline } from '../render/escape.js';
import type { GitHubPort } from '../github/api.js';
import type { CommentInfo } from '../github/event.js';

/**
 * Distinct users whose permission one run may look up. NOTE: a crowd of accounts posting
 * commands must not spend the run's API budget (and so keep a stale green status): beyond
 * this the run stops with an error status, which blocks (docs/security.md, "Under load").
 */
export const MAX_PERMISSION_LOOKUPS = 25;

/** The run looked up as many users as it may: it fails closed. */
export class TooManyLookupsError extends Error {
  constructor() {
    super(
      `more than ${MAX_PERMISSION_LOOKUPS} different users posted gate commands that would change the result; the gate stays closed. Delete the unauthorised command comments, then post the command again.`,
    );
    this.name = 'TooManyLookupsError';
  }
}

/** Answers "may this user approve or acknowledge?", looking up only what is asked, once per user. */
export class Authoriser {
  private readonly permissions = new Map<string, Promise<Permission>>();
  private readonly teamMembership = new Map<string, Promise<boolean>>();

  constructor(
    private readonly port: GitHubPort,
    private readonly config: Config,
    private readonly botLogin: string,
    private readonly prAuthor: string,
  ) {}

  /** How many users' permissions this run looked up. */
  get lookups(): number {
    return this.permissions.size;
  }

  policy(): ApprovalPolicy {
    return {
      required: this.config.approvals.permission,
      allowedUsers: this.config.approvals.users,
      prAuthor: this.prAuthor,
      allowAuthor: this.config.approvals['allow-author'],
      botLogin: this.botLogin,
      permissionOf: (login) => this.cached(this.permissions, login, () => this.port.permission(login)),
      inAllowedTeam: (login) => this.cached(this.teamMembership, login, () => this.inTeams(login)),
    };
  }

  private cached<T>(cache: Map<string, Promise<T>>, login: string, lookUp: () => Promise<T>): Promise<T> {
    const key = login.toLowerCase();
    let answer = cache.get(key);
    if (!answer) {
      if (cache === this.permissions && cache.size >= MAX_PERMISSION_LOOKUPS) throw new TooManyLookupsError();
      answer = lookUp();
      cache.set(key, answer);
    }
    return answer;
  }

  private async inTeams(login: string): Promise<boolean> {
    for (const team of this.config.approvals.teams) {
      const [org, slug] = team.includes('/') ? team.split('/', 2) : [this.port.repo.owner, team];
      if (await this.port.inTeam(org!, slug!, login)) return true;
    }
    return false;
  }
}

/**
 * The commands of every comment but the bot's own, oldest first, each with whether its
 * comment was edited.
 */
export async function commandEntries(comments: readonly CommentInfo[], botLogin: string): Promise<CommandEntry[]> {
  const ordered = comments.filter((c) => c.login.toLowerCase() !== botLogin.toLowerCase()).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id - b.id));
  const entries: CommandEntry[] = [];
  for (const comment of ordered) {
    for (const command of await parseCommands(comment.body)) {
      entries.push({ commentId: comment.id, author: comment.login, authorType: comment.userType, edited: comment.updatedAt !== comment.createdAt, command });
    }
  }
  return entries;
}

export interface GateInput {
  comments: readonly CommentInfo[];
  blocking: readonly Finding[];
  /** The digest of the PR's migration files now. */
  digest: string;
}

/** The decision and what the comment says about it. */
export interface GateOutcome {
  state: GateState;
  verdict: GateVerdict;
  /** Markdown lines for the top of the comment (already escaped). */
  notes: string[];
  /** What the commands were weighed against (for the reply to the triggering comment). */
  context: GateContext;
  entries: CommandEntry[];
}

export async function evaluateGate(authoriser: Authoriser, config: Config, botLogin: string, input: GateInput): Promise<GateOutcome> {
  const checklistKeys = input.blocking.length ? config.checklist.map(checklistItemKey) : [];
  const context: GateContext = { digest: input.digest, liveKeys: new Set([...input.blocking.map(checklistKey), ...checklistKeys]), policy: authoriser.policy() };
  const entries = await commandEntries(input.comments, botLogin);
  const state = await deriveGateState(entries, context);
  const verdict = resolveGate(input.blocking, state.acks, state.approval, config.checklist);
  const notes: string[] = [];
  if (state.approval) {
    const { by, digest, reason, window } = state.approval;
    notes.push(`Maintenance window approved by @${by} for migration digest ${'`'}${shortDigest(digest)}${'`'}${window ? ` (window ${escapeInline(window)})` : ''}${reason ? `: ${escapeInline(reason)}` : ''}.`);
  } else if (state.voided) {
    const { by, digest } = state.voided;
    notes.push(`The maintenance approval by @${by} for digest ${'`'}${escapeInline(shortDigest(digest))}${'`'} does not apply: the migration files' digest is ${'`'}${shortDigest(input.digest)}${'`'} now. Approve again after reviewing them.`);
  }
  return { state, verdict, notes, context, entries };
}
