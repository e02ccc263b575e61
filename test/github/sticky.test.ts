import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { IssueComment } from "../../generator/github/client.js";
import { isOwnComment, planSticky, type Author, type StickyAction } from "../../generator/github/sticky.js";
import { partMarker } from "../../generator/preview/marker.js";

/** Applies a plan to an in-memory list the way GitHub would (new comments get higher ids). */
function apply(comments: IssueComment[], actions: StickyAction[], me: { login: string; type: string }): IssueComment[] {
  let out = comments.map((c) => ({ ...c }));
  let next = Math.max(0, ...comments.map((c) => c.id)) + 1;
  for (const a of actions) {
    if (a.op === "update") out.find((c) => c.id === a.id)!.body = a.body;
    if (a.op === "create") out.push({ id: next++, body: a.body, user: me, html_url: "" });
    if (a.op === "delete") out = out.filter((c) => c.id !== a.id);
  }
  return out;
}

const users = [{ login: "github-actions[bot]", type: "Bot" }, { login: "octocat", type: "User" }, { login: "renovate[bot]", type: "Bot" }];
const body = fc.oneof(fc.string(), fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.string()).map(([i, n, s]) => `${partMarker(Math.min(i, n), n)}\n${s}`));
const comments = fc.array(fc.tuple(body, fc.constantFrom(...users, null)), { maxLength: 12 }).map((xs) => xs.map(([b, u], i): IssueComment => ({ id: i + 1, body: b, user: u, html_url: "" })));
const parts = fc.integer({ min: 1, max: 5 }).chain((n) => fc.array(fc.string(), { minLength: n, maxLength: n }).map((xs) => xs.map((x, i) => `${partMarker(i + 1, n)}\n${x}`)));
const authors: Author[] = [{ kind: "bots" }, { kind: "login", login: "github-actions[bot]" }];

describe("planSticky", () => {
  it("leaves exactly the parts as berth's own comments, in order; never touches another's; then has nothing to do", () => {
    fc.assert(
      fc.property(comments, parts, fc.constantFrom(...authors), (before, ps, author) => {
        const me = users[0]!;
        const actions = planSticky(before, ps, author);
        const touched = new Set(actions.flatMap((a) => ("id" in a && a.op !== "keep" ? [a.id] : [])));
        for (const c of before) if (!isOwnComment(c, author)) expect(touched.has(c.id)).toBe(false);
        const after = apply(before, actions, me);
        expect(after.filter((c) => isOwnComment(c, author)).sort((a, b) => a.id - b.id).map((c) => c.body)).toEqual(ps);
        expect(after.filter((c) => !isOwnComment(c, author))).toEqual(before.filter((c) => !isOwnComment(c, author)));
        expect(planSticky(after, ps, author).every((a) => a.op === "keep")).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("a marker in the middle of a body, or by a person, is not berth's", () => {
    const bot = { login: "github-actions[bot]", type: "Bot" };
    expect(isOwnComment({ id: 1, body: `quote:\n${partMarker(1, 1)}`, user: bot, html_url: "" }, { kind: "bots" })).toBe(false);
    expect(isOwnComment({ id: 1, body: partMarker(1, 1), user: { login: "octocat", type: "User" }, html_url: "" }, { kind: "bots" })).toBe(false);
    expect(isOwnComment({ id: 1, body: partMarker(1, 1), user: null, html_url: "" }, { kind: "bots" })).toBe(false);
    expect(isOwnComment({ id: 1, body: `${partMarker(1, 1)}\nx`, user: bot, html_url: "" }, { kind: "bots" })).toBe(true);
  });
});
