/**
 * The one sticky comment per pull request: found by its hidden marker AND the bot's own
 * identity (a marker in anyone else's comment is ignored), updated in place, and kept
 * single when two runs race to create it.
 */
import type { GitHubApi } from './api.js';
import type { CommentInfo } from './event.js';

/** Whether a comment is one of the bot's own carrying `marker`. */
export function isBotComment(comment: CommentInfo, botLogin: string, marker: string): boolean {
  return comment.login === botLogin && comment.body.includes(marker);
}

/** The bot's sticky comment among `comments` (the oldest, if a race left two). */
export function findSticky(comments: readonly CommentInfo[], botLogin: string, marker: string): CommentInfo | undefined {
  return comments.filter((c) => isBotComment(c, botLogin, marker)).sort((a, b) => a.id - b.id)[0];
}

/**
 * Writes `body` into the sticky comment, creating it when there is none. After creating,
 * lists again: if another run created one at the same time, the oldest is kept (with this
 * body) and the others are deleted, so every run ends with exactly one.
 */
export async function upsertSticky(api: GitHubApi, number: number, existing: CommentInfo | undefined, body: string, botLogin: string, marker: string): Promise<number> {
  if (existing) {
    if (existing.body !== body) await api.updateComment(existing.id, body);
    return existing.id;
  }
  const created = await api.createComment(number, body);
  const ours = (await api.comments(number)).filter((c) => isBotComment(c, botLogin, marker)).sort((a, b) => a.id - b.id);
  const keep = ours[0] ?? created;
  for (const duplicate of ours.slice(1)) await api.deleteComment(duplicate.id);
  if (keep.id !== created.id) await api.updateComment(keep.id, body);
  return keep.id;
}
