import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { openRepo, readRevision, resolveRevision } from "../../generator/preview/git.js";
import { askWorkingTree, workingTreeOverBase } from "../../generator/preview/working-tree.js";
import { listTree } from "../../generator/read/walk.js";
import { openOverlay, openRevision } from "../../generator/preview/write-revision.js";
import { bytesOf, mountedFiles } from "../../generator/read/tree-fs.js";
import { layout } from "../../generator/layout.js";
import { berthWithEnv, makeRepo, removeRepo } from "../helpers/repo.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berthIn, edit, fixtureRepo, git } from "./helpers.js";

/**
 * Issue 24: a preview of the working tree reads the base's files from git and only the files git
 * says differ from the disk (preview/working-tree.ts). It may answer only with exactly what a walk
 * of the disk finds, and must step aside (undefined: the disk is walked) whenever git's view of the
 * working tree may differ from the disk's.
 */
const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));
const unmounts: Array<() => void> = [];
afterEach(() => unmounts.splice(0).forEach((u) => u()));

const ENV = { PATH: process.env.PATH, HOME: "/nonexistent-home", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };

async function overBase(root: string) {
  const repo = await openRepo(root, ENV);
  const sha = await resolveRevision(repo, "HEAD", "--base");
  const base = await readRevision(repo, sha, { readGenerated: false, wholeTree: false });
  const over = await workingTreeOverBase(repo, base!, askWorkingTree(repo, sha));
  if (!over) return undefined;
  // The base mounted as a preview mounts it, for the overlay of the changes.
  const baseRoot = join(tmpdir(), `berth-base-${randomBytes(6).toString("hex")}`);
  unmounts.push(openRevision(baseRoot, base!).close);
  return { ...over, baseRoot };
}

/** The fleet folders' files on disk (generated folders left out, as a revision read leaves them out), with their contents. */
function onDisk(root: string): Array<[string, string]> {
  return listTree(root, ["apps", "clusters", "secrets"], { links: "refuse", what: "files" })
    .filter((p) => !layout.isGenerated(p))
    .map((p) => [p, readFileSync(join(root, p), "latin1")]);
}

async function repo(): Promise<string> {
  const root = await fixtureRepo();
  repos.push(root);
  return root;
}

describe("the working tree as the base plus git's changes", () => {
  it("is the disk's files after edits, additions (ignored ones too) and deletions, with the paths that changed", async () => {
    const root = await repo();
    const values = "apps/shop/values.yaml";
    edit(root, { [values]: `${readFileSync(join(root, values), "utf8")}extra: 1\n`, "apps/shop/values-prod.yaml": "a: 1\n", "apps/shop/ignored.yaml": "b: 2\n", ".gitignore": "ignored.yaml\n" });
    rmSync(join(root, "apps/shop/app.yaml"));
    git(root, "add", "apps/shop/values-prod.yaml");
    const composed = await overBase(root);
    expect(composed).toBeDefined();
    const at = join(tmpdir(), `berth-overlay-${randomBytes(6).toString("hex")}`);
    unmounts.push(openOverlay(at, composed!.baseRoot, composed!.changes)!.close);
    expect(mountedFiles(at, "").map((f) => [f.path, bytesOf(f.content).toString("latin1")])).toEqual(onDisk(root));
    expect([...composed!.changed].sort()).toEqual(["apps/shop/app.yaml", "apps/shop/ignored.yaml", values, "apps/shop/values-prod.yaml"].sort());
  });

  it("steps aside when git's view may differ from the disk's", async () => {
    const cases: Array<[string, (root: string) => void]> = [
      ["an empty folder (the loader reports it)", (root) => mkdirSync(join(root, "apps/empty"))],
      ["a new app folder git does not track", (root) => edit(root, { "apps/fresh/app.yaml": "layer: apps\n" })],
      ["a symlink", (root) => symlinkSync("/etc/passwd", join(root, "apps/shop/passwd.yaml"))],
      ["a tracked file replaced by a pipe", (root) => (rmSync(join(root, "apps/shop/values.yaml")), execFileSync("mkfifo", [join(root, "apps/shop/values.yaml")]))],
      ["a .gitattributes", (root) => edit(root, { ".gitattributes": "*.yaml text eol=crlf\n" })],
      ["a committed .gitattributes in a folder", (root) => (edit(root, { "apps/shop/.gitattributes": "*.yaml text eol=crlf\n" }), git(root, "add", "-A"), git(root, "commit", "-q", "-m", "attributes"))],
      ["a staged .gitattributes gone from the disk", (root) => (edit(root, { "clusters/.gitattributes": "*.yaml text eol=crlf\n" }), git(root, "add", "-A"), rmSync(join(root, "clusters/.gitattributes")))],
      ["an ignored .gitattributes", (root) => edit(root, { ".gitignore": ".gitattributes\n", "apps/.gitattributes": "*.yaml text eol=crlf\n" })],
      ["info/attributes", (root) => edit(root, { ".git/info/attributes": "*.yaml text eol=crlf\n" })],
      ["an entry marked skip-worktree", (root) => git(root, "update-index", "--skip-worktree", "apps/shop/values.yaml")],
      ["an entry marked assume-unchanged", (root) => git(root, "update-index", "--assume-unchanged", "apps/shop/values.yaml")],
      ["core.autocrlf", (root) => git(root, "config", "core.autocrlf", "true")],
      ["a smudge filter", (root) => git(root, "config", "filter.lfs.smudge", "cat")],
      ["a .gitmodules", (root) => edit(root, { ".gitmodules": "" })],
      ["a changed Chart.yaml reaching out of its folder", (root) => edit(root, { "apps/shop/chart/Chart.yaml": "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies: [{ name: x, repository: file://../../../lib/x }]\n" })],
      ["a changed file over the input limit", (root) => writeFileSync(join(root, "apps/shop/values.yaml"), Buffer.alloc(8 * 1024 * 1024 + 1, 0x61))],
    ];
    for (const [what, arrange] of cases) {
      const root = await repo();
      arrange(root);
      expect(await overBase(root), what).toBeUndefined();
    }
  });

  const changes: Array<[string, (root: string) => void]> = [
    ["a values file", (root) => edit(root, { "apps/shop/values.yaml": `${readFileSync(join(root, "apps/shop/values.yaml"), "utf8")}extra: 1\n` })],
    ["an app.yaml", (root) => edit(root, { "apps/postgres/app.yaml": readFileSync(join(root, "apps/postgres/app.yaml"), "utf8").replace(/version: [^,}\n]+/, "version: 99.0.0") })],
    ["a new values variant, staged", (root) => (edit(root, { "apps/shop/values-prod.yaml": "a: 1\n" }), git(root, "add", "apps/shop/values-prod.yaml"))],
    ["a cluster.yaml and a cluster values file", (root) => edit(root, { "clusters/prod/cluster.yaml": `${readFileSync(join(root, "clusters/prod/cluster.yaml"), "utf8")}# edited\n`, "clusters/prod/values/shop.yaml": "replicas: 4\n" })],
    ["a removed SealedSecret file", (root) => rmSync(join(root, "secrets/dev/data/postgres-credentials.yaml"))],
    ["a hand edit of a generated file (a stale note, no change)", (root) => {
      const file = listTree(root, ["clusters/dev/argocd"], { links: "refuse", what: "files" })[0]!;
      edit(root, { [file]: `${readFileSync(join(root, file), "utf8")}# hand edit\n` });
    }],
    ["a broken app.yaml (the head does not load)", (root) => edit(root, { "apps/shop/app.yaml": "layer: [\n" })],
  ];

  it.each(changes)("a preview through it says what a preview from the disk says: %s", async (_what, change) => {
    const root = await repo();
    // The base's blobs known by id (cache/parse-cache.ts): read only if a reader asks for them.
    const cache = mkdtempSync(join(tmpdir(), "berth-cache-"));
    repos.push(cache);
    // The environment overBase is asked in (no user or system git config): the run below takes the shortcut it says.
    const warm = { ...ENV, BERTH_TOOLS: "bundled", XDG_CACHE_HOME: cache };
    await berthWithEnv(root, warm, "preview", "--base", "HEAD", "--format", "text");
    change(root);
    expect(await overBase(root)).toBeDefined();
    const fast = await berthWithEnv(root, warm, "preview", "--base", "HEAD", "--format", "text");
    // An attributes file that changes nothing turns the shortcut off: the disk is walked.
    writeFileSync(join(root, ".git/info/attributes"), "\n");
    expect(await overBase(root)).toBeUndefined();
    const walked = await berthIn(root, "preview", "--base", "HEAD", "--format", "text");
    expect(fast.stdout + fast.stderr).not.toBe("");
    expect({ code: fast.code, stdout: fast.stdout, stderr: fast.stderr }).toEqual({ code: walked.code, stdout: walked.stdout, stderr: walked.stderr });
  });

  it("in a fleet below the repository's top, steps aside for a .gitattributes outside the fleet folder", async () => {
    const root = makeRepo(Object.fromEntries(Object.entries(fixtureFleet()).map(([p, text]) => [`fleet/${p}`, text])));
    repos.push(root);
    git(root, "init", "-q", "-b", "main");
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "base");
    const fleet = join(root, "fleet");
    expect(await overBase(fleet)).toBeDefined();
    edit(root, { ".gitattributes": "*.yaml text eol=crlf\n" });
    expect(await overBase(fleet)).toBeUndefined();
  });
});
