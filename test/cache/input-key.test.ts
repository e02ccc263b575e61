import { afterEach, describe, expect, it } from "vitest";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { clusterInputKey } from "../../generator/cache/input-key.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeRepo));
const load = (edit: (f: Record<string, string>) => void = () => {}) => {
  const files = fixtureFleet();
  edit(files);
  const root = makeRepo(files);
  roots.push(root);
  return loadCheckedFleet(root);
};
const keys = (fleet: ReturnType<typeof load>, code = "c") => Object.fromEntries(fleet.clusters.map((c) => [c.name, clusterInputKey(fleet, c, code)]));

describe("clusterInputKey", () => {
  it("is equal for equal inputs loaded twice, and depends on the code digest", () => {
    expect(keys(load())).toEqual(keys(load()));
    expect(keys(load(), "other").dev).not.toBe(keys(load()).dev);
  });

  it("changes only for the clusters that list a changed app, and for a changed values variant set", () => {
    const base = keys(load());
    // kustom runs on dev only.
    const spec = keys(load((f) => (f["apps/kustom/app.yaml"] += "sync: { serverSideApply: true }\n")));
    expect(spec.dev).not.toBe(base.dev);
    expect(spec.prod).toBe(base.prod);
    // A new values file for postgres (on both clusters) changes both keys.
    const variant = keys(load((f) => (f["apps/postgres/values-kind.yaml"] = "a: 1\n")));
    expect(variant.dev).not.toBe(base.dev);
    expect(variant.prod).not.toBe(base.prod);
  });

  it("reads integers beyond 2^53 exactly: two that are one apart (the same as doubles) give different keys", () => {
    const big = (n: string) => keys(load((f) => (f["clusters/dev/cluster.yaml"] = f["clusters/dev/cluster.yaml"]!.replace("values: { replicas: 1 }", `values: { replicas: 1, id: ${n} }`))));
    expect(big("9007199254740993").dev).not.toBe(big("9007199254740992").dev);
  });
});
