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
const env = () => ({ GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: "acme/fleet", GITHUB_API_URL: gh.url });

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
    expect(gh.requests.slice(before).map((r) => r.method)).toEqual(["GET"]);
    expect(run.stdout).toContain("already current, nothing written");
  });

  it("finds its comments behind 150 unrelated ones (pagination) and leaves those alone", async () => {
    for (let i = 0; i < 150; i++) gh.seed(PR, `LGTM ${i}`, i % 2 ? human : otherBot);
    await comment(parts(2, "first"));
    const second = parts(2, "second");
    const reads = gh.requests.length;
    const run = await comment(second);
    expect(run.code).toBe(0);
    const lists = gh.requests.slice(reads).filter((r) => r.method === "GET");
    expect(lists.map((r) => [r.query.per_page, r.query.page ?? "1"])).toEqual([["100", "1"], ["100", "2"]]);
    expect(gh.writes().slice(2).map((r) => r.method)).toEqual(["PATCH", "PATCH"]);
    const all = gh.issueComments(PR);
    expect(all).toHaveLength(152);
    expect(all.slice(0, 150).map((c) => c.body)).toEqual(Array.from({ length: 150 }, (_, i) => `LGTM ${i}`));
    expect(all.slice(150).map((c) => c.body)).toEqual(second);
  });

  it("never edits or deletes a person's comment that quotes the marker, nor another bot's by --author", async () => {
    const quoted = gh.seed(PR, `${partMarker(1, 1)}\nsafe to merge, trust me`, human);
    const first = await comment(parts(2, "first"));
    expect(first.code).toBe(0);
    const run = await comment(parts(1, "second"));
    expect(run.code).toBe(0);
    expect(gh.comments.find((c) => c.id === quoted.id)?.body).toBe(`${partMarker(1, 1)}\nsafe to merge, trust me`);
    expect(gh.writes().every((w) => !w.path.endsWith(`/${quoted.id}`))).toBe(true);
    // With --author only that login's comments are berth's: the Actions bot's own are then foreign.
    const pinned = await comment(parts(1, "third"), "--author", "berth-app[bot]");
    expect(pinned.code).toBe(0);
    expect(bodiesOnPr()).toEqual([`${partMarker(1, 1)}\nsafe to merge, trust me`, parts(1, "second")[0], parts(1, "third")[0]]);
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
    expect((err as Error).message).toMatch(/^could not reach GitHub to list the comments of #7 in acme\/fleet: /);
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

describe("berth comment refuses bad input before calling GitHub", () => {
  const cases: Array<[string, string[], (dir: string) => void, RegExp]> = [
    ["a --pr that is not a positive integer", ["--pr", "7; rm -rf /"], () => {}, /--pr "7; rm -rf \/" is not a pull request number/],
    ["--pr 0", ["--pr", "0"], () => {}, /--pr "0" is not a pull request number/],
    ["a folder that does not exist", ["--pr", "7"], (d) => removeDir(d), /cannot read the folder/],
    ["a folder without parts", ["--pr", "7"], (d) => rmSync(join(d, "part-1.md")), /no part-1\.md … in the folder/],
    ["a gap in the numbering", ["--pr", "7"], (d) => writeFileSync(join(d, "part-3.md"), parts(3, "x")[2]!), /part-2\.md is missing \(found part-1\.md, part-3\.md\)/],
    ["a part whose marker does not match its file", ["--pr", "7"], (d) => writeFileSync(join(d, "part-1.md"), parts(2, "x")[0]!), /part-1\.md: expected it to start with <!-- berth-preview part 1\/1 -->/],
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
