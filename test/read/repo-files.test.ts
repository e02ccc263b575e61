import { describe, expect, it } from "vitest";
import { listRepoFiles, listRepoFilesOnce } from "../../generator/read/repo-files.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

/** Issue 24: validate lists the repository once for all its scans; each scan sees what its own walk saw. */
describe("listRepoFilesOnce", () => {
  it("answers every folder question as listRepoFiles does", () => {
    const root = makeRepo({ "apps/a/values.yaml": "", "apps/a/node_modules/x.yaml": "", "apps-old/b.yaml": "", "clusters/c/cluster.yaml": "", "secrets/c/ns/s.yaml": "", "docs/key.pem": "", "dist/y.yaml": "" });
    try {
      const list = listRepoFilesOnce(root);
      for (const dirs of [undefined, ["apps"], ["apps", "clusters"], ["apps", "clusters", "secrets"], ["missing"]]) {
        expect(list(dirs)).toEqual(listRepoFiles(root, dirs));
      }
      expect(list(["apps"])).toEqual(["apps/a/values.yaml"]);
    } finally {
      removeRepo(root);
    }
  });
});
