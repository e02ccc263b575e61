import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openRepo, readRevision, resolveRevision } from "../../generator/preview/git.js";
import { bytesOf } from "../../generator/read/tree-fs.js";
import { openParseCache } from "../../generator/cache/parse-cache.js";
import { berthWithEnv, removeRepo } from "../helpers/repo.js";
import { edit, fixtureRepo, git } from "./helpers.js";

/**
 * A preview of the working tree reads from git only the base's blobs the parse cache does not
 * know by id (cache/parse-cache.ts, preview/git.ts); the others are read only if a reader asks.
 * Nothing may change for it: every change shows, every diagnostic keeps its position, and the
 * output is byte for byte a run's without a cache.
 */
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeRepo));

const ENV = { PATH: process.env.PATH, HOME: "/nonexistent-home", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };

async function repo(): Promise<{ root: string; cached: NodeJS.ProcessEnv; uncached: NodeJS.ProcessEnv }> {
  const root = await fixtureRepo();
  const cache = mkdtempSync(join(tmpdir(), "berth-cache-"));
  dirs.push(root, cache);
  return { root, cached: { ...ENV, XDG_CACHE_HOME: cache }, uncached: ENV };
}

const preview = async (root: string, env: NodeJS.ProcessEnv) => {
  const r = await berthWithEnv(root, env, "preview", "--base", "HEAD", "--format", "text");
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
};

/** A preview with the cache (twice: the first may still fill it) is the preview without one. */
async function sameAsUncached(root: string, cached: NodeJS.ProcessEnv, uncached: NodeJS.ProcessEnv) {
  const plain = await preview(root, uncached);
  expect(await preview(root, cached)).toEqual(plain);
  expect(await preview(root, cached)).toEqual(plain);
  return plain;
}

/** Whether the parse cache knows the blob `rev:path` by its id. */
const knows = (root: string, env: NodeJS.ProcessEnv, rev: string, path: string) => openParseCache(root, env).knowsBlob(git(root, "rev-parse", `${rev}:${path}`).trim());

describe("a revision's blobs known by id", () => {
  it("are read only when a reader asks, with exactly the blob's bytes; charts, kustomizations, secrets and unknown blobs are read at once", async () => {
    const { root } = await repo();
    const r = await openRepo(root, ENV);
    const sha = await resolveRevision(r, "HEAD", "--base");
    const whole = (await readRevision(r, sha, { readGenerated: false, wholeTree: false }))!;
    const unknown = git(root, "rev-parse", "HEAD:apps/shop/values.yaml").trim();
    const lazy = (await readRevision(r, sha, { readGenerated: false, wholeTree: false, knownBlob: (oid) => oid !== unknown }))!;
    expect(lazy.entries).toEqual(whole.entries);
    expect(whole.blobs.every((b) => Buffer.isBuffer(b))).toBe(true);
    const readAtOnce = lazy.entries.filter((_e, i) => Buffer.isBuffer(lazy.blobs[i])).map((e) => e.path);
    expect(readAtOnce).toContain("apps/shop/values.yaml");
    expect(readAtOnce).toContain("apps/shop/chart/Chart.yaml");
    expect(readAtOnce.filter((p) => p.startsWith("secrets/")).length).toBeGreaterThan(0);
    expect(readAtOnce).not.toContain("apps/shop/app.yaml");
    expect(readAtOnce.every((p) => p === "apps/shop/values.yaml" || p.startsWith("secrets/") || /(^|\/)(Chart\.yaml|kustomization\.ya?ml|Kustomization)$/.test(p))).toBe(true);
    // Each entry's blob id is git's, and the bytes read later are the blob's.
    for (const e of lazy.entries) expect(e.oid).toBe(git(root, "rev-parse", `HEAD:${e.path}`).trim());
    expect(lazy.blobs.map((b) => bytesOf(b).toString("latin1"))).toEqual(whole.blobs.map((b) => bytesOf(b).toString("latin1")));
  });

  it("still show a changed values file, app.yaml and cluster.yaml, each changed back and forth", async () => {
    const { root, cached, uncached } = await repo();
    // Every blob of the base is known by id from here on.
    expect((await sameAsUncached(root, cached, uncached)).code).toBe(0);
    for (const file of ["apps/shop/values.yaml", "apps/postgres/app.yaml", "clusters/prod/cluster.yaml"]) expect(knows(root, cached, "HEAD", file), file).toBe(true);
    const edits: Array<[string, (text: string) => string, RegExp]> = [
      ["apps/shop/values.yaml", (t) => `${t}extra: 1\n`, /Inputs changed: apps\/shop\/values\.yaml \(modified\)/],
      ["apps/postgres/app.yaml", (t) => t.replace("maxConnections: 100", "maxConnections: 90"), /postgres/],
      ["clusters/prod/cluster.yaml", (t) => t.replace("domain: example.com", "domain: example.org"), /example\.org/],
    ];
    for (const [file, change, shows] of edits) {
      const before = readFileSync(join(root, file), "utf8");
      writeFileSync(join(root, file), change(before));
      const changed = await sameAsUncached(root, cached, uncached);
      expect(changed.code, file).toBe(1);
      expect(changed.stdout, file).toMatch(shows);
      writeFileSync(join(root, file), before);
      expect((await sameAsUncached(root, cached, uncached)).code, file).toBe(0);
      writeFileSync(join(root, file), change(before));
      expect(await preview(root, cached), file).toEqual(changed);
      writeFileSync(join(root, file), before);
    }
  });

  it("a change committed as the base, and the working tree back at the old text, still shows", async () => {
    const { root, cached, uncached } = await repo();
    await sameAsUncached(root, cached, uncached);
    const file = "apps/shop/values.yaml";
    const before = readFileSync(join(root, file), "utf8");
    edit(root, { [file]: `${before}extra: 1\n` });
    git(root, "commit", "-q", "-am", "extra");
    await sameAsUncached(root, cached, uncached);
    // The base now holds the new text; the working tree the old one, a blob the cache knows too.
    edit(root, { [file]: before });
    const back = await sameAsUncached(root, cached, uncached);
    expect(back.code).toBe(1);
    expect(back.stdout).toMatch(/Inputs changed: apps\/shop\/values\.yaml \(modified\)/);
  });

  it("a diagnostic in a file known by id still has its file:line:col", async () => {
    const { root, cached, uncached } = await repo();
    // A base that parses cleanly file by file but does not load: metrics depends on a postgres that is gone.
    for (const cluster of ["clusters/dev/cluster.yaml", "clusters/prod/cluster.yaml"]) {
      edit(root, { [cluster]: readFileSync(join(root, cluster), "utf8").replace("  - postgres\n", "").replace(", postgres]", "]") });
    }
    rmSync(join(root, "apps/postgres"), { recursive: true });
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "postgres goes");
    // The head brings it back.
    git(root, "checkout", "-q", "HEAD~1", "--", "apps/postgres", "clusters");
    const r = await sameAsUncached(root, cached, uncached);
    expect(knows(root, cached, "HEAD", "apps/metrics/app.yaml")).toBe(true);
    expect(r.stdout).toMatch(/The base \(HEAD\) does not load \([^)]*apps\/metrics\/app\.yaml:\d+:\d+/);
  });
});
