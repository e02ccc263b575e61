import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openRepo, openRepoAt, resolveRevision } from "../../generator/preview/git.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";
import { git } from "./helpers.js";

/**
 * openRepoAt asks one git process what openRepo, resolveRevision and `rev-parse --git-path` answer
 * one at a time: its answer must be theirs, and it must give none (the caller then asks one
 * question at a time, for the precise message) whenever theirs would be an error.
 */
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeRepo));

const ENV = { PATH: process.env.PATH, HOME: "/nonexistent-home", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };

function repo(commits: number): string {
  const root = makeRepo({ "fleet/a.txt": "a\n" });
  dirs.push(root);
  git(root, "init", "-q", "-b", "main");
  for (let i = 0; i < commits; i++) {
    writeFileSync(join(root, "fleet/a.txt"), `${i}\n`);
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", `c${i}`);
  }
  return root;
}

describe("openRepoAt", () => {
  it("answers as openRepo and resolveRevision do, at the top and in a subfolder", async () => {
    const top = repo(2);
    git(top, "branch", "older", "HEAD~1");
    for (const root of [top, join(top, "fleet")]) {
      const quick = await openRepoAt(root, ENV, ["older", "HEAD"]);
      const slow = await openRepo(root, ENV);
      expect(quick).toBeDefined();
      expect(quick!.shas).toEqual([await resolveRevision(slow, "older", "--base"), await resolveRevision(slow, "HEAD", "--head")]);
      expect(quick!.shas[0]).not.toBe(quick!.shas[1]);
      expect(quick!.trees).toEqual([git(root, "rev-parse", "older^{tree}").trim(), git(root, "rev-parse", "HEAD^{tree}").trim()]);
      const { infoAttributes, ...rest } = quick!.repo;
      expect(rest).toEqual(slow);
      expect(infoAttributes).toBe(git(root, "rev-parse", "--git-path", "info/attributes").trim());
    }
  });

  it("takes a revision that is also a file's name for the revision", async () => {
    const root = repo(2);
    git(root, "branch", "fleet", "HEAD~1");
    mkdirSync(join(root, "HEAD"), { recursive: true });
    const quick = await openRepoAt(root, ENV, ["fleet", "HEAD"]);
    expect(quick?.shas).toEqual([git(root, "rev-parse", "HEAD~1").trim(), git(root, "rev-parse", "HEAD").trim()]);
  });

  it("gives no answer where one question at a time would be an error", async () => {
    const root = repo(2);
    for (const revs of [["no-such-branch", "HEAD"], ["HEAD", "no-such-branch"], ["", "HEAD"], ["--all", "HEAD"], ["HEAD\nHEAD", "HEAD"], ["HEAD~1..HEAD", "HEAD"], ["^HEAD", "HEAD"], ["HEAD:fleet/a.txt", "HEAD"]]) {
      expect(await openRepoAt(root, ENV, revs), JSON.stringify(revs)).toBeUndefined();
    }
    expect(await openRepoAt(repo(0), ENV, ["HEAD", "HEAD"])).toBeUndefined();
    const outside = makeRepo({ "x.txt": "x\n" });
    dirs.push(outside);
    expect(await openRepoAt(outside, ENV, ["HEAD", "HEAD"])).toBeUndefined();
  });
});
