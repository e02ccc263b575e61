import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mountTree, type TreeFile } from "../../generator/read/tree-fs.js";
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
});
