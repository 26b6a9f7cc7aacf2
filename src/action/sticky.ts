/**
 * The one sticky comment per pull request: found by the bot's identity AND its marker as
 * the first line, updated in place, and kept single when two runs race to create it.
 * NOTE: it only displays the gate's state; nothing in it is read back as state
 * (docs/security.md), so a comment another workflow wrote as the same shared login can at
 * worst be overwritten, never trusted.
 */
import { startsWithMarker } from '../core/comment-format.js';
import type { GitHubPort } from '../github/api.js';
import type { CommentInfo } from '../github/event.js';

/** Whether a comment is one of the bot's own that starts with `marker`. */
export function isBotComment(comment: CommentInfo, botLogin: string, marker: string): boolean {
  return comment.login.toLowerCase() === botLogin.toLowerCase() && startsWithMarker(comment.body, marker);
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
export async function upsertSticky(port: GitHubPort, number: number, existing: CommentInfo | undefined, body: string, botLogin: string, marker: string): Promise<number> {
  if (existing) {
    if (existing.body !== body) await port.updateComment(existing.id, body);
    return existing.id;
  }
  const created = await port.createComment(number, body);
  const ours = (await port.comments(number)).filter((c) => isBotComment(c, botLogin, marker)).sort((a, b) => a.id - b.id);
  const keep = ours[0] ?? created;
  for (const duplicate of ours.slice(1)) await port.deleteComment(duplicate.id);
  if (keep.id !== created.id) await port.updateComment(keep.id, body);
  return keep.id;
}
