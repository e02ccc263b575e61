import { describe, expect, it } from "vitest";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { planCluster } from "../../generator/plan/plan-cluster.js";
import { exampleFleetRoot } from "../helpers/example-fleet.js";

/**
 * Issue 24: `generate` plans a cluster without keeping each file's objects and their YAML beside
 * its content (a third of a 10,000-app cluster's plan), and writes exactly the same files.
 */
describe("planCluster without documents", () => {
  it("gives the same paths and contents, and holds no objects", () => {
    const fleet = loadCheckedFleet(exampleFleetRoot());
    for (const cluster of fleet.clusters) {
      const full = planCluster(fleet, cluster);
      const lean = planCluster(fleet, cluster, { documents: false });
      expect(full.files.every((f) => (f.documents?.length ?? 0) > 0)).toBe(true);
      expect(lean.files.map((f) => [f.path, f.content])).toEqual(full.files.map((f) => [f.path, f.content]));
      expect(lean.files.some((f) => f.documents !== undefined)).toBe(false);
    }
  });
});
