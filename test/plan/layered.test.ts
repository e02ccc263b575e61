import { afterEach, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { berth, makeRepo, readTree, removeRepo, writeTree } from "../helpers/repo.js";
import { bigFleet } from "../helpers/big-fleet.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";

type Obj = { kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec: any };

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeRepo));

function layeredFixture(): Record<string, string> {
  const tree = fixtureFleet();
  tree["clusters/dev/cluster.yaml"] = tree["clusters/dev/cluster.yaml"]!.replace("profile: kind\n", "profile: kind\nappOfApps: layered\n");
  return tree;
}

/** The generated folder of `cluster` as Argo CD reads it: file name → objects. */
function generated(root: string, cluster: string): Map<string, Obj[]> {
  const dir = `clusters/${cluster}/argocd/`;
  return new Map(
    Object.entries(readTree(root, `clusters/${cluster}/argocd`))
      .map(([path, text]) => [path.slice(dir.length), parseAllDocuments(text).map((d) => d.toJS() as Obj)] as const),
  );
}
const wave = (o: Obj) => Number(o.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? "0");

describe("appOfApps: layered", () => {
  it("the root syncs only the cluster-level files; each parent syncs exactly its own file, in wave order", async () => {
    const root = makeRepo(layeredFixture());
    roots.push(root);
    expect((await berth(root, "generate")).code).toBe(0);
    const files = generated(root, "dev");
    const rootApp = files.get("root.yaml")!.find((o) => o.kind === "Application")!;
    expect(rootApp.spec.source.directory).toEqual({ include: "{root.yaml,projects.yaml,namespaces.yaml,parents.yaml}" });
    expect(files.has("namespaces.yaml")).toBe(false);
    const parents = files.get("parents.yaml")!;
    expect(parents.length).toBeGreaterThan(1);
    for (const p of parents) {
      expect(p.spec.project).toBe("berth");
      expect(p.spec.source.directory).toEqual({ include: `${p.metadata.name}.yaml` });
      const children = files.get(`${p.metadata.name}.yaml`)!.filter((o) => o.kind === "Application");
      expect(children.length).toBeGreaterThan(0);
      for (const c of children) {
        // One wave per parent: the root's wave order is the children's.
        expect(wave(c), c.metadata.name).toBe(wave(p));
        expect(c.metadata.labels?.["berth.dev/parent"]).toBe(p.metadata.name);
        expect(c.metadata.labels?.["berth.dev/layer"]).toBe(p.metadata.labels?.["berth.dev/layer"]);
      }
    }
    expect(parents.map(wave)).toEqual([...parents.map(wave)].sort((a, b) => a - b));
    // Every file of the folder is synced by exactly one Application.
    const synced = ["root.yaml", "projects.yaml", "parents.yaml", ...parents.map((p) => `${p.metadata.name}.yaml`)];
    expect([...files.keys()].sort()).toEqual(synced.sort());
    // The flat cluster beside it is untouched by the setting.
    expect(generated(root, "prod").has("parents.yaml")).toBe(false);
  });

  it("every Namespace is created by the earliest parent that deploys into it, before its Applications", async () => {
    const root = makeRepo(layeredFixture());
    roots.push(root);
    await berth(root, "generate");
    const files = generated(root, "dev");
    const parentWave = new Map(files.get("parents.yaml")!.map((p) => [`${p.metadata.name}.yaml`, wave(p)]));
    const nsAt = new Map<string, number>();
    for (const [file, objs] of files) for (const o of objs) if (o.kind === "Namespace") {
      expect(nsAt.has(o.metadata.name), `${o.metadata.name} created once`).toBe(false);
      nsAt.set(o.metadata.name, parentWave.get(file)!);
      expect(wave(o)).toBeLessThan(0);
    }
    for (const [file, objs] of files) for (const app of objs) if (app.kind === "Application" && parentWave.has(file)) {
      const ns = app.spec.destination.namespace as string;
      if (ns === "argocd" || ns === "kube-system") continue;
      expect(nsAt.get(ns), `${ns} of ${app.metadata.name}`).toBeLessThanOrEqual(parentWave.get(file)!);
    }
  });

  it("adding apps never moves an existing Application to another parent", async () => {
    const tree = bigFleet(60, "main");
    tree["clusters/alpha/cluster.yaml"] = tree["clusters/alpha/cluster.yaml"]!.replace("profile: kind\n", "profile: kind\nappOfApps: layered\n");
    const root = makeRepo(tree);
    roots.push(root);
    await berth(root, "generate");
    const parentOf = () => {
      const out = new Map<string, string>();
      for (const objs of generated(root, "alpha").values()) for (const o of objs) if (o.metadata.labels?.["berth.dev/parent"]) out.set(o.metadata.name, o.metadata.labels["berth.dev/parent"]);
      return out;
    };
    const before = parentOf();
    expect(before.size).toBe(61);
    // 40 more apps, none depending on the old ones (a new dependency changes a wave, and so the parent).
    const more = bigFleet(100, "main");
    const extra = Object.keys(more).filter((p) => /svc-(0[6-9]\d)\//.test(p));
    writeTree(root, Object.fromEntries(extra.map((p) => [p, more[p]!.replace(/dependsOn: \[svc-0[0-5]\d\]\n/, "")])));
    writeTree(root, { "clusters/alpha/cluster.yaml": more["clusters/alpha/cluster.yaml"]!.replace("profile: kind\n", "profile: kind\nappOfApps: layered\n") });
    expect((await berth(root, "generate")).code).toBe(0);
    const after = parentOf();
    expect(after.size).toBe(101);
    for (const [app, parent] of before) expect(after.get(app), app).toBe(parent);
  });
});
