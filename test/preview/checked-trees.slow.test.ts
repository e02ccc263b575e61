import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openCheckedTrees } from "../../generator/cache/checked-trees.js";
import { readPrivateCacheFile } from "../../generator/cache/private-file.js";
import { berthWithEnv, removeRepo } from "../helpers/repo.js";
import { edit, fixtureRepo, git } from "./helpers.js";

/**
 * A preview takes the cross-checks' verdict on its base from the trees that passed them before with
 * this build (cache/checked-trees.ts): only passes, each for exactly its git tree. A base that
 * fails is judged, and reported, every time; the output is a run's without the cache.
 */
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeRepo));

const ENV = { PATH: process.env.PATH, HOME: "/nonexistent-home", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };

async function repo() {
  const root = await fixtureRepo();
  const cache = mkdtempSync(join(tmpdir(), "berth-cache-"));
  dirs.push(root, cache);
  const folder = join(cache, "berth", "checked-trees");
  const recorded = () => (existsSync(folder) ? readdirSync(folder).flatMap((f) => (readPrivateCacheFile(join(folder, f))?.toString("utf8") ?? "").split("\n").filter((l) => /^[0-9a-f]{40}$/.test(l))) : []);
  return { root, cached: { ...ENV, XDG_CACHE_HOME: cache }, recorded };
}

const preview = async (root: string, env: NodeJS.ProcessEnv) => {
  const r = await berthWithEnv(root, env, "preview", "--base", "HEAD", "--format", "text");
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
};

describe("the base's cross-checks by tree", () => {
  it("a base that passed is recorded by its tree, and the preview over it is the preview without the cache", async () => {
    const { root, cached, recorded } = await repo();
    edit(root, { "apps/shop/values.yaml": "replicas: 2\nlog: info\n" });
    const plain = await preview(root, ENV);
    expect(plain.code).toBe(1);
    expect(await preview(root, cached)).toEqual(plain);
    expect(recorded()).toEqual([git(root, "rev-parse", "HEAD^{tree}").trim()]);
    expect(openCheckedTrees(root, cached).passed(git(root, "rev-parse", "HEAD^{tree}").trim())).toBe(true);
    expect(await preview(root, cached)).toEqual(plain);
  });

  it("a base that fails them is never recorded, and reported on every run", async () => {
    const { root, cached, recorded } = await repo();
    const cluster = "clusters/prod/cluster.yaml";
    const good = readFileSync(join(root, cluster), "utf8");
    expect(good).toContain("apps: [argo-cd, sealed-secrets, shop, metrics, postgres]");
    // A schema-valid base whose cluster names an app that does not exist: a cross-check's finding.
    edit(root, { [cluster]: good.replace("postgres]", "postgres, nope]") });
    git(root, "commit", "-qam", "broken base");
    edit(root, { [cluster]: good });
    const plain = await preview(root, ENV);
    expect(plain.stdout).toMatch(/The base \(HEAD\) does not load \(1 problem, first: .*unknown app "nope"/);
    for (let run = 0; run < 2; run++) expect(await preview(root, cached)).toEqual(plain);
    expect(recorded()).toEqual([]);
    expect(openCheckedTrees(root, cached).passed(git(root, "rev-parse", "HEAD^{tree}").trim())).toBe(false);
  });

  it("keeps the newest trees of this build only", () => {
    const cache = mkdtempSync(join(tmpdir(), "berth-cache-"));
    const root = mkdtempSync(join(tmpdir(), "berth-root-"));
    dirs.push(cache, root);
    const env = { XDG_CACHE_HOME: cache };
    const ids = Array.from({ length: 20 }, (_, i) => i.toString(16).padStart(40, "0"));
    const trees = openCheckedTrees(root, env);
    for (const id of ids) trees.record(id);
    trees.save();
    const again = openCheckedTrees(root, env);
    expect(ids.map((id) => again.passed(id))).toEqual(ids.map((_, i) => i >= 4));
    expect(again.passed("f".repeat(40))).toBe(false);
    // Another build's record (its header names another code digest; the file's hash line made to match): nothing passed.
    const [file] = readdirSync(join(cache, "berth", "checked-trees"));
    const text = readPrivateCacheFile(join(cache, "berth", "checked-trees", file!))!.toString("utf8");
    const body = text.replace(/^(berth checked trees \d+) \S+/, "$1 another-build");
    expect(body).not.toBe(text);
    writeFileSync(join(cache, "berth", "checked-trees", file!), `${createHash("sha256").update(body).digest("hex")}\n${body}`, { mode: 0o600 });
    expect(ids.some((id) => openCheckedTrees(root, env).passed(id))).toBe(false);
  });
});
