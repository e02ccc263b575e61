import { rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runComment } from "../../generator/commands/comment.js";
import { EnvironmentError } from "../../generator/errors.js";
import { partMarker } from "../../generator/preview/marker.js";
import { berthWithEnv } from "../helpers/repo.js";
import { FakeGithub } from "./fake-github.js";
import { parts, partsDir, removeDir } from "./helpers.js";

// Not GitHub-shaped on purpose: the redaction must not depend on recognising a token's format.
const TOKEN = "s3cret-T0ken-4c9e1f";
const PR = 7;
const human = { login: "octocat", type: "User" } as const;
const otherBot = { login: "dependabot[bot]", type: "Bot" } as const;

let gh: FakeGithub;
const dirs: string[] = [];
// In GitHub Actions: the fake's token is the Actions token unless a test makes it a person's.
const env = () => ({ GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: "acme/fleet", GITHUB_API_URL: gh.url, GITHUB_ACTIONS: "true" });

async function comment(bodies: string[], ...extra: string[]) {
  const dir = partsDir(bodies);
  dirs.push(dir);
  const run = await berthWithEnv(dir, env(), "comment", "--pr", String(PR), "--dir", dir, ...extra);
  expect(run.stdout + run.stderr).not.toContain(TOKEN);
  return run;
}

beforeEach(async () => {
  gh = await new FakeGithub(TOKEN).start();
});
afterEach(async () => {
  await gh.stop();
  // Every request berth sent and every answer berth got matched GitHub's description.
  expect(gh.violations).toEqual([]);
  dirs.splice(0).forEach(removeDir);
});

const bodiesOnPr = () => gh.issueComments(PR).map((c) => c.body);

describe("berth comment against a loopback GitHub validated by its OpenAPI description", () => {
  it("first preview: creates one comment per part, in order", async () => {
    const p = parts(3, "first");
    const run = await comment(p);
    expect(run.code).toBe(0);
    expect(bodiesOnPr()).toEqual(p);
    expect(gh.writes().map((r) => r.operation)).toEqual(["issues/create-comment", "issues/create-comment", "issues/create-comment"]);
    expect(run.stdout).toMatch(/^#7: preview of 3 parts 3 created: https:\/\/github\.example\/acme\/fleet\/pull\/7#issuecomment-\d+\n$/);
  });

  it("shorter second preview: updates in place, deletes the leftover parts", async () => {
    await comment(parts(3, "first"));
    const ids = gh.issueComments(PR).map((c) => c.id);
    const second = parts(1, "second");
    const run = await comment(second);
    expect(run.code).toBe(0);
    expect(gh.issueComments(PR).map((c) => [c.id, c.body])).toEqual([[ids[0], second[0]]]);
    expect(gh.writes().slice(3).map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /repos/acme/fleet/issues/comments/${ids[0]}`,
      `DELETE /repos/acme/fleet/issues/comments/${ids[1]}`,
      `DELETE /repos/acme/fleet/issues/comments/${ids[2]}`,
    ]);
    expect(run.stdout).toContain("1 updated, 2 leftover deleted");
  });

  it("identical re-run: reads, writes nothing", async () => {
    const p = parts(2, "same");
    await comment(p);
    const before = gh.requests.length;
    const run = await comment(p);
    expect(run.code).toBe(0);
    expect(gh.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(["GET /user 403", `GET /repos/acme/fleet/issues/${PR}/comments 200`]);
    expect(run.stdout).toContain("already current, nothing written");
  });

  it("finds its comments behind 150 unrelated ones (pagination) and leaves those alone", async () => {
    for (let i = 0; i < 150; i++) gh.seed(PR, `LGTM ${i}`, i % 2 ? human : otherBot);
    await comment(parts(2, "first"));
    const second = parts(2, "second");
    const reads = gh.requests.length;
    const run = await comment(second);
    expect(run.code).toBe(0);
    const lists = gh.requests.slice(reads).filter((r) => r.operation === "issues/list-comments");
    expect(lists.map((r) => [r.query.per_page, r.query.page ?? "1"])).toEqual([["100", "1"], ["100", "2"]]);
    expect(gh.writes().slice(2).map((r) => r.method)).toEqual(["PATCH", "PATCH"]);
    const all = gh.issueComments(PR);
    expect(all).toHaveLength(152);
    expect(all.slice(0, 150).map((c) => c.body)).toEqual(Array.from({ length: 150 }, (_, i) => `LGTM ${i}`));
    expect(all.slice(150).map((c) => c.body)).toEqual(second);
  });

  it("never edits or deletes a person's comment that quotes the marker, nor another bot's by --author", async () => {
    const quoted = gh.seed(PR, `${partMarker(1, 1, ".")}\nsafe to merge, trust me`, human);
    const first = await comment(parts(2, "first"));
    expect(first.code).toBe(0);
    const run = await comment(parts(1, "second"));
    expect(run.code).toBe(0);
    expect(gh.comments.find((c) => c.id === quoted.id)?.body).toBe(`${partMarker(1, 1, ".")}\nsafe to merge, trust me`);
    expect(gh.writes().every((w) => !w.path.endsWith(`/${quoted.id}`))).toBe(true);
    // With --author only that login's comments are berth's: the Actions bot's own are then foreign.
    const pinned = await comment(parts(1, "third"), "--author", "berth-app[bot]");
    expect(pinned.code).toBe(0);
    expect(bodiesOnPr()).toEqual([`${partMarker(1, 1, ".")}\nsafe to merge, trust me`, parts(1, "second")[0], parts(1, "third")[0]]);
  });

  it("a 403 for permissions: exit 2 with the status and GitHub's message, the token nowhere", async () => {
    gh.failures.push({ method: "POST", path: /\/comments$/, status: 403, body: { message: `Resource not accessible by integration (token ${TOKEN})`, documentation_url: "https://docs.github.com/rest/issues/comments#create-an-issue-comment" } });
    const run = await comment(parts(1, "x"));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("berth: GitHub answered 403 to create part 1/1: Resource not accessible by integration (token ***)");
    expect(run.stderr).toContain("pull-requests: write");
    expect(run.stdout).toBe("");
  });

  it("after a partial failure the next run converges", async () => {
    await comment(parts(1, "old"));
    // Part 1 updates the old comment; creating part 2 fails (once), so part 3 is never reached.
    gh.failures.push({ method: "POST", path: /\/comments$/, status: 403, body: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest" } });
    const p = parts(3, "new");
    const broken = await comment(p);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("GitHub answered 403 to create part 2/3: Resource not accessible by integration (done before the failure: part 1 updated)");
    expect(bodiesOnPr()).toEqual(p.slice(0, 1));
    const fixed = await comment(p);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain("2 created, 1 unchanged");
    expect(bodiesOnPr()).toEqual(p);
    expect((await comment(p)).stdout).toContain("already current");
  });

  it("a 429 with retry-after is waited out and retried", async () => {
    gh.failures.push({ method: "POST", path: /\/comments$/, status: 429, headers: { "retry-after": "3" }, body: { message: "API rate limit exceeded", documentation_url: "https://docs.github.com/rest" } });
    const dir = partsDir(parts(1, "x"));
    dirs.push(dir);
    const waits: number[] = [];
    let out = "";
    const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (out += s) }, cwd: dir, env: env() };
    const code = await runComment({ pr: String(PR), dir }, { io, sleep: async (ms) => void waits.push(ms) });
    expect(code).toBe(0);
    expect(waits).toEqual([3000]);
    expect(gh.requests.filter((r) => r.method === "POST").map((r) => r.status)).toEqual([429, 201]);
    expect(out).toContain("GitHub answered 429 (rate limit); retrying in 3s");
    expect(out).not.toContain(TOKEN);
  });

  it("a 403 with an exhausted rate limit waits until the reset", async () => {
    const now = Date.parse("2026-06-01T12:00:00Z");
    gh.failures.push({ method: "GET", path: /\/comments$/, status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 10) }, body: { message: "API rate limit exceeded", documentation_url: "https://docs.github.com/rest" } });
    const dir = partsDir(parts(1, "x"));
    dirs.push(dir);
    const waits: number[] = [];
    const io = { stdout: { write: () => 0 }, stderr: { write: () => 0 }, cwd: dir, env: env(), now: () => new Date(now) };
    expect(await runComment({ pr: String(PR), dir }, { io, sleep: async (ms) => void waits.push(ms) })).toBe(0);
    expect(waits).toEqual([11_000]);
  });

  it("5xx after retries: exit 2 naming the status", async () => {
    gh.failures.push({ method: "GET", path: /\/comments$/, status: 502, body: { message: "Bad Gateway", documentation_url: "https://docs.github.com/rest" }, times: 10 });
    const dir = partsDir(parts(1, "x"));
    dirs.push(dir);
    const io = { stdout: { write: () => 0 }, stderr: { write: () => 0 }, cwd: dir, env: env() };
    const err = await runComment({ pr: String(PR), dir }, { io, retryBaseMs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toBe("GitHub answered 502 to list the comments of #7 in acme/fleet: Bad Gateway");
    expect(gh.requests.filter((r) => r.status === 502)).toHaveLength(4);
  });

  it("a GitHub that cannot be reached: exit 2, said as such (not as an HTTP status)", async () => {
    const dir = partsDir(parts(1, "x"));
    dirs.push(dir);
    const closed = await new FakeGithub(TOKEN).start();
    await closed.stop();
    const io = { stdout: { write: () => 0 }, stderr: { write: () => 0 }, cwd: dir, env: { ...env(), GITHUB_API_URL: closed.url } };
    const err = await runComment({ pr: String(PR), dir }, { io, retryBaseMs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(/^could not reach GitHub to learn which account GITHUB_TOKEN belongs to \(GET \/user\): /);
    expect((err as EnvironmentError).hint).toContain("check GITHUB_API_URL");
  });

  it("404 for a repository the token cannot see", async () => {
    const dir = partsDir(parts(1, "x"));
    dirs.push(dir);
    const run = await berthWithEnv(dir, { ...env(), GITHUB_REPOSITORY: "acme/other" }, "comment", "--pr", "7", "--dir", dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("GitHub answered 404 to list the comments of #7 in acme/other: Not Found");
  });
});

describe("berth comment: whose comments, how many, and GitHub's secondary rate limit", () => {
  const legacy = (body: string) => `<!-- berth-preview part 1/1 -->\n${body}`;

  it("a secondary-rate-limit 403 without headers is waited out (a minute), not reported as a permission problem", async () => {
    gh.failures.push({ method: "POST", path: /\/comments$/, status: 403, body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api" } });
    const dir = partsDir(parts(1, "x"));
    dirs.push(dir);
    const waits: number[] = [];
    let err = "";
    const io = { stdout: { write: () => 0 }, stderr: { write: (s: string) => (err += s) }, cwd: dir, env: env() };
    expect(await runComment({ pr: String(PR), dir }, { io, sleep: async (ms) => void waits.push(ms) })).toBe(0);
    expect(waits).toEqual([60_000]);
    expect(gh.requests.filter((r) => r.method === "POST").map((r) => r.status)).toEqual([403, 201]);
    expect(err).toContain("GitHub answered 403 (rate limit); retrying in 60s");
    expect(bodiesOnPr()).toEqual(parts(1, "x"));
  });

  it("a person's token: the author is the account GET /user names; two runs by hand keep one sticky comment", async () => {
    gh.actor = human;
    const personal = { ...env(), GITHUB_ACTIONS: undefined };
    const dir1 = partsDir(parts(2, "first"));
    const dir2 = partsDir(parts(2, "second"));
    dirs.push(dir1, dir2);
    expect((await berthWithEnv(dir1, personal, "comment", "--pr", String(PR), "--dir", dir1)).code).toBe(0);
    const run = await berthWithEnv(dir2, personal, "comment", "--pr", String(PR), "--dir", dir2);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("2 updated");
    expect(bodiesOnPr()).toEqual(parts(2, "second"));
    expect(gh.issueComments(PR).every((c) => c.user.login === "octocat")).toBe(true);
  });

  it("the Actions token: github-actions[bot] only, never any bot (another bot's comment with the marker is left alone)", async () => {
    const renovate = gh.seed(PR, legacy("renovate's text"), otherBot);
    const run = await comment(parts(1, "x"));
    expect(run.code).toBe(0);
    expect(gh.comments.find((c) => c.id === renovate.id)?.body).toBe(legacy("renovate's text"));
    expect(gh.issueComments(PR).map((c) => [c.user.login, c.body])).toEqual([["dependabot[bot]", legacy("renovate's text")], ["github-actions[bot]", parts(1, "x")[0]]]);
  });

  it("an installation token outside Actions: exit 2 asking for --author (GitHub refuses GET /user); with it, posts", async () => {
    gh.actor = { login: "berth-app[bot]", type: "Bot" };
    const dir = partsDir(parts(1, "x"));
    dirs.push(dir);
    const outside = { ...env(), GITHUB_ACTIONS: undefined };
    const refused = await berthWithEnv(dir, outside, "comment", "--pr", String(PR), "--dir", dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("GITHUB_TOKEN does not say whose it is");
    expect(refused.stderr).toContain("--author '<your-app>[bot]'");
    expect(gh.writes()).toEqual([]);
    const given = await berthWithEnv(dir, outside, "comment", "--pr", String(PR), "--dir", dir, "--author", "berth-app[bot]");
    expect(given.code).toBe(0);
    expect(bodiesOnPr()).toEqual(parts(1, "x"));
  });

  it("a GitHub App's token in Actions without --author: says which --author the next run needs", async () => {
    gh.actor = { login: "berth-app[bot]", type: "Bot" };
    const run = await comment(parts(1, "x"));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("GitHub wrote the comment as berth-app[bot], not github-actions[bot]; give --author 'berth-app[bot]'");
  });

  it("more parts than berth posts: one bounded comment saying it was cut and where the full preview is, replacing the old ones", async () => {
    await comment(parts(3, "old"));
    const ids = gh.issueComments(PR).map((c) => c.id);
    const many = parts(101, "many");
    const dir = partsDir(many);
    dirs.push(dir);
    const inRun = { ...env(), GITHUB_SERVER_URL: "https://github.com", GITHUB_RUN_ID: "4242" };
    const run = await berthWithEnv(dir, inRun, "comment", "--pr", String(PR), "--dir", dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("the preview has 101 parts, more than 100; posted one comment saying it was cut");
    const on = gh.issueComments(PR);
    expect(on.map((c) => c.id)).toEqual([ids[0]]);
    const body = on[0]!.body;
    expect(body).toMatch(/^<!-- berth-preview part 1\/1 fleet=\. -->\n### berth preview \(part 1\/1\)\n/);
    expect(body).toContain("**This preview has 101 parts, more than the 100 berth posts as comments, so it was cut.** The full preview is in the job summary and the `berth-preview` artifact of workflow run `https://github.com/acme/fleet/actions/runs/4242`.");
    expect(body).toContain("many 1");
    expect(body).not.toContain("many 2");
    expect([...body].length).toBeLessThanOrEqual(65_536);
    expect(gh.writes().slice(3).map((w) => w.method)).toEqual(["PATCH", "DELETE", "DELETE"]);
  });

  it("two fleets in one repository keep one sticky comment each; a comment with the older marker is updated, not orphaned", async () => {
    const old = gh.seed(PR, legacy("an older berth's preview"), { login: "github-actions[bot]", type: "Bot" });
    expect((await comment(parts(1, "fleet a", "fleets/a"))).code).toBe(0);
    expect(gh.issueComments(PR).map((c) => [c.id, c.body])).toEqual([[old.id, parts(1, "fleet a", "fleets/a")[0]]]);
    expect((await comment(parts(2, "fleet b", "fleets/b"))).code).toBe(0);
    expect((await comment(parts(1, "fleet a again", "fleets/a"))).code).toBe(0);
    expect(bodiesOnPr()).toEqual([parts(1, "fleet a again", "fleets/a")[0], ...parts(2, "fleet b", "fleets/b")]);
  });
});

describe("berth comment refuses bad input before calling GitHub", () => {
  const cases: Array<[string, string[], (dir: string) => void, RegExp]> = [
    ["a --pr that is not a positive integer", ["--pr", "7; rm -rf /"], () => {}, /--pr "7; rm -rf \/" is not a pull request number/],
    ["--pr 0", ["--pr", "0"], () => {}, /--pr "0" is not a pull request number/],
    ["a folder that does not exist", ["--pr", "7"], (d) => removeDir(d), /cannot read the folder/],
    ["a folder without parts", ["--pr", "7"], (d) => rmSync(join(d, "part-1.md")), /no part-1\.md … in the folder/],
    ["a gap in the numbering", ["--pr", "7"], (d) => writeFileSync(join(d, "part-3.md"), parts(3, "x")[2]!), /part-2\.md is missing \(found part-1\.md, part-3\.md\)/],
    ["a part whose marker does not match its file", ["--pr", "7"], (d) => writeFileSync(join(d, "part-1.md"), parts(2, "x")[0]!), /part-1\.md: expected it to start with <!-- berth-preview part 1\/1 -->/],
    ["parts of two fleets", ["--pr", "7"], (d) => { writeFileSync(join(d, "part-1.md"), parts(2, "x", "a")[0]!); writeFileSync(join(d, "part-2.md"), parts(2, "x", "b")[1]!); }, /part-2\.md: expected it to start with <!-- berth-preview part 2\/2 fleet=a -->/],
    ["a part that is a symlink", ["--pr", "7"], (d) => { rmSync(join(d, "part-1.md")); symlinkSync("/etc/hostname", join(d, "part-1.md")); }, /part-1\.md is not a regular file/],
    ["a part larger than a GitHub comment", ["--pr", "7"], (d) => writeFileSync(join(d, "part-1.md"), `${parts(1, "x")[0]}${"é".repeat(70_000)}`), /more than 65536 characters/],
  ];
  for (const [name, args, mutate, message] of cases) {
    it(name, async () => {
      gh = await new FakeGithub(TOKEN).start();
      const dir = partsDir(parts(1, "x"));
      mutate(dir);
      const run = await berthWithEnv(dir, env(), "comment", ...args, "--dir", dir);
      removeDir(dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(gh.requests).toEqual([]);
    });
  }
});
