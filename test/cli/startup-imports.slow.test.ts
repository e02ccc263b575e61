import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { git } from "../helpers/example-fleet.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

const BIN = fileURLToPath(new URL("../../bin/berth.js", import.meta.url));
const RECORD = fileURLToPath(new URL("../helpers/record-imports.mjs", import.meta.url));

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeRepo));

/** Runs the compiled CLI in `root`; returns its result and every module it loaded. */
function run(root: string, ...args: string[]): { status: number | null; stdout: string; modules: string[] } {
  return runWithCache(undefined, root, ...args);
}

/** {@link run} with the user caches in `cache` (a folder of its own for each run when undefined). */
function runWithCache(userCache: string | undefined, root: string, ...args: string[]): { status: number | null; stdout: string; modules: string[] } {
  const out = mkdtempSync(join(tmpdir(), "berth-imports-"));
  dirs.push(out);
  const file = join(out, "modules.txt");
  const cache = userCache ?? join(out, "cache");
  const r = spawnSync(process.execPath, ["--import", RECORD, BIN, ...args], { cwd: root, encoding: "utf8", env: { PATH: process.env.PATH, HOME: out, XDG_CACHE_HOME: cache, BERTH_TEST_IMPORTS_FILE: file } });
  return { status: r.status, stdout: r.stdout, modules: readFileSync(file, "utf8").split("\n").filter(Boolean) };
}

/** Packages (and parts of packages) that commands load only when they need them. */
const HEAVY = {
  "the X.509 library (keys and certificates)": /node_modules\/@peculiar\//,
  "the zip reader (first extraction of helm and kubectl)": /node_modules\/adm-zip\//,
  "ajv's schema compiler (validators are generated ahead of time)": /node_modules\/ajv\/dist\/(core|compile)\//,
  "the GitHub client": /node_modules\/@octokit\//,
  "the Kubernetes object models (validate)": /node_modules\/(@kubernetes-models|kubernetes-models)\//,
};

function heavyIn(modules: readonly string[]): string[] {
  return Object.entries(HEAVY)
    .filter(([, pattern]) => modules.some((m) => pattern.test(m)))
    .map(([what]) => what);
}

function fleetRepo(): string {
  const root = makeRepo(fixtureFleet());
  dirs.push(root);
  return root;
}

describe("starting berth loads only what the command needs", () => {
  it("berth --version loads no YAML parser and no validators", () => {
    const r = run(fleetRepo(), "--version");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(r.modules.filter((m) => /node_modules\/(yaml|ajv)\//.test(m))).toEqual([]);
  });

  it("berth generate and generate --check load none of the heavy parts, and still work", () => {
    const root = fleetRepo();
    const generated = run(root, "generate");
    expect(generated.status).toBe(0);
    expect(heavyIn(generated.modules)).toEqual([]);
    const checked = run(root, "generate", "--check");
    expect(checked.status).toBe(0);
    expect(checked.stdout).toMatch(/^generated output is up to date \(\d+ files, 2 clusters\)\n$/);
    expect(heavyIn(checked.modules)).toEqual([]);
  });

  it("berth generate loads no YAML parser when the parse cache knows every input", () => {
    const root = fleetRepo();
    // The first run parses (and loads the parser); the second, its generated folders deleted,
    // finds every input in the parse cache. (One run more: a run within two seconds of a build
    // knows the code by another digest, which keeps a cache of its own.)
    const cache = mkdtempSync(join(tmpdir(), "berth-imports-cache-"));
    dirs.push(cache);
    for (let i = 0; i < 2; i++) expect(runWithCache(cache, root, "generate").status).toBe(0);
    rmSync(join(root, "clusters/prod/argocd"), { recursive: true });
    const r = runWithCache(cache, root, "generate");
    expect(r.status).toBe(0);
    expect(r.modules.filter((m) => /node_modules\/yaml\//.test(m))).toEqual([]);
    expect(existsSync(join(root, "clusters/prod/argocd"))).toBe(true);
  });

  it("berth preview without --render loads none of the heavy parts, and still reports the change", () => {
    const root = fleetRepo();
    expect(run(root, "generate").status).toBe(0);
    git(root, "init", "-q", "-b", "main");
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "fleet");
    writeFileSync(join(root, "clusters/prod/values/shop.yaml"), "replicas: 4\n");
    const r = run(root, "preview", "--base", "HEAD", "--format", "text");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("prod");
    expect(heavyIn(r.modules)).toEqual([]);
  });

  it("the recorder sees a heavy part when a command does load it (berth validate checks objects against the Kubernetes models)", () => {
    const root = fleetRepo();
    expect(run(root, "generate").status).toBe(0);
    const r = run(root, "validate");
    expect(heavyIn(r.modules)).toContain("the Kubernetes object models (validate)");
  });
});
