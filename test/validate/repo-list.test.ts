import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listRepoFiles } from "../../generator/read/repo-files.js";
import { readInputTree } from "../../generator/read/input-tree.js";
import { repoListerFromTree } from "../../generator/validate/repo-list.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

/** Issue 24: validate lists the repository from the loader's walk of the input folders and a walk of the rest; the list is listRepoFiles's. */
describe("repoListerFromTree", () => {
  it("answers every folder question as listRepoFiles does: skipped folders at any depth, links not followed, files at the top", () => {
    const root = makeRepo({
      "apps/a/values.yaml": "",
      "apps/a/node_modules/x.yaml": "",
      "apps/a/chart/dist/y.yaml": "",
      "apps/a-b/values.yaml": "",
      "apps-old/b.yaml": "",
      "clusters/c/cluster.yaml": "",
      "clusters/c/argocd/root.yaml": "",
      "secrets/c/ns/s.yaml": "",
      "docs/key.pem": "",
      "docs/.git/config": "",
      "dist/y.yaml": "",
      "node_modules/z.yaml": "",
      "README.md": "",
    });
    try {
      symlinkSync(join(root, "docs"), join(root, "apps", "a", "linked"));
      symlinkSync(join(root, "docs/key.pem"), join(root, "apps", "a", "values-link.yaml"));
      symlinkSync(join(root, "docs"), join(root, "docs-link"));
      mkdirSync(join(root, "apps", "empty"));
      const list = repoListerFromTree(root, readInputTree(root));
      for (const dirs of [undefined, [""], ["apps"], ["apps", "clusters"], ["apps", "clusters", "secrets"], ["docs"], ["missing"]]) {
        expect(list(dirs)).toEqual(listRepoFiles(root, dirs));
      }
      expect(list(["apps"])).toEqual(["apps/a-b/values.yaml", "apps/a/values.yaml"]);
    } finally {
      removeRepo(root);
    }
  });

  it("lists the same when an input folder is missing or is a file", () => {
    const root = makeRepo({ "apps": "not a folder", "clusters/c/cluster.yaml": "", "other/x.yaml": "" });
    try {
      expect(repoListerFromTree(root, readInputTree(root))()).toEqual(listRepoFiles(root));
    } finally {
      removeRepo(root);
    }
  });
});
