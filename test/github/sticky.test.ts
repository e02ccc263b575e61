import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { IssueComment } from "../../generator/github/client.js";
import { isOwnComment, planSticky, type StickyAction, type StickyOwner } from "../../generator/github/sticky.js";
import { parsePartMarker, partMarker } from "../../generator/preview/marker.js";

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

/** The marker berth wrote before it named the fleet. */
const legacyMarker = (i: number, n: number) => `<!-- berth-preview part ${i}/${n} -->`;
const users = [{ login: "github-actions[bot]", type: "Bot" }, { login: "octocat", type: "User" }, { login: "renovate[bot]", type: "Bot" }];
const fleets = [".", "fleets/b"];
const marker = fc.constantFrom<(i: number, n: number) => string>(legacyMarker, ...fleets.map((f) => (i: number, n: number) => partMarker(i, n, f)));
const body = fc.oneof(fc.string(), fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), marker, fc.string()).map(([i, n, m, s]) => `${m(Math.min(i, n), n)}\n${s}`));
const comments = fc.array(fc.tuple(body, fc.constantFrom(...users, null)), { maxLength: 12 }).map((xs) => xs.map(([b, u], i): IssueComment => ({ id: i + 1, body: b, user: u, html_url: "" })));
const owners: StickyOwner[] = users.flatMap((u) => fleets.map((fleet) => ({ login: u.login, fleet })));
const partsOf = (fleet: string) => fc.integer({ min: 1, max: 5 }).chain((n) => fc.array(fc.string(), { minLength: n, maxLength: n }).map((xs) => xs.map((x, i) => `${partMarker(i + 1, n, fleet)}\n${x}`)));

describe("planSticky", () => {
  it("leaves exactly the parts as berth's own comments, in order; never touches another's; then has nothing to do", () => {
    fc.assert(
      fc.property(comments, fc.constantFrom(...owners).chain((o) => fc.tuple(fc.constant(o), partsOf(o.fleet))), (before, [owner, ps]) => {
        const me = users.find((u) => u.login === owner.login)!;
        const actions = planSticky(before, ps, owner);
        const touched = new Set(actions.flatMap((a) => ("id" in a && a.op !== "keep" ? [a.id] : [])));
        for (const c of before) if (!isOwnComment(c, owner)) expect(touched.has(c.id)).toBe(false);
        const after = apply(before, actions, me);
        expect(after.filter((c) => isOwnComment(c, owner)).sort((a, b) => a.id - b.id).map((c) => c.body)).toEqual(ps);
        expect(after.filter((c) => !isOwnComment(c, owner))).toEqual(before.filter((c) => !isOwnComment(c, owner)));
        expect(planSticky(after, ps, owner).every((a) => a.op === "keep")).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("a marker in the middle of a body, by a person, or by another bot is not berth's", () => {
    const bot = { login: "github-actions[bot]", type: "Bot" };
    const owner = { login: "github-actions[bot]", fleet: "." };
    expect(isOwnComment({ id: 1, body: `quote:\n${partMarker(1, 1, ".")}`, user: bot, html_url: "" }, owner)).toBe(false);
    expect(isOwnComment({ id: 1, body: partMarker(1, 1, "."), user: { login: "octocat", type: "User" }, html_url: "" }, owner)).toBe(false);
    expect(isOwnComment({ id: 1, body: partMarker(1, 1, "."), user: null, html_url: "" }, owner)).toBe(false);
    // Not "any bot": another bot quoting the marker is not the token's own account.
    expect(isOwnComment({ id: 1, body: partMarker(1, 1, "."), user: { login: "renovate[bot]", type: "Bot" }, html_url: "" }, owner)).toBe(false);
    expect(isOwnComment({ id: 1, body: `${partMarker(1, 1, ".")}\nx`, user: bot, html_url: "" }, owner)).toBe(true);
  });

  it("two fleets in one repository keep one sticky comment each; the older marker is taken over, not orphaned", () => {
    const bot = { login: "github-actions[bot]", type: "Bot" };
    const old: IssueComment = { id: 1, body: `${legacyMarker(1, 1)}\nold preview`, user: bot, html_url: "" };
    const a = [`${partMarker(1, 1, "fleets/a")}\nA`];
    const b = [`${partMarker(1, 1, "fleets/b")}\nB`];
    // Fleet a's run updates the comment written with the older marker in place.
    const afterA = apply([old], planSticky([old], a, { login: bot.login, fleet: "fleets/a" }), bot);
    expect(afterA.map((c) => [c.id, c.body])).toEqual([[1, a[0]]]);
    // Fleet b's run leaves fleet a's comment alone and writes its own.
    const afterB = apply(afterA, planSticky(afterA, b, { login: bot.login, fleet: "fleets/b" }), bot);
    expect(afterB.map((c) => [c.id, c.body])).toEqual([[1, a[0]], [2, b[0]]]);
    // And the next run of each touches only its own.
    expect(planSticky(afterB, [`${partMarker(1, 1, "fleets/a")}\nA2`], { login: bot.login, fleet: "fleets/a" })).toEqual([{ op: "update", part: 1, id: 1, body: `${partMarker(1, 1, "fleets/a")}\nA2` }]);
  });
});

describe("the part marker names the fleet", () => {
  it("as its folder in the repository, encoded so that no path can end the HTML comment; the older marker still parses", () => {
    expect(partMarker(1, 2, "")).toBe("<!-- berth-preview part 1/2 fleet=. -->");
    expect(partMarker(1, 2, "fleets/prod/")).toBe("<!-- berth-preview part 1/2 fleet=fleets/prod -->");
    expect(partMarker(1, 1, "a b/-->x!")).toBe("<!-- berth-preview part 1/1 fleet=a%20b/--%3Ex%21 -->");
    expect(parsePartMarker(`${partMarker(2, 3, "fleets/prod/")}\nbody`)).toEqual({ part: 2, of: 3, fleet: "fleets/prod" });
    expect(parsePartMarker("<!-- berth-preview part 2/3 -->\nbody")).toEqual({ part: 2, of: 3 });
    expect(parsePartMarker("<!-- berth-preview part 1/1 fleet=a b -->")).toBeUndefined();
  });
});
