import { describe, expect, it } from "vitest";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { clusterFiles, planCluster } from "../../generator/plan/plan-cluster.js";
import { exampleFleetRoot } from "../helpers/example-fleet.js";

/**
 * Issue 24: `generate` plans a cluster without keeping each file's objects and their YAML beside
 * its content (a third of a 10,000-app cluster's plan), and writes exactly the same files.
 */
describe("clusterFiles (planned as bytes, without documents)", () => {
  it("gives planCluster's paths and contents, encoded, and holds no objects", () => {
    const fleet = loadCheckedFleet(exampleFleetRoot());
    for (const cluster of fleet.clusters) {
      const full = planCluster(fleet, cluster);
      const lean = [...clusterFiles(fleet, cluster)].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      expect(full.files.every((f) => (f.documents?.length ?? 0) > 0)).toBe(true);
      expect(lean.map((f) => [f.path, Buffer.from(f.content).toString("utf8")])).toEqual(full.files.map((f) => [f.path, f.content]));
      expect(lean.every((f) => f.content instanceof Uint8Array && Object.keys(f).sort().join() === "content,path")).toBe(true);
    }
  });

  it("encodes a file whose inputs hold characters beyond Latin-1 as UTF-8", () => {
    const fleet = loadCheckedFleet(exampleFleetRoot());
    const cluster = fleet.clusters[0]!;
    const named = { ...cluster, spec: { ...cluster.spec, repo: { ...cluster.spec.repo, revision: "ünïcødé-☃-𝄞" } } };
    const full = planCluster(fleet, named);
    expect(full.files.some((f) => f.content.includes("ünïcødé-☃-𝄞"))).toBe(true);
    const lean = new Map([...clusterFiles(fleet, named)].map((f) => [f.path, f.content]));
    for (const f of full.files) expect(Buffer.compare(lean.get(f.path)!, Buffer.from(f.content, "utf8"))).toBe(0);
  });
});

describe("planCluster without each object's YAML made up front (validate)", () => {
  it("gives the same files, objects and, when asked for, the same YAML", () => {
    const fleet = loadCheckedFleet(exampleFleetRoot());
    for (const cluster of fleet.clusters) {
      const full = planCluster(fleet, cluster);
      const objects = planCluster(fleet, cluster, { documentYaml: false });
      expect(objects.files.map((f) => [f.path, f.content])).toEqual(full.files.map((f) => [f.path, f.content]));
      expect(objects.files.map((f) => f.documents!.map((d) => d.object))).toEqual(full.files.map((f) => f.documents!.map((d) => d.object)));
      expect(objects.files.map((f) => f.documents!.map((d) => d.yaml))).toEqual(full.files.map((f) => f.documents!.map((d) => d.yaml)));
    }
  });
});
