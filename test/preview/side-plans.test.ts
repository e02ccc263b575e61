import { afterEach, describe, expect, it } from "vitest";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { isPlanned, planSides } from "../../generator/preview/side-plans.js";
import { clusterInputKey, sameClusterInputs } from "../../generator/cache/input-key.js";
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
    expect(["dev", "prod"].map((c) => sides.headKey(c))).toEqual(["dev", "prod"].map((c) => clusterInputKey(head, head.clusters.find((x) => x.name === c)!, "code")));
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
    expect(planSides(fleet, undefined, "dev", "a").headKey("dev")).not.toBe(planSides(fleet, undefined, "dev", "b").headKey("dev"));
    expect(planSides(fleet, fleet, "dev", "a").headKey("dev")).toMatch(/^[0-9a-f]{64}$/);
    expect(planSides(fleet, fleet, "dev", "a").headKey("prod")).toBeUndefined();
  });

  it("finds inputs equal exactly when the input keys are, a model both fleets share compared without serialising it", () => {
    const base = fleetOf();
    const key = (f: typeof base, c: string) => clusterInputKey(f, f.clusters.find((x) => x.name === c)!, "code");
    const same = (a: typeof base, b: typeof base, c: string) => sameClusterInputs(a, a.clusters.find((x) => x.name === c)!, b, b.clusters.find((x) => x.name === c)!);
    const edits: Array<(f: Record<string, string>) => void> = [
      () => {},
      (f) => void (f["clusters/dev/cluster.yaml"] = f["clusters/dev/cluster.yaml"]!.replace("replicas: 1", "replicas: 2")),
      (f) => void (f["apps/postgres/app.yaml"] = f["apps/postgres/app.yaml"]!.replace("maxConnections: 100", "maxConnections: 90")),
      (f) => void (f["apps/postgres/values-kind.yaml"] = "a: 1\n"),
      (f) => void (f["clusters/prod/values/postgres.yaml"] = "a: 1\n"),
    ];
    for (const edit of edits) {
      const head = fleetOf(edit);
      for (const c of ["dev", "prod"]) expect(same(head, base, c), `${c} ${edit}`).toBe(key(head, c) === key(base, c));
    }
    // One fleet's own models: equal without a look at them.
    expect(same(base, base, "dev")).toBe(true);
    const mixed = { ...base, apps: new Map(base.apps) };
    mixed.apps.set("postgres", fleetOf(edits[2]).apps.get("postgres")!);
    expect(same(mixed, base, "prod")).toBe(false);
  });
});
