import { parsePartMarker } from "../preview/marker.js";
import type { IssueComment } from "./client.js";

/** Whose comments berth may edit: only bots (`user.type == "Bot"`), or only this login. */
export type Author = { kind: "bots" } | { kind: "login"; login: string };

export type StickyAction =
  | { op: "update"; part: number; id: number; body: string }
  | { op: "create"; part: number; body: string }
  | { op: "delete"; id: number }
  | { op: "keep"; part: number; id: number };

/** Whether berth wrote this comment: it starts with the part marker AND its author is berth's. */
export function isOwnComment(c: IssueComment, author: Author): boolean {
  if (!c.user || parsePartMarker(c.body) === undefined) return false;
  return author.kind === "bots" ? c.user.type === "Bot" : c.user.login.toLowerCase() === author.login.toLowerCase();
}

// GitHub may hand a body back with CRLF line ends; that is not a change.
const same = (a: string, b: string) => a.replace(/\r\n/g, "\n") === b.replace(/\r\n/g, "\n");

/**
 * What to do so the pull request shows exactly `parts`, as berth's own comments in order: part i
 * goes into berth's i-th oldest comment (kept when already identical), missing parts are created,
 * berth's leftover comments deleted. Comments by anyone else are never in the plan. Pure; because it
 * starts from what is on GitHub now, a run after a partial failure converges.
 */
export function planSticky(comments: readonly IssueComment[], parts: readonly string[], author: Author): StickyAction[] {
  const own = comments.filter((c) => isOwnComment(c, author)).sort((a, b) => a.id - b.id);
  const actions: StickyAction[] = parts.map((body, i) => {
    const c = own[i];
    if (!c) return { op: "create", part: i + 1, body };
    return same(c.body, body) ? { op: "keep", part: i + 1, id: c.id } : { op: "update", part: i + 1, id: c.id, body };
  });
  for (const c of own.slice(parts.length)) actions.push({ op: "delete", id: c.id });
  return actions;
}
