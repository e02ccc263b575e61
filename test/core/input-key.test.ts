import { afterEach, describe, expect, it } from "vitest";
import { loadCheckedFleet } from "../../generator/commands/checked-fleet.js";
import { clusterInputKey } from "../../generator/plan/input-key.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeRepo));

/** Every cluster's input key for the fixture fleet with `edit` applied to its files. */
function keys(edit: (tree: Record<string, string>) => void = () => {}): Record<string, string> {
  const tree = fixtureFleet();
  edit(tree);
  const root = makeRepo(tree);
  roots.push(root);
  const fleet = loadCheckedFleet(root);
  return Object.fromEntries(fleet.clusters.map((c) => [c.name, clusterInputKey(fleet, c, "code")]));
}

describe("a cluster's input key", () => {
  it("is the same for the same inputs loaded twice", () => {
    expect(keys()).toEqual(keys());
  });

  it("changes for every cluster listing an app whose app.yaml changed, and only for those", () => {
    const before = keys();
    const after = keys((t) => (t["apps/kustom/app.yaml"] = t["apps/kustom/app.yaml"]!.replace("namespace: kustom", "namespace: kustom2")));
    // kustom is listed by dev only.
    expect(after.dev).not.toBe(before.dev);
    expect(after.prod).toBe(before.prod);
  });

  it("changes when an app gains a values file variant", () => {
    const before = keys();
    const after = keys((t) => (t["apps/metrics/values-prod.yaml"] = "retention: 7d\n"));
    expect(after.dev).not.toBe(before.dev);
    expect(after.prod).not.toBe(before.prod);
  });

  it("depends on the code digest", () => {
    const tree = fixtureFleet();
    const root = makeRepo(tree);
    roots.push(root);
    const fleet = loadCheckedFleet(root);
    const dev = fleet.clusters.find((c) => c.name === "dev")!;
    expect(clusterInputKey(fleet, dev, "a")).not.toBe(clusterInputKey(fleet, dev, "b"));
  });
});
