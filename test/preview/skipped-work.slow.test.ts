import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { berthWithEnv, removeRepo } from "../helpers/repo.js";
import { berthIn, commitAll, edit, fixtureRepo, git } from "./helpers.js";

/**
 * Preview skips work a change cannot need (clusters with equal inputs are not planned, the head's
 * generated folders are checked through generate's output cache, the base is written without
 * non-fleet files). None of that may hide a change: each case below still shows up.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeRepo(d);
});
async function repo(): Promise<string> {
  const root = await fixtureRepo();
  dirs.push(root);
  return root;
}
const read = (root: string, p: string) => readFileSync(join(root, p), "utf8");
const replaceIn = (root: string, p: string, from: string, to: string) => {
  const text = read(root, p);
  if (!text.includes(from)) throw new Error(`${p} has no ${from}`);
  edit(root, { [p]: text.replace(from, to) });
};
const section = (out: string, cluster: string) => {
  const start = out.indexOf(`== cluster ${cluster}:`);
  if (start < 0) return "";
  const next = out.indexOf("== cluster ", start + 1);
  return out.slice(start, next < 0 ? undefined : next);
};
const text = (root: string, ...args: string[]) => berthIn(root, "preview", "--base", "main", "--format", "text", ...args);
/** Some generated file of a cluster (whatever the layout names it). */
const generatedFile = (root: string, cluster: string): string => {
  const dir = `clusters/${cluster}/argocd`;
  const walk = (rel: string): string[] => readdirSync(join(root, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(`${rel}/${e.name}`) : [`${rel}/${e.name}`]));
  return walk(dir).sort()[0]!;
};
/** A per-user cache folder of the test's own, so generate's output cache is on and starts empty. */
const cacheEnv = () => {
  const cache = mkdtempSync(join(tmpdir(), "berth-cache-"));
  dirs.push(cache);
  return { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CACHE_HOME: cache, BERTH_TOOLS: "bundled" };
};

describe("preview skips work, never changes", () => {
  it("a change only in one cluster's file shows on that cluster, and nowhere else", async () => {
    const root = await repo();
    replaceIn(root, "clusters/dev/cluster.yaml", "domain: dev.localhost", "domain: dev2.localhost");
    const r = await text(root);
    expect(r.code).toBe(1);
    expect(section(r.stdout, "dev")).toContain("dev2.localhost");
    expect(section(r.stdout, "prod")).toBe("");
  });

  it("a change only in an app's chart folder marks that app's inputs changed on every cluster running it", async () => {
    const root = await repo();
    replaceIn(root, "apps/shop/chart/templates/cm.yaml", "data: { env:", "data: { log: x, env:");
    const r = await text(root);
    expect(r.code).toBe(1);
    for (const [cluster, app] of [["dev", "shop-staging"], ["prod", "shop-prod"]]) {
      expect(section(r.stdout, cluster!)).toContain(`${cluster} · Application ${app}`);
      expect(section(r.stdout, cluster!)).toContain("Inputs changed: apps/shop/chart/templates/cm.yaml (modified)");
    }
  });

  it("a change only in a profile's values variant shows on the clusters of that profile only", async () => {
    const root = await repo();
    replaceIn(root, "apps/postgres/values-cloud.yaml", "size: 20Gi", "size: 40Gi");
    const r = await text(root);
    expect(r.code).toBe(1);
    expect(section(r.stdout, "prod")).toContain("Inputs changed: apps/postgres/values-cloud.yaml (modified)");
    expect(section(r.stdout, "dev")).toBe("");
  });

  it("a new cluster values file changes that cluster's Application", async () => {
    const root = await repo();
    edit(root, { "clusters/dev/values/postgres.yaml": "primary: { resources: {} }\n" });
    const r = await text(root);
    expect(r.code).toBe(1);
    const dev = section(r.stdout, "dev");
    expect(dev).toContain("dev · Application postgres");
    expect(dev).toMatch(/^\s+\+.*clusters\/dev\/values\/postgres\.yaml/m);
    expect(section(r.stdout, "prod")).toBe("");
  });

  it("a deleted cluster and a deleted app show as removed", async () => {
    const root = await repo();
    rmSync(join(root, "clusters/prod"), { recursive: true });
    rmSync(join(root, "secrets/prod"), { recursive: true });
    rmSync(join(root, "apps/kustom"), { recursive: true });
    replaceIn(root, "clusters/dev/cluster.yaml", "  - kustom\n", "");
    const r = await text(root);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^prod \(removed\)/m);
    expect(r.stdout).toContain("== cluster prod: cluster removed ==");
    expect(section(r.stdout, "dev")).toContain("dev · removed Application kustom");
  });

  it("reports a stale generated file in the working tree, with generate's output cache and without one", async () => {
    const root = await repo();
    const env = cacheEnv();
    // A run of generate records every cluster in this user's cache, as after a normal workflow.
    expect((await berthWithEnv(root, env, "generate")).code).toBe(0);
    const file = generatedFile(root, "prod");
    edit(root, { [file]: `${read(root, file)}# hand edit\n` });
    for (const e of [env, { PATH: process.env.PATH }]) {
      const r = await berthWithEnv(root, e, "preview", "--base", "main", "--format", "text");
      expect(r.stdout).toContain("The head's committed clusters/prod/argocd/ is stale (1 files)");
    }
  });

  it("reports a stale generated file a pull request commits, although the user's cache has the cluster's inputs recorded", async () => {
    const root = await repo();
    const env = cacheEnv();
    expect((await berthWithEnv(root, env, "generate")).code).toBe(0);
    const file = generatedFile(root, "dev");
    edit(root, { [file]: `${read(root, file)}# sneaked in\n` });
    git(root, "commit", "-q", "-am", "stale generated file");
    const committed = await berthWithEnv(root, env, "preview", "--base", "main~1", "--head", "main", "--format", "text");
    expect(committed.stdout).toContain("The head's committed clusters/dev/argocd/ is stale (1 files)");
    // The working tree holds the same commit: a second look (its files now newer than the record) sees it too.
    const working = await berthWithEnv(root, env, "preview", "--base", "main~1", "--format", "text");
    expect(working.stdout).toContain("The head's committed clusters/dev/argocd/ is stale (1 files)");
  });

  it("reports an extra generated file in the working tree that git does not track, even one .gitignore hides", async () => {
    const root = await repo();
    const file = generatedFile(root, "prod");
    const extra = file.replace(/[^/]+$/, "extra.yaml");
    edit(root, { [extra]: read(root, file), ".gitignore": `${extra}\n` });
    const r = await berthWithEnv(root, { PATH: process.env.PATH }, "preview", "--base", "main", "--format", "text");
    expect(r.stdout).toContain("The head's committed clusters/prod/argocd/ is stale (1 files)");
  });

  it("reports a generated file a pull request commits that berth no longer generates, or deletes one it does (compared in memory)", async () => {
    const root = await repo();
    const file = generatedFile(root, "prod");
    edit(root, { [file.replace(/[^/]+$/, "extra.yaml")]: read(root, file) });
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "extra generated file");
    const extra = await berthIn(root, "preview", "--base", "main~1", "--head", "main", "--format", "text");
    expect(extra.stdout).toContain("The head's committed clusters/prod/argocd/ is stale (1 files)");
    git(root, "rm", "-q", generatedFile(root, "dev"));
    git(root, "commit", "-q", "-m", "and a missing one");
    const both = await berthIn(root, "preview", "--base", "main~2", "--head", "main", "--format", "text");
    expect(both.stdout).toContain("The head's committed clusters/dev/argocd/, clusters/prod/argocd/ are stale (2 files)");
  });

  it("reports a stale generated file when the fleet is a subfolder of the repository", async () => {
    const root = await repo();
    edit(root, { "fleet/.keep": "" });
    for (const d of ["clusters", "apps", "secrets"]) git(root, "mv", d, `fleet/${d}`);
    git(root, "commit", "-q", "-m", "move into fleet/");
    const fleet = join(root, "fleet");
    const file = generatedFile(fleet, "prod");
    edit(fleet, { [file]: `${read(fleet, file)}# hand edit\n` });
    const r = await berthWithEnv(root, { PATH: process.env.PATH }, "-C", "fleet", "preview", "--base", "main", "--format", "text");
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("The head's committed clusters/prod/argocd/ is stale (1 files)");
  });

  it("a staleness the base already had is the base's; once the change touches that folder, it is reported", async () => {
    const root = await repo();
    const file = generatedFile(root, "prod");
    edit(root, { [file]: `${read(root, file)}# stale on main\n` });
    git(root, "commit", "-q", "-am", "main goes stale");
    // An unrelated change on dev: prod's inputs and generated files are the base's, so prod is not looked at.
    replaceIn(root, "clusters/dev/cluster.yaml", "values: { replicas: 1 }", "values: { replicas: 2 }");
    await commitAll(root, "dev change");
    for (const env of [{ PATH: process.env.PATH }, cacheEnv()]) {
      const untouched = await berthWithEnv(root, env, "preview", "--base", "main~1", "--head", "main", "--format", "text");
      expect(untouched.code).toBe(1);
      expect(untouched.stdout).not.toContain("stale");
    }
    // The change now edits prod's generated folder too (still stale): reported, from a commit and from the working tree.
    edit(root, { [file]: `${read(root, file)}# and more\n` });
    const working = await berthWithEnv(root, { PATH: process.env.PATH }, "preview", "--base", "main~1", "--format", "text");
    expect(working.stdout).toContain("The head's committed clusters/prod/argocd/ is stale (1 files)");
    git(root, "commit", "-q", "-am", "touch prod's generated file");
    const committed = await berthWithEnv(root, { PATH: process.env.PATH }, "preview", "--base", "main~2", "--head", "main", "--format", "text");
    expect(committed.stdout).toContain("The head's committed clusters/prod/argocd/ is stale (1 files)");
  });

  it("a fresh generated tree is not reported stale, whether the cache answers or planning does", async () => {
    const root = await repo();
    const env = cacheEnv();
    replaceIn(root, "apps/shop/values.yaml", "log: info", "log: warn");
    for (const e of [env, env, { PATH: process.env.PATH }]) {
      const r = await berthWithEnv(root, e, "preview", "--base", "main", "--format", "text");
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("Inputs changed: apps/shop/values.yaml (modified)");
      expect(r.stdout).not.toContain("stale");
    }
  });

  it("files outside the fleet folders are not compared, yet a chart linked from outside them still is", async () => {
    const root = await repo();
    // The shop chart moves to lib/ (outside apps/, clusters/, secrets/) and is linked back.
    edit(root, { "lib/shop-chart/Chart.yaml": read(root, "apps/shop/chart/Chart.yaml"), "lib/shop-chart/templates/cm.yaml": read(root, "apps/shop/chart/templates/cm.yaml"), "README.md": "fleet\n" });
    rmSync(join(root, "apps/shop/chart"), { recursive: true });
    symlinkSync("../../lib/shop-chart", join(root, "apps/shop/chart"));
    await commitAll(root, "chart from lib/");
    edit(root, { "README.md": "fleet, edited\n" });
    const same = await text(root);
    expect(same.stdout).toContain("No changes");
    expect(same.code).toBe(0);
    replaceIn(root, "lib/shop-chart/templates/cm.yaml", "data: { env:", "data: { log: x, env:");
    const changed = await text(root);
    expect(changed.code).toBe(1);
    expect(section(changed.stdout, "prod")).toContain("Inputs changed: apps/shop/chart/templates/cm.yaml (modified)");
  });
});
