import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeGithub } from "./fake-github.js";

// The loopback GitHub is only worth something if it refuses what GitHub's description refuses.
let gh: FakeGithub;
beforeEach(async () => {
  gh = await new FakeGithub("t0ken").start();
});
afterEach(() => gh.stop());

async function call(method: string, path: string, body?: unknown, token = "t0ken") {
  const res = await fetch(`${gh.url}${path}`, {
    method,
    headers: { authorization: `token ${token}`, accept: "application/vnd.github.v3+json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text(), link: res.headers.get("link") };
}

describe("the loopback GitHub checks requests and responses against the OpenAPI description", () => {
  it("accepts a well-formed create and answers with a valid issue-comment", async () => {
    const r = await call("POST", "/repos/acme/fleet/issues/3/comments", { body: "hi" });
    expect(r.status).toBe(201);
    expect(JSON.parse(r.text)).toMatchObject({ body: "hi", user: { login: "github-actions[bot]", type: "Bot" } });
    expect(gh.violations).toEqual([]);
  });

  const bad: Array<[string, string, string, unknown, RegExp]> = [
    ["a body that is not a string", "POST", "/repos/acme/fleet/issues/3/comments", { body: 5 }, /body \/body must be string/],
    ["a misspelled field", "PATCH", "/repos/acme/fleet/issues/comments/1", { bdy: "x" }, /must have required property 'body'|must NOT have additional properties/],
    ["a per_page that is not an integer", "GET", "/repos/acme/fleet/issues/3/comments?per_page=lots", undefined, /per_page must be integer/],
    ["a per_page above 100", "GET", "/repos/acme/fleet/issues/3/comments?per_page=500", undefined, /per_page 500 is out of 1..100/],
    ["an unknown query parameter", "GET", "/repos/acme/fleet/issues/3/comments?sort=asc", undefined, /must NOT have additional properties/],
    ["an issue number that is not an integer", "GET", "/repos/acme/fleet/issues/x/comments", undefined, /issue_number must be integer/],
    ["an operation berth does not use", "DELETE", "/repos/acme/fleet", undefined, /not an operation berth may use/],
  ];
  for (const [name, method, path, body, why] of bad) {
    it(`refuses ${name}`, async () => {
      const r = await call(method, path, body);
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(gh.violations.join("\n")).toMatch(why);
    });
  }

  it("refuses a wrong token", async () => {
    expect((await call("GET", "/repos/acme/fleet/issues/3/comments", undefined, "nope")).status).toBe(401);
    expect(gh.violations).toEqual(["issues/list-comments: no or wrong token"]);
  });

  it("flags its own response when it would not match the description", async () => {
    gh.seed(3, "x", { login: "someone", type: "Bot" });
    gh.comments[0]!.created_at = "yesterday";
    await call("GET", "/repos/acme/fleet/issues/3/comments");
    expect(gh.violations.join("\n")).toMatch(/issues\/list-comments response 200: .*created_at must match format "date-time"/);
  });

  it("pages with per_page/page and Link headers", async () => {
    for (let i = 0; i < 5; i++) gh.seed(3, `c${i}`, { login: "p", type: "User" });
    const p1 = await call("GET", "/repos/acme/fleet/issues/3/comments?per_page=2");
    expect(JSON.parse(p1.text).map((c: { body: string }) => c.body)).toEqual(["c0", "c1"]);
    expect(p1.link).toBe(`<${gh.url}/repos/acme/fleet/issues/3/comments?per_page=2&page=2>; rel="next", <${gh.url}/repos/acme/fleet/issues/3/comments?per_page=2&page=3>; rel="last"`);
    const p3 = await call("GET", "/repos/acme/fleet/issues/3/comments?per_page=2&page=3");
    expect(JSON.parse(p3.text).map((c: { body: string }) => c.body)).toEqual(["c4"]);
    expect(gh.violations).toEqual([]);
  });
});
