import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, readTree, removeRepo } from "../helpers/repo.js";
import { berthIn, commitAll, git } from "../preview/helpers.js";

/**
 * Inputs from a pull request may be symlinks to host files, to .git/config, or to /dev/zero. berth
 * must refuse them, positioned, before reading them or handing them to helm/kustomize (issue 11,
 * item 3), and refuse input files beyond its size limit (item 10).
 */
const repos: string[] = [];
const outside = mkdtempSync(join(tmpdir(), "berth-outside-"));
afterAll(() => {
  repos.forEach(removeRepo);
  rmSync(outside, { recursive: true, force: true });
});
writeFileSync(join(outside, "secret.yaml"), "stolen: host-file-content\n");
mkdirSync(join(outside, "manifests"));
writeFileSync(join(outside, "manifests/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: stolen }\ndata: { x: host-file-content }\n");

type Arrange = (root: string) => void;
const link = (target: string, at: string): Arrange => (root) => {
  rmSync(join(root, at), { recursive: true, force: true });
  mkdirSync(join(root, at, ".."), { recursive: true });
  symlinkSync(target, join(root, at));
};

const cases: Array<[string, Arrange, string]> = [
  ["a chart file linked to /etc/passwd", link("/etc/passwd", "apps/shop/chart/files/passwd"), "apps/shop/chart/files/passwd:1:1: is a symlink that points outside the repository"],
  ["a values file linked outside", link(join(outside, "secret.yaml"), "apps/shop/values.yaml"), "apps/shop/values.yaml:1:1: is a symlink that points outside the repository"],
  ["a cluster values file linked outside", link(join(outside, "secret.yaml"), "clusters/dev/values/shop.yaml"), "clusters/dev/values/shop.yaml:1:1: is a symlink that points outside the repository"],
  ["a manifests folder linked outside", link(join(outside, "manifests"), "apps/metrics/manifests"), "apps/metrics/manifests:1:1: is a symlink that points outside the repository"],
  ["a kustomize overlay linked outside", link(outside, "apps/kustom/overlays/kind"), "apps/kustom/overlays/kind:1:1: is a symlink that points outside the repository"],
  ["a manifest linked to the repository's .git/config", (root) => {
    mkdirSync(join(root, ".git"), { recursive: true });
    writeFileSync(join(root, ".git/config"), "[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n");
    link("../../../.git/config", "apps/metrics/manifests/config.yaml")(root);
  }, "apps/metrics/manifests/config.yaml:1:1: is a symlink that points into the repository's .git folder"],
  ["a values file linked to /dev/zero", link("/dev/zero", "apps/shop/values-staging.yaml"), "apps/shop/values-staging.yaml:1:1: is a symlink that points outside the repository"],
  ["a named pipe as a values file (reading it would block)", (root) => {
    rmSync(join(root, "apps/shop/values-staging.yaml"));
    execFileSync("mkfifo", [join(root, "apps/shop/values-staging.yaml")]);
  }, "apps/shop/values-staging.yaml:1:1: is not a regular file"],
  ["a file in a chart's dist/ folder larger than the input limit", (root) => {
    mkdirSync(join(root, "apps/shop/chart/templates/dist"), { recursive: true });
    writeFileSync(join(root, "apps/shop/chart/templates/dist/big.yaml"), "");
    truncateSync(join(root, "apps/shop/chart/templates/dist/big.yaml"), 9 * 1024 * 1024);
  }, "apps/shop/chart/templates/dist/big.yaml:1:1: is 9 MiB, larger than the limit of 8 MiB"],
];

describe("hostile files in the repository", () => {
  it.each(cases)("%s is refused with its position, nothing written", async (_name, arrange, expected) => {
    const root = makeRepo(fixtureFleet());
    repos.push(root);
    arrange(root);
    for (const command of [["generate"], ["render", "--cluster", "dev"]]) {
      const before = readTree(root, "clusters");
      const run = await berth(root, ...command);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toContain(expected);
      expect(run.stderr).toContain("fix: inputs must be regular files inside the repository");
      expect(run.stdout + run.stderr).not.toContain("host-file-content");
      expect(run.stdout + run.stderr).not.toContain("root:x:0:0");
      expect(readTree(root, "clusters")).toEqual(before);
    }
  });

  it("preview --render never publishes a linked host file", async () => {
    const root = makeRepo(fixtureFleet());
    repos.push(root);
    git(root, "init", "-q", "-b", "main");
    await commitAll(root, "base");
    link("/etc/passwd", "apps/shop/chart/files/passwd")(root);
    writeFileSync(join(root, "apps/shop/chart/templates/leak.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: leak }\ndata: { p: {{ .Files.Get \"files/passwd\" | quote }} }\n");
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "head");
    const run = await berthIn(root, "preview", "--base", "HEAD~1", "--head", "HEAD", "--render", "--cluster", "dev", "--format", "text");
    expect(run.stdout + run.stderr).not.toContain("root:x:0:0");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("apps/shop/chart/files/passwd:1:1: is a symlink that points outside the repository");
  }, 60_000);
});
