import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkInputTree, MAX_INPUT_FILE_BYTES, readInputText } from "../../generator/read/input-files.js";
import { readInputTree } from "../../generator/read/input-tree.js";
import { inputSignatures } from "../../generator/read/input-signatures.js";
import { subdirs } from "../../generator/read/load-fleet.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

/**
 * Issue 24: a run walks the input folders once (read/input-tree.ts) and every reader asks that
 * walk instead of the disk. Each answer must be the disk's, links, missing folders and odd paths
 * included.
 */
const roots: string[] = [];
afterAll(() => roots.forEach(removeRepo));

function repo(): string {
  const root = makeRepo({
    "apps/a/app.yaml": "layer: apps\n",
    "apps/a/values.yaml": "x: 1\n",
    "apps/a/values-prod.yaml": "x: 2\n",
    "apps/a/chart/Chart.yaml": "name: a\n",
    "apps/.hidden/app.yaml": "x\n",
    "apps/shared/values.yaml": "y: 1\n",
    "clusters/c/cluster.yaml": "apps: [a]\n",
    "clusters/c/values/a.yaml": "z: 1\n",
    "clusters/c/argocd/root.yaml": "# generated\n",
    "outside/chart/Chart.yaml": "name: o\n",
  });
  roots.push(root);
  symlinkSync(join(root, "outside/chart"), join(root, "apps/a/linked-chart"));
  symlinkSync(join(root, "apps/shared/values.yaml"), join(root, "apps/a/values-link.yaml"));
  return root;
}

/** A value, or the error code it throws. */
function outcome<T>(f: () => T): T | string {
  try {
    return f();
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? String(e);
  }
}

const PATHS = [
  "apps",
  "apps/a",
  "apps/a/app.yaml",
  "apps/a/none.yaml",
  "apps/a/chart",
  "apps/a/chart/Chart.yaml",
  "apps/a/linked-chart",
  "apps/a/linked-chart/Chart.yaml",
  "apps/a/values-link.yaml",
  "apps/a/../shared/values.yaml",
  "apps/a/./values.yaml",
  "apps/nope/app.yaml",
  "apps/nope/deeper/x.yaml",
  "clusters/c/values",
  "clusters/c/values/a.yaml",
  "clusters/c/nothing",
  "secrets",
  "secrets/c",
];

describe("the input tree answers as the disk does", () => {
  it("exists, isFolder, names and folders, through links and for paths that are not there", () => {
    const root = repo();
    const tree = readInputTree(root);
    expect(tree.hasLinks).toBe(true);
    expect(tree.missing).toEqual(["secrets"]);
    for (const rel of PATHS) {
      const abs = join(root, rel);
      expect(tree.exists(rel), rel).toBe(existsSync(abs));
      expect(tree.isFolder(rel), rel).toBe(existsSync(abs) && statSync(abs).isDirectory());
      expect(outcome(() => tree.names(rel)), rel).toEqual(outcome(() => readdirSync(abs).sort()));
      expect(outcome(() => tree.folders(rel)), rel).toEqual(outcome(() => subdirs(root, rel)));
    }
  });

  it("reads and refuses input files as the careful reader does", () => {
    const root = repo();
    writeFileSync(join(root, "apps/a/huge.yaml"), Buffer.alloc(MAX_INPUT_FILE_BYTES + 1, 0x61));
    execFileSync("mkfifo", [join(root, "apps/a/values-pipe.yaml")]);
    symlinkSync("/etc/passwd", join(root, "apps/a/values-passwd.yaml"));
    const tree = readInputTree(root);
    for (const rel of [...PATHS, "apps/a/huge.yaml", "apps/a/values-pipe.yaml", "apps/a/values-passwd.yaml"]) {
      expect(readInputText(root, rel, tree), rel).toEqual(readInputText(root, rel));
    }
    for (const dir of ["apps", "clusters", "secrets"]) expect(checkInputTree(root, dir, tree)).toEqual(checkInputTree(root, dir));
  });

  it("checks a tree without links from the walk alone, as the walk that follows links does", () => {
    const root = makeRepo({ "apps/a/app.yaml": "x\n", "apps/b/values.yaml": "y\n" });
    roots.push(root);
    writeFileSync(join(root, "apps/b/huge.yaml"), Buffer.alloc(MAX_INPUT_FILE_BYTES + 1, 0x61));
    execFileSync("mkfifo", [join(root, "apps/a/pipe")]);
    const tree = readInputTree(root);
    expect(tree.hasLinks).toBe(false);
    expect(checkInputTree(root, "apps", tree)).toEqual(checkInputTree(root, "apps"));
    expect(checkInputTree(root, "apps", tree).map((d) => d.file)).toEqual(["apps/a/pipe", "apps/b/huge.yaml"]);
  });

  it("signatures: none with a link; the generated folders and swap folders do not count; any input change does", () => {
    expect(inputSignatures(readInputTree(repo(), { signatures: true }))).toBeUndefined();
    const root = makeRepo({ "apps/a/app.yaml": "x\n", "clusters/c/cluster.yaml": "apps: [a]\n", "clusters/c/argocd/root.yaml": "r\n" });
    roots.push(root);
    const sig = () => inputSignatures(readInputTree(root, { signatures: true }))!;
    const before = sig();
    expect(before.count).toBe(7); // apps, apps/a, app.yaml, clusters, clusters/c, cluster.yaml, and secrets: absent
    writeFileSync(join(root, "clusters/c/argocd/root.yaml"), "changed\n");
    mkdirSync(join(root, "clusters/c/.argocd.next"));
    writeFileSync(join(root, "clusters/c/.argocd.next/root.yaml"), "next\n");
    expect(sig()).toEqual(before);
    writeFileSync(join(root, "apps/a/app.yaml"), "y\n");
    expect(sig().digest).not.toBe(before.digest);
  });
});
