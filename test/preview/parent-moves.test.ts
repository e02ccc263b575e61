import { afterEach, describe, expect, it } from "vitest";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { planFleet } from "../../generator/plan/plan-cluster.js";
import { parentMoveNotes } from "../../generator/preview/parent-moves.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { makeRepo, removeRepo, writeTree } from "../helpers/repo.js";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeRepo));

/** The plans of the fixture fleet with `extra` lines in cluster dev's cluster.yaml. */
function plansWith(extra: string) {
  const tree = fixtureFleet();
  const root = makeRepo(tree);
  roots.push(root);
  writeTree(root, { "clusters/dev/cluster.yaml": tree["clusters/dev/cluster.yaml"]!.replace("profile: kind\n", `profile: kind\n${extra}`) });
  return planFleet(loadCheckedFleet(root));
}

describe("preview: Applications that move to another parent", () => {
  it("switching a cluster to appOfApps: layered warns that Argo CD would delete and recreate them, with the safe order", () => {
    const notes = parentMoveNotes(plansWith(""), plansWith("appOfApps: layered\n"));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^⚠ \d+ Applications of cluster dev move to another parent: `[a-z-]+` \(root → root\.[a-z]+\.w\d+\.[0-9a-f]{2}\)/);
    expect(notes[0]).toContain("first merge `keepApplications: true` in clusters/dev/cluster.yaml and let Argo CD sync it");
  });

  it("is silent when the live Applications are kept, and when nothing moves", () => {
    expect(parentMoveNotes(plansWith("keepApplications: true\n"), plansWith("appOfApps: layered\nkeepApplications: true\n"))).toEqual([]);
    expect(parentMoveNotes(plansWith("appOfApps: layered\n"), plansWith("appOfApps: layered\n"))).toEqual([]);
  });

  it("keepApplications marks every child Application, never the root or the parents", () => {
    const [dev] = plansWith("appOfApps: layered\nkeepApplications: true\n").filter((p) => p.cluster.name === "dev");
    const apps = dev!.files.flatMap((f) => (f.documents ?? []).map((d) => ({ path: f.path, object: d.object }))).filter((d) => d.object.kind === "Application");
    for (const { path, object } of apps) {
      const options = object.metadata.annotations?.["argocd.argoproj.io/sync-options"];
      if (/\/(root|parents)\.yaml$/.test(path)) expect(options, object.metadata.name).toBeUndefined();
      else expect(options, object.metadata.name).toBe("Prune=false,Delete=false");
    }
  });
});
