import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mountedFiles, mountedFolders, mountedWalk, mountOverlay, mountTree, readdirSync, type TreeFile } from "../../generator/read/tree-fs.js";
import { listRepoFiles } from "../../generator/read/repo-files.js";
import { checkInputTree, listInputFiles, MAX_INPUT_FILE_BYTES, readInputText } from "../../generator/read/input-files.js";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { loadFleet } from "../../generator/read/load-fleet.js";
import { readInputTree } from "../../generator/read/input-tree.js";
import { instanceInputs, sealedSnapshots } from "../../generator/preview/inputs.js";
import { planSides } from "../../generator/preview/side-plans.js";
import { exampleFleetRoot } from "../helpers/example-fleet.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

/**
 * Issue 24: `berth preview` reads a revision from git objects in memory (read/tree-fs.ts) instead
 * of writing it to a temp folder. The readers must answer exactly as they do on disk.
 */
const unmounts: Array<() => void> = [];
afterEach(() => unmounts.splice(0).forEach((u) => u()));

/** The files of `root`'s fleet folders, as git would hand them over, mounted at a path that does not exist. */
function mountCopy(root: string, dirs = ["apps", "clusters", "secrets"]): string {
  const files: TreeFile[] = listRepoFiles(root, dirs).map((path) => ({ path, content: readFileSync(join(root, path)), executable: (statSync(join(root, path)).mode & 0o111) !== 0 }));
  const at = join(tmpdir(), `berth-mounted-${randomBytes(6).toString("hex")}`);
  unmounts.push(mountTree(at, files));
  return at;
}

/** A folder on disk holding `files`, removed after the test. */
function makeRepoRoot(files: Record<string, string>): string {
  const root = makeRepo(files);
  unmounts.push(() => removeRepo(root));
  return root;
}

const project = (root: string) => {
  const fleet = loadCheckedFleet(root);
  return {
    clusters: fleet.clusters.map((c) => ({ name: c.name, spec: c.spec, entries: c.entries, valueOverrides: [...c.valueOverrides] })),
    apps: [...fleet.apps.values()].map((a) => ({ name: a.name, spec: a.spec, valueVariants: [...a.valueVariants] })),
    sealedSecrets: fleet.sealedSecrets,
    existingSourcePaths: [...fleet.existingSourcePaths].sort(),
  };
};

describe("a revision mounted in memory reads as it does on disk", () => {
  it("the example fleet: the loaded fleet, every input check, each app's input digests and the SealedSecrets are the same", () => {
    const disk = exampleFleetRoot();
    const memory = mountCopy(disk);
    expect(existsSync(join(memory, "clusters"))).toBe(true);
    expect(project(memory)).toEqual(project(disk));
    for (const dir of ["apps", "clusters", "secrets"]) {
      expect(checkInputTree(memory, dir)).toEqual(checkInputTree(disk, dir));
      expect(listInputFiles(memory, dir)).toEqual(listInputFiles(disk, dir));
    }
    const plansOf = (root: string) => planSides(loadCheckedFleet(root), undefined, undefined, "code").head;
    const digests = (root: string) => [...instanceInputs(root, plansOf(root))].map(([k, v]) => [k, v.digest, v.files]);
    const onDisk = digests(disk);
    expect(onDisk.length).toBeGreaterThan(5);
    expect(digests(memory)).toEqual(onDisk);
    expect(sealedSnapshots(memory)).toEqual(sealedSnapshots(disk));
  });

  it("refuses what the disk reader refuses: an oversized file, a folder where a file is expected, a missing file", () => {
    const root = makeRepo({ "apps/a/app.yaml": "layer: apps\n", "apps/a/values.yaml": "x: 1\n", "apps/a/sub/f.yaml": "y\n" });
    try {
      mkdirSync(join(root, "apps/big"), { recursive: true });
      writeFileSync(join(root, "apps/big/huge.yaml"), Buffer.alloc(MAX_INPUT_FILE_BYTES + 1, 0x61));
      const memory = mountCopy(root);
      expect(checkInputTree(memory, "apps")).toEqual(checkInputTree(root, "apps"));
      expect(checkInputTree(memory, "apps").map((d) => d.file)).toEqual(["apps/big/huge.yaml"]);
      for (const rel of ["apps/a/sub", "apps/a/none.yaml", "apps/a/values.yaml"]) expect(readInputText(memory, rel)).toEqual(readInputText(root, rel));
      expect(loadFleet(memory)).toEqual(loadFleet(root));
    } finally {
      removeRepo(root);
    }
  });

  it("its input walk (read from the mount, not walked) is the disk's: entries in walk order, kinds, sizes, missing starts, listings", () => {
    const root = makeRepo({ "apps/b/app.yaml": "layer: apps\n", "apps/a/values.yaml": "x: 1\n", "apps/a/sub/f.yaml": "y\n", "apps/a/Z.yaml": "z\n", "apps/.hidden/x": "1\n", "clusters/c/cluster.yaml": "c: 1\n" });
    try {
      const memory = mountCopy(root);
      const shape = (r: string) => {
        const tree = readInputTree(r);
        return { entries: tree.entries.map((e) => [e.rel, e.kind, e.size]), missing: tree.missing, names: tree.names("apps/a"), folders: tree.folders("apps"), absent: tree.lookup("apps/a/none.yaml") };
      };
      expect(shape(memory).entries.length).toBeGreaterThan(8);
      expect(shape(memory)).toEqual(shape(root));
      expect(shape(memory).missing).toEqual(["secrets"]);
    } finally {
      removeRepo(root);
    }
  });

  it("is gone once unmounted, and a second mount at the same path is refused", () => {
    const at = join(tmpdir(), `berth-mounted-${randomBytes(6).toString("hex")}`);
    const unmount = mountTree(at, [{ path: "clusters/a/cluster.yaml", content: Buffer.from("x: 1\n") }]);
    expect(existsSync(join(at, "clusters/a/cluster.yaml"))).toBe(true);
    expect(() => mountTree(at, [])).toThrow(/already mounted/);
    unmount();
    expect(existsSync(join(at, "clusters/a/cluster.yaml"))).toBe(false);
  });

  it("an overlay is the base with the changes applied, as a tree mounted from the resulting files is, and leaves the base as it was", () => {
    const file = (path: string, text: string): TreeFile => ({ path, content: Buffer.from(text) });
    const base = { "apps/a/app.yaml": "a", "apps/a/values.yaml": "v", "apps/b/app.yaml": "b", "apps/b/deep/x.yaml": "x", "apps/c/app.yaml": "c", "clusters/k/cluster.yaml": "k" };
    const changes = new Map<string, TreeFile | null>([
      ["apps/a/values.yaml", file("apps/a/values.yaml", "v2")],
      ["apps/a/extra.yaml", file("apps/a/extra.yaml", "e")],
      ["apps/b/deep/x.yaml", null],
      ["apps/c/app.yaml", null],
      ["apps/d/new/app.yaml", file("apps/d/new/app.yaml", "d")],
      ["apps/missing.yaml", null],
    ]);
    const after: Record<string, string> = { ...base, "apps/a/values.yaml": "v2", "apps/a/extra.yaml": "e", "apps/d/new/app.yaml": "d" };
    delete after["apps/b/deep/x.yaml"];
    delete after["apps/c/app.yaml"];
    const mountOf = (files: Record<string, string>) => {
      const at = join(tmpdir(), `berth-mounted-${randomBytes(6).toString("hex")}`);
      unmounts.push(mountTree(at, Object.entries(files).map(([p, t]) => file(p, t))));
      return at;
    };
    const view = (root: string) => ({
      walk: mountedWalk(root, ""),
      files: mountedFiles(root, "").map((f) => [f.path, Buffer.from(f.content as Buffer).toString()]),
      apps: mountedFolders(root, "apps"),
      listings: ["", "apps", "apps/a", "apps/b", "apps/c", "apps/d"].map((d) => (existsSync(join(root, d)) ? readdirSync(join(root, d)).sort() : null)),
    });
    const baseRoot = mountOf(base);
    const before = view(baseRoot);
    const at = join(tmpdir(), `berth-overlay-${randomBytes(6).toString("hex")}`);
    const unmount = mountOverlay(at, baseRoot, changes)!;
    unmounts.push(unmount);
    expect(view(at)).toEqual(view(mountOf(after)));
    expect(existsSync(join(at, "apps/c"))).toBe(false);
    expect(existsSync(join(at, "apps/b/deep"))).toBe(false);
    expect(view(baseRoot)).toEqual(before);
    unmount();
    expect(existsSync(join(at, "apps/a/app.yaml"))).toBe(false);
  });

  it("an overlay that would put a file where a folder is, or under a file, is refused; one may replace a folder whose files all went", () => {
    const base = mountCopy(makeRepoRoot({ "apps/a/app.yaml": "a", "apps/b/app.yaml": "b" }));
    const at = () => join(tmpdir(), `berth-overlay-${randomBytes(6).toString("hex")}`);
    expect(mountOverlay(at(), base, new Map([["apps/a", { path: "apps/a", content: Buffer.from("x") }]]))).toBeUndefined();
    expect(mountOverlay(at(), base, new Map([["apps/b/app.yaml/x", { path: "apps/b/app.yaml/x", content: Buffer.from("x") }]]))).toBeUndefined();
    expect(mountOverlay(at(), join(tmpdir(), "berth-not-mounted"), new Map())).toBeUndefined();
    const root = at();
    const unmount = mountOverlay(root, base, new Map<string, TreeFile | null>([["apps/a/app.yaml", null], ["apps/a", { path: "apps/a", content: Buffer.from("x") }]]));
    expect(unmount).toBeDefined();
    unmounts.push(unmount!);
    expect(mountedFiles(root, "apps").map((f) => f.path)).toEqual(["apps/a", "apps/b/app.yaml"]);
  });
});
