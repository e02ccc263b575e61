import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readInputTree } from "../../generator/read/input-tree.js";
import { renderInputs } from "../../generator/read/render-inputs.js";
import type { RenderSource } from "../../generator/plan/render-request.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

/** Issue 24: validate answers the render inputs of values files from its walk of the input folders; the findings are those of the disk. */
describe("renderInputs with the run's walk", () => {
  const remote = (valueFiles: string[]): RenderSource => ({ type: "helm-remote", repo: "https://charts.example.com", chart: "a", version: "1.0.0", releaseName: "a", valueFiles, values: {} });
  const files = ["apps/a/values.yaml", "apps/a/missing.yaml", "../outside.yaml", "apps/a/../b/values.yaml", "apps/a", "apps/.git/config", "clusters/c/values/a.yaml", "docs/values.yaml"];

  it("finds what the disk finds, without links", () => {
    const root = makeRepo({ "apps/a/values.yaml": "a: 1\n", "apps/b/values.yaml": "", "clusters/c/cluster.yaml": "", "clusters/c/values/a.yaml": "", "docs/values.yaml": "" });
    try {
      const disk = renderInputs(root, remote(files));
      expect(disk.problems.length).toBeGreaterThan(0);
      expect(renderInputs(root, remote(files), readInputTree(root))).toEqual(disk);
    } finally {
      removeRepo(root);
    }
  });

  it("and with links (a link out of the repository, a linked folder)", () => {
    const root = makeRepo({ "apps/a/values.yaml": "a: 1\n", "apps/b/values.yaml": "", "clusters/c/cluster.yaml": "", "docs/values.yaml": "" });
    const outside = makeRepo({ "secret.yaml": "x: 1\n" });
    try {
      symlinkSync(join(outside, "secret.yaml"), join(root, "apps/a/values-out.yaml"));
      symlinkSync(join(root, "docs"), join(root, "clusters/c/values"));
      const more = [...files, "apps/a/values-out.yaml"];
      const disk = renderInputs(root, remote(more));
      expect(disk.problems.some((d) => d.message.includes("symlink"))).toBe(true);
      expect(renderInputs(root, remote(more), readInputTree(root))).toEqual(disk);
    } finally {
      removeRepo(root);
      removeRepo(outside);
    }
  });
});
