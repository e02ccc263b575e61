import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyChanges } from "../../generator/write/changes.js";
import { makeRepo, readTree, removeRepo } from "../helpers/repo.js";

const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));
function repo(tree: Record<string, string>): string {
  const r = makeRepo(tree);
  repos.push(r);
  return r;
}

describe("applyChanges: the writer of init, new and import", () => {
  it("writes every file and removes what it is asked to, pruning folders left empty", () => {
    const root = repo({ "old/a/x.yaml": "x\n", "keep.yaml": "k\n" });
    applyChanges(root, { writes: [{ path: "apps/a/app.yaml", content: "a\n" }, { path: "apps/a/chart/run.sh", content: "#!/bin/sh\n", mode: 0o755 }], removals: ["old/a/x.yaml"] });
    expect(readTree(root)).toEqual({ "apps/a/app.yaml": "a\n", "apps/a/chart/run.sh": "#!/bin/sh\n", "keep.yaml": "k\n" });
    expect(existsSync(join(root, "old"))).toBe(false);
  });

  it("writes nothing when one file cannot be written (no partial import)", () => {
    // `blocked` is a file, so nothing can be written below it.
    const root = repo({ blocked: "file\n", "old.yaml": "o\n" });
    const before = readTree(root);
    expect(() => applyChanges(root, { writes: [{ path: "apps/a/app.yaml", content: "a\n" }, { path: "blocked/b.yaml", content: "b\n" }], removals: ["old.yaml"] })).toThrow();
    expect(readTree(root)).toEqual(before);
  });

  it("refuses paths outside the repository and paths through a symbolic link", () => {
    const root = repo({ "a.yaml": "a\n" });
    const outside = repo({});
    mkdirSync(join(root, "apps"));
    symlinkSync(outside, join(root, "apps/linked"));
    for (const path of ["../escape.yaml", "/etc/x", "apps/linked/app.yaml", "a//b"]) {
      expect(() => applyChanges(root, { writes: [{ path, content: "x\n" }], removals: [] }), path).toThrow(/refusing to write/);
    }
    expect(readTree(outside)).toEqual({});
  });
});
