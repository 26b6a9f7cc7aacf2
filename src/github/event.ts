/**
 * The triggering event, read once from GITHUB_EVENT_PATH into what the action acts on.
 * Only the fields used are read, and each is checked: a payload of an unexpected shape is
 * an error that says which field, never a crash deeper in.
 */

/** A repository as `owner/name`. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** A comment as GitHub sends it in `issue_comment` and lists it. */
export interface CommentInfo {
  id: number;
  body: string;
  login: string;
  /** `Bot` for apps and bot accounts. */
  userType: string;
  createdAt: string;
  updatedAt: string;
}

/** What the action was asked to do. */
export type Trigger =
  | { kind: 'pull-request'; number: number; headSha: string; baseSha: string; author: string }
  | { kind: 'merged'; number: number; baseSha: string }
  | { kind: 'merge-group'; headSha: string; baseSha: string; number?: number }
  | {
      kind: 'comment';
      /** `deleted`: `comment` is the comment as it was before it was deleted. */
      action: 'created' | 'edited' | 'deleted';
      number: number;
      comment: CommentInfo;
      sender: { login: string; type: string };
      /** `edited`: the body before the edit (`changes.body.from`). */
      previousBody?: string;
    }
  | { kind: 'workflow-run'; headSha: string; headRepo: string; runId: number; event: string }
  | { kind: 'ignored'; reason: string };

const PR_ACTIONS = ['opened', 'synchronize', 'reopened', 'ready_for_review'];

/** Reads the trigger from the event name and payload. */
export function parseTrigger(eventName: string, payload: unknown): Trigger {
  const p = new Fields(payload, eventName);
  switch (eventName) {
    case 'pull_request': {
      const action = p.str('action');
      const number = p.num('pull_request.number');
      if (action === 'closed') {
        return p.bool('pull_request.merged')
          ? { kind: 'merged', number, baseSha: p.str('pull_request.base.sha') }
          : { kind: 'ignored', reason: `pull request #${number} was closed without merging` };
      }
      if (!PR_ACTIONS.includes(action)) return { kind: 'ignored', reason: `pull_request action "${action}" needs no check` };
      return {
        kind: 'pull-request',
        number,
        headSha: p.str('pull_request.head.sha'),
        baseSha: p.str('pull_request.base.sha'),
        author: p.str('pull_request.user.login'),
      };
    }
    case 'merge_group': {
      if (p.str('action') !== 'checks_requested') return { kind: 'ignored', reason: `merge_group action "${p.str('action')}" needs no check` };
      // NOTE: the queue's branch is gh-readonly-queue/<base>/pr-<number>-<sha>: the PR whose
      // approvals and acknowledgements apply.
      const ref = p.opt('merge_group.head_ref') ?? '';
      const match = /\/pr-(\d+)-[0-9a-f]+$/.exec(ref);
      return { kind: 'merge-group', headSha: p.str('merge_group.head_sha'), baseSha: p.str('merge_group.base_sha'), ...(match ? { number: Number(match[1]) } : {}) };
    }
    case 'issue_comment': {
      const action = p.str('action');
      if (action !== 'created' && action !== 'edited' && action !== 'deleted') return { kind: 'ignored', reason: `issue_comment action "${action}" needs nothing` };
      if (p.get('issue.pull_request') === undefined) return { kind: 'ignored', reason: 'the comment is on an issue, not a pull request' };
      const previous = p.get('changes.body.from');
      return {
        kind: 'comment',
        action,
        number: p.num('issue.number'),
        comment: {
          id: p.num('comment.id'),
          body: p.opt('comment.body') ?? '',
          login: p.str('comment.user.login'),
          userType: p.opt('comment.user.type') ?? 'User',
          createdAt: p.str('comment.created_at'),
          updatedAt: p.str('comment.updated_at'),
        },
        sender: { login: p.str('sender.login'), type: p.opt('sender.type') ?? 'User' },
        ...(typeof previous === 'string' ? { previousBody: previous } : {}),
      };
    }
    case 'workflow_run': {
      if (p.str('action') !== 'completed') return { kind: 'ignored', reason: `workflow_run action "${p.str('action')}" needs nothing; use "types: [completed]"` };
      return {
        kind: 'workflow-run',
        headSha: p.str('workflow_run.head_sha'),
        headRepo: p.opt('workflow_run.head_repository.full_name') ?? '',
        runId: p.num('workflow_run.id'),
        event: p.str('workflow_run.event'),
      };
    }
    default:
      return { kind: 'ignored', reason: `the "${eventName}" event is not one migration-guard handles (pull_request, merge_group, issue_comment, workflow_run)` };
  }
}

/** Typed access to dotted paths of the payload, with errors that name the path. */
class Fields {
  constructor(
    private readonly payload: unknown,
    private readonly eventName: string,
  ) {}

  get(dotted: string): unknown {
    return dotted.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), this.payload);
  }

  private fail(dotted: string, expected: string): never {
    throw new Error(`the ${this.eventName} event payload has no ${expected} at "${dotted}" (got ${JSON.stringify(this.get(dotted)) ?? 'nothing'}); is GITHUB_EVENT_PATH the event that triggered the workflow?`);
  }

  str(dotted: string): string {
    const value = this.get(dotted);
    return typeof value === 'string' && value !== '' ? value : this.fail(dotted, 'text');
  }

  opt(dotted: string): string | undefined {
    const value = this.get(dotted);
    return typeof value === 'string' ? value : undefined;
  }

  num(dotted: string): number {
    const value = this.get(dotted);
    return typeof value === 'number' && Number.isInteger(value) ? value : this.fail(dotted, 'number');
  }

  bool(dotted: string): boolean {
    return this.get(dotted) === true;
  }
}
