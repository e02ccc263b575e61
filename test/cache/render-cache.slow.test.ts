import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { berthWithEnv, makeRepo, removeRepo } from "../helpers/repo.js";
import { edit, fixtureRepo, git } from "../preview/helpers.js";

/**
 * The preview's render cache is the user's own: in their cache folder, 0700, owned by them, and
 * every entry checked against its content hash, so no one else can plant a "rendered" change
 * (issue 11, item 11).
 */
const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));

async function changedRepo(): Promise<string> {
  const root = await fixtureRepo();
  repos.push(root);
  edit(root, { "apps/shop/chart/templates/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: extra }\ndata: { a: b }\n" });
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "head");
  return root;
}

const preview = (root: string, cacheHome: string) =>
  berthWithEnv(root, { PATH: process.env.PATH, HOME: join(cacheHome, "home"), XDG_CACHE_HOME: cacheHome, BERTH_TOOLS: "bundled" }, "preview", "--base", "HEAD~1", "--head", "HEAD", "--render", "--cluster", "dev", "--format", "text");

describe("the preview render cache", () => {
  it("lives in $XDG_CACHE_HOME/berth, mode 0700, and is used on the next run", async () => {
    const root = await changedRepo();
    const cacheHome = makeRepo({});
    repos.push(cacheHome);
    const first = await preview(root, cacheHome);
    expect(first.code, first.stderr).toBe(1);
    const dir = join(cacheHome, "berth/preview-renders");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).length).toBeGreaterThan(0);
    expect(first.stdout).toContain("0 from cache");
    const second = await preview(root, cacheHome);
    expect(second.stdout).toContain("0 renders, 2 from cache");
  }, 60_000);

  it("ignores an entry whose content does not match its hash (a forged change)", async () => {
    const root = await changedRepo();
    const cacheHome = makeRepo({});
    repos.push(cacheHome);
    await preview(root, cacheHome);
    const dir = join(cacheHome, "berth/preview-renders");
    for (const f of readdirSync(dir)) {
      const file = join(dir, f);
      writeFileSync(file, readFileSync(file, "utf8").replace(/name: extra/g, "name: forged-by-someone"));
    }
    const again = await preview(root, cacheHome);
    expect(again.stdout).not.toContain("forged-by-someone");
    // The head's entry was edited and is rendered afresh; the base's is intact and reused.
    expect(again.stdout).toContain("1 render, 1 from cache");
  }, 60_000);

  it("is not used when another user owns it or others may write to it", async () => {
    const root = await changedRepo();
    for (const arrange of ["world-writable", "other owner"] as const) {
      if (arrange === "other owner" && process.getuid?.() !== 0) continue; // only root can give a folder away
      const cacheHome = makeRepo({});
      repos.push(cacheHome);
      const dir = join(cacheHome, "berth/preview-renders");
      mkdirSync(dir, { recursive: true });
      if (arrange === "world-writable") chmodSync(dir, 0o777);
      else chownSync(dir, 65534, 65534);
      const run = await preview(root, cacheHome);
      expect(run.stdout).toContain("The render cache was not used");
      expect(readdirSync(dir)).toEqual([]);
    }
  }, 60_000);
});
