import { parsePartMarker, sameFleet } from "../preview/marker.js";
import type { IssueComment } from "./client.js";

/** Whose berth comments these are: the login that writes them, and the fleet they preview. */
export interface StickyOwner {
  /** The account the token writes as (`github-actions[bot]`, a person, `<app>[bot]`). */
  login: string;
  /** The fleet as part markers name it (see marker.ts). */
  fleet: string;
}

export type StickyAction =
  | { op: "update"; part: number; id: number; body: string }
  | { op: "create"; part: number; body: string }
  | { op: "delete"; id: number }
  | { op: "keep"; part: number; id: number };

/**
 * Whether berth wrote this comment for this fleet: it starts with the part marker of the fleet (or
 * the older marker that named none), AND its author is the login berth writes as. Never "any bot":
 * another bot's comment quoting the marker is not berth's.
 */
export function isOwnComment(c: IssueComment, owner: StickyOwner): boolean {
  const marker = parsePartMarker(c.body);
  if (!c.user || marker === undefined || !sameFleet(marker, owner.fleet)) return false;
  return c.user.login.toLowerCase() === owner.login.toLowerCase();
}

// GitHub may hand a body back with CRLF line ends; that is not a change.
const same = (a: string, b: string) => a.replace(/\r\n/g, "\n") === b.replace(/\r\n/g, "\n");

/**
 * What to do so the pull request shows exactly `parts`, as berth's own comments in order: part i
 * goes into berth's i-th oldest comment (kept when already identical), missing parts are created,
 * berth's leftover comments deleted. Comments by anyone else, or for another fleet, are never in
 * the plan. Pure; because it starts from what is on GitHub now, a run after a partial failure converges.
 */
export function planSticky(comments: readonly IssueComment[], parts: readonly string[], owner: StickyOwner): StickyAction[] {
  const own = comments.filter((c) => isOwnComment(c, owner)).sort((a, b) => a.id - b.id);
  const actions: StickyAction[] = parts.map((body, i) => {
    const c = own[i];
    if (!c) return { op: "create", part: i + 1, body };
    return same(c.body, body) ? { op: "keep", part: i + 1, id: c.id } : { op: "update", part: i + 1, id: c.id, body };
  });
  for (const c of own.slice(parts.length)) actions.push({ op: "delete", id: c.id });
  return actions;
}
