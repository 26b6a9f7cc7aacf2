/**
 * The GitHub side of the gate: who may approve or acknowledge (permissions through the
 * API, teams, users), and the gate state re-derived from the pull request's comments on
 * every run. The pure rules of what counts live in src/core/gate.ts.
 */
import type { Config } from '../core/config.js';
import type { Finding } from '../core/finding.js';
import {
  ackRecord,
  approvalRecord,
  APPROVAL_RECORD,
  authorise,
  changedCheckboxes,
  checklistItemKey,
  checklistKey,
  deriveGateState,
  type GateComment,
  type GateState,
  type GateVerdict,
  type Permission,
  recordedAcks,
  resolveGate,
  shortDigest,
} from '../core/gate.js';
import { escapeInline } from '../render/escape.js';
import type { GitHubApi } from './api.js';
import type { CommentInfo } from './event.js';

/** Answers "may this user approve or acknowledge?" after looking up what it needs. */
export class Authoriser {
  private readonly permissions = new Map<string, Permission>();
  private readonly teamMembers = new Set<string>();

  constructor(
    private readonly api: GitHubApi,
    private readonly config: Config,
    private readonly botLogin: string,
    private readonly prAuthor: string,
  ) {}

  /** Looks up permissions (and team memberships) of `logins`; one request each, cached. */
  async load(logins: Iterable<string>): Promise<void> {
    for (const login of new Set(logins)) {
      if (this.permissions.has(login) || login.endsWith('[bot]') || login === this.botLogin) continue;
      this.permissions.set(login, await this.api.permission(login));
      for (const team of this.config.approvals.teams) {
        const [org, slug] = team.includes('/') ? team.split('/', 2) : [this.api.repo.owner, team];
        if (await this.api.inTeam(org!, slug!, login)) this.teamMembers.add(login);
      }
    }
  }

  /** Undefined when allowed, else why not (for the reply). Call `load` first. */
  refusal(login: string, userType: string): string | undefined {
    return authorise(login, userType, this.policy());
  }

  policy() {
    return {
      permissionOf: (login: string) => this.permissions.get(login) ?? 'none',
      required: this.config.approvals.permission,
      allowedUsers: [...this.config.approvals.users, ...this.teamMembers],
      prAuthor: this.prAuthor,
      allowAuthor: this.config.approvals['allow-author'],
      botLogin: this.botLogin,
    };
  }
}

/** A tick edit of the sticky comment to apply: the body before it, and who made it. */
export interface TickEdit {
  before: string;
  after: string;
  editor: { login: string; type: string };
}

export interface GateInput {
  comments: readonly CommentInfo[];
  /** The bot's sticky comment, if any: where acknowledgements are recorded. */
  sticky?: CommentInfo;
  blocking: readonly Finding[];
  digest: string;
  /** A command comment accepted in this run: recorded against the current digest. */
  acceptedCommand?: number;
  tickEdit?: TickEdit;
}

/** The decision and what the sticky comment must say and record. */
export interface GateOutcome {
  state: GateState;
  verdict: GateVerdict;
  /** Markdown lines for the top of the comment (already escaped). */
  notes: string[];
  /** Hidden records to embed in the sticky comment. */
  records: string[];
}

export async function evaluateGate(authoriser: Authoriser, config: Config, botLogin: string, input: GateInput): Promise<GateOutcome> {
  const notes: string[] = [];
  const approvals = new Set<string>();
  for (const comment of input.comments) {
    if (comment.login !== botLogin) continue;
    for (const match of comment.body.matchAll(new RegExp(APPROVAL_RECORD, 'g'))) approvals.add(match[0]);
  }
  if (input.acceptedCommand !== undefined) approvals.add(approvalRecord(input.acceptedCommand, input.digest));

  // NOTE: acknowledgements come from the body the bot last wrote: for a tick edit that is
  // the body before the edit, never the edited text.
  const recordedBody = input.tickEdit ? input.tickEdit.before : (input.sticky?.body ?? '');
  const acks = recordedAcks(recordedBody);
  const commenters = input.comments.filter((c) => c.login !== botLogin).map((c) => c.login);
  await authoriser.load([...commenters, ...acks.values(), ...(input.tickEdit ? [input.tickEdit.editor.login] : [])]);
  // NOTE: a record naming someone who may not acknowledge (now) does not count: records
  // live in an editable comment, so each is checked again on every run.
  for (const [key, login] of acks) if (authoriser.refusal(login, 'User')) acks.delete(key);

  if (input.tickEdit) {
    const { ticked, unticked } = changedCheckboxes(input.tickEdit.before, input.tickEdit.after);
    const { login, type } = input.tickEdit.editor;
    const refusal = authoriser.refusal(login, type);
    if (ticked.length + unticked.length > 0) {
      if (refusal) notes.push(`> [!NOTE]\n> Checkbox changes by @${login} were reverted: ${escapeInline(refusal)}.`);
      else {
        for (const key of ticked) acks.set(key, login);
        for (const key of unticked) acks.delete(key);
      }
    }
  }

  const comments: GateComment[] = [
    ...input.comments.map((c) => ({ id: c.id, author: c.login, authorType: c.userType, body: c.body, createdAt: c.createdAt, updatedAt: c.updatedAt })),
    // The records this run adds, as the bot's own comment would carry them.
    { id: 0, author: botLogin, authorType: 'Bot', body: [...approvals].join('\n'), createdAt: '', updatedAt: '' },
  ];
  const state = deriveGateState({ comments, ...authoriser.policy(), digest: input.digest });
  const liveKeys = new Set([...input.blocking.map(checklistKey), ...config.checklist.map(checklistItemKey)]);
  for (const key of acks.keys()) if (!liveKeys.has(key)) acks.delete(key);
  const verdict = resolveGate(input.blocking, acks, state.approval, config.checklist);

  if (state.approval) {
    const { by, digest, reason, window } = state.approval;
    notes.unshift(`Maintenance window approved by @${by} for migration digest ${'`'}${shortDigest(digest)}${'`'}${window ? ` (window ${escapeInline(window)})` : ''}${reason ? `: ${escapeInline(reason)}` : ''}.`);
  }
  for (const voided of state.voided.filter((v) => v.digest !== input.digest)) {
    notes.push(`The maintenance approval by @${voided.by} for digest ${'`'}${shortDigest(voided.digest)}${'`'} no longer applies: a push changed the migration files since. Approve again after reviewing them.`);
  }
  const records = [...approvals, ...[...acks].map(([key, login]) => ackRecord(key, login))];
  return { state, verdict, notes, records };
}
