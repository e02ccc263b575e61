import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { partMarker } from "../../generator/preview/marker.js";
import { berthWithEnv } from "../helpers/repo.js";
import { parts, partsDir, removeDir } from "./helpers.js";
import { RecordingGithub } from "./recording-github.js";

// The same scenarios as comment.test.ts, against an independent recording server: exactly
// these creates, updates and deletes, and nothing else.
const TOKEN = "another-s3cret-0f7a";
let gh: RecordingGithub;
const dirs: string[] = [];

async function comment(bodies: string[], expectCode = 0) {
  const dir = partsDir(bodies);
  dirs.push(dir);
  const run = await berthWithEnv(dir, { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: "o/r", GITHUB_API_URL: gh.url, GITHUB_ACTIONS: "true" }, "comment", "--pr", "9", "--dir", dir);
  expect(run.stdout + run.stderr).not.toContain(TOKEN);
  expect(run.code).toBe(expectCode);
  return run;
}

beforeEach(async () => {
  gh = await new RecordingGithub().start();
});
afterEach(async () => {
  await gh.stop();
  dirs.splice(0).forEach(removeDir);
});

describe("berth comment's writes, as an independent server records them", () => {
  it("first preview, shorter second preview, identical re-run", async () => {
    const first = parts(3, "first");
    await comment(first);
    expect(gh.writes).toEqual(first.map((body) => ({ method: "POST", target: 9, body })));
    const [a, b, c] = gh.ids(9);
    gh.writes.length = 0;

    const second = parts(2, "second");
    await comment(second);
    expect(gh.writes).toEqual([
      { method: "PATCH", target: a, body: second[0] },
      { method: "PATCH", target: b, body: second[1] },
      { method: "DELETE", target: c },
    ]);
    gh.writes.length = 0;

    await comment(second);
    expect(gh.writes).toEqual([]);
    expect(gh.bodies(9)).toEqual(second);
  });

  it("150 unrelated comments first, and a person quoting the marker: only berth's own are written", async () => {
    for (let i = 0; i < 150; i++) gh.add(9, `comment ${i}`, i % 3 ? "octocat" : "renovate[bot]", i % 3 ? "User" : "Bot");
    const quote = gh.add(9, `${partMarker(1, 2, ".")}\nlooks fine`, "mallory", "User");
    await comment(parts(2, "one"));
    expect(gh.pagesRead).toEqual([1, 2]);
    expect(gh.writes.map((w) => w.method)).toEqual(["POST", "POST"]);
    const own = gh.ids(9).slice(-2);
    gh.writes.length = 0;
    const next = parts(1, "two");
    await comment(next);
    expect(gh.writes).toEqual([{ method: "PATCH", target: own[0], body: next[0] }, { method: "DELETE", target: own[1] }]);
    expect(gh.ids(9)).toContain(quote);
    expect(gh.bodies(9)).toHaveLength(152);
  });

  it("a 403 writes nothing; a 429 with retry-after is retried once and written once", async () => {
    gh.failNext.push({ method: "POST", status: 403, message: "Resource not accessible by integration" });
    const denied = await comment(parts(1, "x"), 2);
    expect(denied.stderr).toContain("GitHub answered 403 to create part 1/1: Resource not accessible by integration");
    expect(gh.attempts).toEqual(["POST 403"]);
    expect(gh.writes).toEqual([]);
    gh.attempts.length = 0;
    gh.failNext.push({ method: "POST", status: 429, headers: { "retry-after": "0" }, message: "API rate limit exceeded" });
    const p = parts(1, "y");
    await comment(p);
    expect(gh.attempts).toEqual(["POST 429", "POST ok"]);
    expect(gh.writes).toEqual([{ method: "POST", target: 9, body: p[0] }]);
  });
});
