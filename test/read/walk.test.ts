import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listTree, walkTree } from "../../generator/read/walk.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

/** The one tree walker (issue 19, item 1): its policies are parameters, and each does what it says. */
const roots: string[] = [];
afterAll(() => roots.forEach(removeRepo));

function tree(): string {
  const root = makeRepo({ "a/x.yaml": "x", "a/b/y.yaml": "y", "a/node_modules/z.yaml": "z", "c/w.yaml": "w" });
  roots.push(root);
  symlinkSync(join(root, "c"), join(root, "a/link-to-c"));
  symlinkSync(join(root, "a"), join(root, "a/b/cycle"));
  symlinkSync(join(root, "c/w.yaml"), join(root, "a/file-link.yaml"));
  return root;
}

describe("walkTree", () => {
  it("follows links through folders once per real path, so a cycle ends", () => {
    const files = listTree(tree(), ["a"], { links: "follow", what: "files" });
    expect(files).toEqual(["a/b/y.yaml", "a/file-link.yaml", "a/link-to-c/w.yaml", "a/node_modules/z.yaml", "a/x.yaml"]);
  });

  it("refuses links: they are entries of their own, never walked through", () => {
    const root = tree();
    expect(listTree(root, ["a"], { links: "refuse", what: "files" })).toEqual(["a/b/y.yaml", "a/node_modules/z.yaml", "a/x.yaml"]);
    expect(listTree(root, ["a"], { links: "refuse", what: "entries" })).toEqual(["a/b/cycle", "a/b/y.yaml", "a/file-link.yaml", "a/link-to-c", "a/node_modules/z.yaml", "a/x.yaml"]);
  });

  it("skips what the policy names, and does not descend where the caller says no", () => {
    const root = tree();
    expect(listTree(root, ["a"], { links: "refuse", skip: (_rel, name) => name === "node_modules", what: "files" })).toEqual(["a/b/y.yaml", "a/x.yaml"]);
    const seen = [...walkTree(root, "a", { links: "refuse", descend: (e) => e.rel !== "a/b" })].map((e) => e.rel);
    expect(seen).toEqual(["a", "a/b", "a/file-link.yaml", "a/link-to-c", "a/node_modules", "a/node_modules/z.yaml", "a/x.yaml"]);
  });

  it("reports a missing start, and lists nothing for it", () => {
    const root = tree();
    mkdirSync(join(root, "empty"));
    const missing: string[] = [];
    expect([...walkTree(root, "nope", { links: "follow", onMissing: (rel) => missing.push(rel) })]).toEqual([]);
    expect(missing).toEqual(["nope"]);
    expect(listTree(root, ["empty", "nope"], { links: "follow", what: "entries" })).toEqual([]);
  });

  it("lazyFolderStats: the same entries, folders known from their listing, their stats taken when read", () => {
    const root = tree();
    for (const links of ["follow", "refuse"] as const) {
      const eager = [...walkTree(root, "a", { links })].map((e) => [e.rel, e.folder, e.stats.isDirectory(), e.target?.isDirectory()]);
      const lazy = [...walkTree(root, "a", { links, lazyFolderStats: true })].map((e) => [e.rel, e.folder, e.stats.isDirectory(), e.target?.isDirectory()]);
      expect(lazy).toEqual(eager);
    }
    const folders = [...walkTree(root, "a", { links: "refuse", lazyFolderStats: true })].filter((e) => e.folder).map((e) => e.rel);
    expect(folders).toEqual(["a", "a/b", "a/node_modules"]);
  });
});
