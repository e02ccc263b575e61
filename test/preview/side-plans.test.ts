import { afterEach, describe, expect, it } from "vitest";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { isPlanned, planSides } from "../../generator/preview/side-plans.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeRepo));
const fleetOf = (edit: (files: Record<string, string>) => void = () => {}) => {
  const files = fixtureFleet();
  edit(files);
  const root = makeRepo(files);
  roots.push(root);
  return loadCheckedFleet(root);
};

describe("planSides", () => {
  it("shares a cluster whose inputs are equal on both sides and plans the others", () => {
    const base = fleetOf();
    const head = fleetOf((f) => {
      f["clusters/dev/cluster.yaml"] = f["clusters/dev/cluster.yaml"]!.replace("replicas: 1", "replicas: 2");
    });
    const sides = planSides(head, base, undefined, "code");
    const by = (plans: typeof sides.head) => new Map(plans.map((p) => [p.cluster.name, p]));
    const [b, h] = [by(sides.base), by(sides.head)];
    // prod: one object for both sides, never planned (its files are equal by construction).
    expect(h.get("prod")).toBe(b.get("prod"));
    expect(isPlanned(h.get("prod")!)).toBe(false);
    // dev: planned on each side.
    expect(h.get("dev")).not.toBe(b.get("dev"));
    expect(isPlanned(h.get("dev")!) && isPlanned(b.get("dev")!)).toBe(true);
    expect([...sides.headKeys.keys()].sort()).toEqual(["dev", "prod"]);
  });

  it("plans every cluster when there is no base, and a cluster that exists on one side only", () => {
    const head = fleetOf();
    expect(planSides(head, undefined, undefined, "").head.every(isPlanned)).toBe(true);
    const base = fleetOf((f) => {
      for (const k of Object.keys(f)) if (k.startsWith("clusters/prod/") || k.startsWith("secrets/prod/")) delete f[k];
    });
    const sides = planSides(head, base, undefined, "");
    expect(sides.base.map((p) => p.cluster.name)).toEqual(["dev"]);
    expect(isPlanned(sides.head.find((p) => p.cluster.name === "prod")!)).toBe(true);
    expect(sides.head.find((p) => p.cluster.name === "dev")).toBe(sides.base[0]);
  });

  it("keys depend on berth's code: a different code digest is a different key", () => {
    const fleet = fleetOf();
    expect(planSides(fleet, undefined, "dev", "a").headKeys.get("dev")).not.toBe(planSides(fleet, undefined, "dev", "b").headKeys.get("dev"));
    expect([...planSides(fleet, fleet, "dev", "a").headKeys.keys()]).toEqual(["dev"]);
  });
});
