import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../generator/cli.js";
import { exampleFleetRoot, freshExampleClone, git } from "../helpers/example-fleet.js";
import { berthWithEnv, readTree, removeRepo } from "../helpers/repo.js";
// @ts-expect-error -- a plain ES module script without type declarations
import { copyExampleFleet, EXAMPLE_REF_FILE } from "../../scripts/example-fleet.js";
import { layout } from "../../generator/layout.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeRepo));
const env = { PATH: process.env.PATH, HOME: process.env.HOME };
const berth = (root: string, ...args: string[]) => berthWithEnv(root, env, ...args);

function freshClone(): string {
  const root = freshExampleClone();
  dirs.push(root);
  return root;
}

describe("berth init --empty, then berth new app, then generate and validate, from a fresh clone", () => {
  const root = freshClone();
  const exampleCommit = git(root, "rev-parse", "HEAD").trim();

  it("removes the example (listing every folder) and keeps the platform apps", async () => {
    const run = await berth(root, "init", "--empty", "--repo-url", "https://github.com/acme/fleet.git", "--cluster", "dev", "--profile", "kind");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    for (const c of ["laptop", "pi", "cloud"]) expect(run.stdout).toMatch(new RegExp(`^removed clusters/${c}/ \\(\\d+ files\\)$`, "m"));
    expect(run.stdout).toMatch(/^removed apps\/coalesce-api-server\/ \(\d+ files\)$/m);
    for (const c of ["laptop", "pi", "cloud"]) expect(run.stdout).toMatch(new RegExp(`^removed secrets/${c}/ \\(\\d+ files\\)$`, "m"));
    expect(readdirSync(join(root, "clusters"))).toEqual(["dev"]);
    // The platform apps of every profile stay: traefik is k3s's way in (docs/gateway-api.md).
    expect(readdirSync(join(root, "apps")).sort()).toEqual(["argo-cd", "envoy-gateway", "envoy-gateway-class", "sealed-secrets", "traefik"]);
    expect(existsSync(join(root, "secrets"))).toBe(false);
    const cluster = readFileSync(join(root, "clusters/dev/cluster.yaml"), "utf8");
    expect(cluster).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/generator\/schemas\/cluster\.schema\.json\n/);
    expect(cluster).toContain("url: https://github.com/acme/fleet.git");
    expect(cluster).toContain("apps:\n  - argo-cd\n  - sealed-secrets\n  - envoy-gateway\n  - envoy-gateway-class\n");
    // Every removed path is one git knows: `git checkout` undoes the removal.
    const removed = git(root, "status", "--porcelain").split("\n").filter((l) => l.startsWith(" D ")).length;
    const listed = [...run.stdout.matchAll(/^removed .* \((\d+) files?\)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(removed).toBe(listed);
    expect(readFileSync(join(root, ".berth/example-fleet.ref"), "utf8")).toBe(`${exampleCommit}\n`);
    expect(EXAMPLE_REF_FILE).toBe(layout.exampleFleetRef);
  });

  it("adds an app to the new cluster; the fleet generates, validates and is up to date", async () => {
    const app = await berth(root, "new", "app", "podinfo", "--repo", "https://stefanprodan.github.io/podinfo", "--chart", "podinfo", "--version", "6.7.1", "--cluster", "dev");
    expect(app.code).toBe(0);
    expect(app.stdout).toContain("created apps/podinfo/app.yaml and apps/podinfo/values.yaml\nadded podinfo to clusters/dev/cluster.yaml\n");
    expect(app.stdout).toContain("next:\n  1. put the chart's values in apps/podinfo/values.yaml");
    expect((await berth(root, "generate")).code).toBe(0);
    const validate = await berth(root, "validate");
    expect(validate.stderr).toBe("");
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain("valid: 1 cluster, 6 apps");
    expect((await berth(root, "generate", "--check")).code).toBe(0);
  });

  it("leaves the example fleet reachable for the project's own tests: a pristine copy from the recorded commit", async () => {
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "our fleet");
    const copy = mkdtempSync(join(tmpdir(), "berth-example-copy-"));
    dirs.push(copy);
    expect(copyExampleFleet(root, copy)).toEqual({ from: `commit ${exampleCommit.slice(0, 7)}` });
    expect(readdirSync(join(copy, "clusters")).sort()).toEqual(["cloud", "laptop", "pi"]);
    expect(readTree(copy)).toEqual(readTree(exampleFleetRoot()));
    // The example-fleet checks (test/commands/example-fleet.test.ts) pass against that copy.
    const check = await berth(copy, "generate", "--check");
    expect(check.stdout).toMatch(/generated output is up to date/);
    const graph = await berth(copy, "graph", "--cluster", "pi");
    expect(graph.stdout).toContain("argo_cd[\"argo-cd<br/>wave 0 · argocd\"]");
  });

  it("run again, removes only what the example had: your clusters and apps stay", async () => {
    const run = await berth(root, "init", "--empty", "--repo-url", "https://github.com/acme/fleet.git", "--cluster", "edge", "--profile", "k3s");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/^removed /m);
    expect(run.stdout).toContain("nothing of the example fleet is left to remove");
    expect(readdirSync(join(root, "clusters")).sort()).toEqual(["dev", "edge"]);
    expect(readdirSync(join(root, "apps")).sort()).toEqual(["argo-cd", "envoy-gateway", "envoy-gateway-class", "podinfo", "sealed-secrets", "traefik"]);
    expect(readFileSync(join(root, ".berth/example-fleet.ref"), "utf8")).toBe(`${exampleCommit}\n`);
  });
});

describe("berth init refuses", () => {
  // Each case leaves the clone as it was, so they share one.
  const root = freshClone();

  it("to delete anything in a tree with uncommitted changes", async () => {
    writeFileSync(join(root, "apps/argo-cd/values.yaml"), "# edited\n", { flag: "a" });
    const before = readTree(root, "apps");
    const run = await berth(root, "init", "--empty", "--repo-url", "https://github.com/acme/fleet.git", "--cluster", "dev", "--profile", "kind");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("apps/argo-cd/values.yaml:1:1: has uncommitted changes; berth init --empty deletes files only in a clean git tree");
    expect(readTree(root, "apps")).toEqual(before);
    git(root, "checkout", "--", "apps/argo-cd/values.yaml");
  });

  it("to wait for an answer without a terminal: a missing flag is an error naming it", async () => {
    const run = await berth(root, "init", "--empty", "--repo-url", "https://github.com/acme/fleet.git", "--profile", "kind");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("berth: --cluster is required");
    expect(git(root, "status", "--porcelain")).toBe("");
  });

  it("an invalid repository URL, before touching anything", async () => {
    const run = await berth(root, "init", "--empty", "--repo-url", "github.com/acme/fleet", "--cluster", "dev", "--profile", "kind");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--repo-url "github.com/acme/fleet" is not valid');
    expect(git(root, "status", "--porcelain")).toBe("");
  });
});

describe("berth init --empty keeps what git cannot bring back", () => {
  it("leaves gitignored files in the example's folders (a *.local kubeconfig, a sealing key) and lists them", async () => {
    const root = freshClone();
    writeFileSync(join(root, ".git/info/exclude"), "*.local\nsealing.key\n");
    writeFileSync(join(root, "clusters/laptop/kubeconfig.local"), "token: not-in-git\n");
    writeFileSync(join(root, "apps/coalesce-api-server/sealing.key"), "kept key\n");
    expect(git(root, "status", "--porcelain")).toBe("");
    const run = await berth(root, "init", "--empty", "--repo-url", "https://github.com/acme/fleet.git", "--cluster", "dev", "--profile", "kind");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(readFileSync(join(root, "clusters/laptop/kubeconfig.local"), "utf8")).toBe("token: not-in-git\n");
    expect(readFileSync(join(root, "apps/coalesce-api-server/sealing.key"), "utf8")).toBe("kept key\n");
    expect(run.stdout).toContain("kept clusters/laptop/kubeconfig.local: git does not track it");
    expect(run.stdout).toContain("kept apps/coalesce-api-server/sealing.key: git does not track it");
    // The tracked files of those folders are gone, and every one git can restore.
    expect(readdirSync(join(root, "clusters/laptop"))).toEqual(["kubeconfig.local"]);
    git(root, "checkout", "HEAD", "--", ".");
    expect(existsSync(join(root, "clusters/laptop/cluster.yaml"))).toBe(true);
  });
});

describe("berth init at a terminal", () => {
  it("asks for what the flags do not say, and without --empty keeps the example but points it at your repository", async () => {
    const root = freshClone();
    const asked: string[] = [];
    const answers = ["git@github.com:acme/fleet.git"];
    let out = "";
    const code = await main(["init"], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: () => undefined },
      cwd: root,
      env,
      prompt: async (q) => {
        asked.push(q);
        return answers.shift() ?? "";
      },
    });
    expect(code).toBe(0);
    expect(asked).toEqual(["Git URL of your fleet repository (https://github.com/you/fleet.git): "]);
    for (const c of ["laptop", "pi", "cloud"]) {
      const text = readFileSync(join(root, `clusters/${c}/cluster.yaml`), "utf8");
      expect(text).toContain("  url: git@github.com:acme/fleet.git\n");
      // Only the URL changed: the rest of the hand-written file (comments, folded text) is as it was.
      expect(text.replace("git@github.com:acme/fleet.git", "https://github.com/example/berth-fleet.git")).toBe(readFileSync(join(exampleFleetRoot(), `clusters/${c}/cluster.yaml`), "utf8"));
    }
    expect(out).toContain("set repo.url in clusters/laptop/cluster.yaml");
  });
});
