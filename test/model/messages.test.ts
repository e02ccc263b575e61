import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PATTERN_WORDS } from "../../generator/model/schema-check.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";

function patterns(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(patterns);
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([k, v]) => (k === "pattern" && typeof v === "string" ? [v] : patterns(v)));
}

describe("schema messages are plain sentences", () => {
  it("every pattern of the schemas is explained in words", () => {
    for (const kind of ["app", "cluster"]) {
      const schema = JSON.parse(readFileSync(new URL(`../../generator/schemas/${kind}.schema.json`, import.meta.url), "utf8"));
      for (const p of patterns(schema)) expect(PATTERN_WORDS[p], `${kind}: ${p}`).toBeDefined();
    }
  });

  it("a pattern error says what is expected, not the regular expression", async () => {
    const tree = fixtureFleet();
    tree["apps/metrics/app.yaml"] = tree["apps/metrics/app.yaml"]!.replace("namespace: monitoring", "namespace: Monitoring_NS");
    const root = makeRepo(tree);
    try {
      const run = await berth(root, "validate");
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`namespace is "Monitoring_NS", which is not valid: use lowercase letters, digits and '-'`);
      expect(run.stderr).not.toContain("must match pattern");
    } finally {
      removeRepo(root);
    }
  });

  it("a bad source.type names the field, the valid types and the nearest one", async () => {
    const tree = fixtureFleet();
    tree["apps/metrics/app.yaml"] = tree["apps/metrics/app.yaml"]!.replace("type: manifests", "type: manifest");
    const root = makeRepo(tree);
    try {
      const run = await berth(root, "validate");
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/apps\/metrics\/app\.yaml:3:17: source\.type is "manifest"; source\.type must be one of helm, chart, kustomize, manifests\n {2}fix: write `type: manifests`/);
      expect(run.stderr).not.toContain("oneOf");
    } finally {
      removeRepo(root);
    }
  });
});
