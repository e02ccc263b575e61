import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { githubConfig } from "../../generator/github/config.js";
import { removeRepo } from "../helpers/repo.js";
import { berthIn, edit, fixtureRepo } from "../preview/helpers.js";
import { berthWithEnv } from "../helpers/repo.js";
import { FakeGithub } from "./fake-github.js";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeRepo));

describe("berth preview --out-dir, then berth comment", () => {
  it("posts exactly the parts preview wrote, in order, and a re-run writes nothing", async () => {
    const root = await fixtureRepo();
    const out = mkdtempSync(join(tmpdir(), "berth-preview-out-"));
    roots.push(root, out);
    // A new repository URL changes every generated Application: enough for several parts.
    for (const c of ["dev", "prod"]) {
      const file = join(root, `clusters/${c}/cluster.yaml`);
      edit(root, { [`clusters/${c}/cluster.yaml`]: readFileSync(file, "utf8").replace("fleet.git", "fleet-next.git") });
    }
    const preview = await berthIn(root, "preview", "--base", "main", "--max-comment-chars", "2000", "--out-dir", out);
    expect(preview.code).toBe(1);
    const files = readdirSync(out).filter((f) => f.startsWith("part-")).sort((a, b) => parseInt(a.slice(5)) - parseInt(b.slice(5)));
    expect(files.length).toBeGreaterThan(1);
    const gh = await new FakeGithub("tok-123456").start();
    try {
      const env = { GITHUB_TOKEN: "tok-123456", GITHUB_REPOSITORY: "acme/fleet", GITHUB_API_URL: `${gh.url}/`, GITHUB_ACTIONS: "true" };
      const first = await berthWithEnv(root, env, "comment", "--pr", "12", "--dir", out);
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      expect(gh.issueComments(12).map((c) => c.body)).toEqual(files.map((f) => readFileSync(join(out, f), "utf8")));
      const writes = gh.writes().length;
      expect((await berthWithEnv(root, env, "comment", "--pr", "12", "--dir", out)).code).toBe(0);
      expect(gh.writes()).toHaveLength(writes);
      expect(gh.violations).toEqual([]);
    } finally {
      await gh.stop();
    }
  });
});

describe("GitHub configuration from the environment", () => {
  it("defaults to api.github.com, accepts a GitHub Enterprise Server URL", () => {
    expect(githubConfig({ GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "o/r" })).toEqual({ token: "t", owner: "o", repo: "r", apiUrl: "https://api.github.com" });
    expect(githubConfig({ GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "o/r.git-x", GITHUB_API_URL: "https://ghe.example/api/v3/" }).apiUrl).toBe("https://ghe.example/api/v3");
  });

  const bad: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
    ["no token", { GITHUB_REPOSITORY: "o/r" }, /GITHUB_TOKEN is not set/],
    ["no repository", { GITHUB_TOKEN: "t" }, /GITHUB_REPOSITORY is not set, not owner\/name/],
    ["a repository that is not owner/name", { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "o/r/../x" }, /GITHUB_REPOSITORY is "o\/r\/..\/x", not owner\/name/],
    ["an API URL that is not a URL", { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "o/r", GITHUB_API_URL: "api.github.com" }, /GITHUB_API_URL "api.github.com" is not a URL/],
    ["an API URL that is not http(s)", { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "o/r", GITHUB_API_URL: "file:///etc" }, /is not http\(s\)/],
  ];
  for (const [name, env, message] of bad) {
    it(`exit 2 for ${name}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "berth-comment-env-"));
      roots.push(dir);
      edit(dir, { "part-1.md": "<!-- berth-preview part 1/1 -->\nx\n" });
      const r = await berthWithEnv(dir, env, "comment", "--pr", "1", "--dir", dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^berth: /);
    });
  }
});
