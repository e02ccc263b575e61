import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { mountTree } from "../../generator/read/tree-fs.js";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { headFleetOverBase } from "../../generator/preview/head-fleet.js";
import { instanceInputs, type InputShare } from "../../generator/preview/inputs.js";
import { planSides } from "../../generator/preview/side-plans.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import type { Fleet } from "../../generator/model/fleet.js";
import type { YamlSource } from "../../generator/yaml/source.js";

/**
 * Issue 24: a preview of the working tree takes the base's model of every app and cluster folder
 * no change touches (preview/head-fleet.ts). The fleet it builds must be the one a whole load of
 * the head builds, and it must leave a head with a problem to the whole load.
 */
const unmounts: Array<() => void> = [];
afterEach(() => unmounts.splice(0).forEach((u) => u()));

function mount(files: Record<string, string>): string {
  const at = join(tmpdir(), `berth-head-fleet-${randomBytes(6).toString("hex")}`);
  unmounts.push(mountTree(at, Object.entries(files).map(([path, text]) => ({ path, content: Buffer.from(text) }))));
  return at;
}

/** The paths whose content differs between two trees, added and removed ones included. */
function changedPaths(a: Record<string, string>, b: Record<string, string>): Set<string> {
  return new Set([...new Set([...Object.keys(a), ...Object.keys(b)])].filter((p) => a[p] !== b[p]));
}

/** Every part of a fleet, its YAML sources as their file, text, line starts and data; maps and sets in their order. */
function project(fleet: Fleet) {
  const source = (s: YamlSource) => ({ file: s.file, text: s.doc.toString(), lines: s.lineCounter.lineStarts, value: s.value });
  return {
    clusters: fleet.clusters.map((c) => ({ ...c, source: source(c.source), valueOverrides: [...c.valueOverrides] })),
    apps: [...fleet.apps].map(([k, a]) => [k, { ...a, source: source(a.source), valueVariants: [...a.valueVariants] }]),
    sealedSecrets: fleet.sealedSecrets,
    existingSourcePaths: [...fleet.existingSourcePaths],
  };
}

/** The fixture fleet, with a cluster values file for an app rendered from a remote chart. */
const baseFleetFiles = () => ({ ...fixtureFleet(), "clusters/dev/values/postgres.yaml": "x: 1\n" });

type Edit = (files: Record<string, string>) => void;

const edits: Array<[string, Edit]> = [
  ["a values file", (f) => void (f["apps/shop/values.yaml"] += "extra: 1\n")],
  ["an app.yaml", (f) => void (f["apps/postgres/app.yaml"] = f["apps/postgres/app.yaml"]!.replace(/version: [^,}\n]+/, "version: 99.0.0"))],
  ["a new values variant", (f) => void (f["apps/shop/values-prod.yaml"] = "a: 1\n")],
  ["a removed values variant", (f) => void delete f["apps/postgres/values-cloud.yaml"]],
  ["a cluster.yaml", (f) => void (f["clusters/prod/cluster.yaml"] += "# edited\n")],
  ["a new cluster values file", (f) => void (f["clusters/dev/values/shop.yaml"] = "b: 2\n")],
  ["a removed cluster values file", (f) => void delete f["clusters/prod/values/shop.yaml"]],
  ["a new SealedSecret file", (f) => void (f["secrets/dev/data/other.yaml"] = f["secrets/dev/data/postgres-credentials.yaml"]!)],
  ["a cluster values file", (f) => void (f["clusters/prod/values/shop.yaml"] += "extra: 1\n")],
  ["a new cluster values file of a remote chart", (f) => void (f["clusters/prod/values/postgres.yaml"] = "x: 1\n")],
  ["a cluster values file of a remote chart", (f) => void (f["clusters/dev/values/postgres.yaml"] += "y: 2\n")],
  ["a values variant", (f) => void (f["apps/postgres/values-cloud.yaml"] = "c: 3\n")],
  ["a file in an app folder no values file", (f) => void (f["apps/postgres/notes.txt"] = "n\n")],
  ["a generated file only", (f) => void (f["clusters/dev/argocd/root.yaml"] = "x: 1\n")],
  ["an app removed from a cluster and its folder deleted", (f) => {
    for (const c of ["clusters/dev/cluster.yaml", "clusters/prod/cluster.yaml"]) f[c] = f[c]!.replace(/,\s*metrics\b/, "").replace(/\n\s*- metrics\n/, "\n");
    for (const p of Object.keys(f)) if (p.startsWith("apps/metrics/")) delete f[p];
  }],
];

describe("the head's fleet from the base's", () => {
  it.each(edits)("after a change to %s is the fleet a whole load of the head reads", (_what, edit) => {
    const baseFiles = baseFleetFiles();
    const headFiles = { ...baseFiles };
    edit(headFiles);
    const changed = changedPaths(baseFiles, headFiles);
    expect(changed.size).toBeGreaterThan(0);
    const head = mount(headFiles);
    const whole = loadCheckedFleet(head);
    const over = headFleetOverBase(loadCheckedFleet(mount(baseFiles)), mount(headFiles), changed);
    expect(over).toBeDefined();
    expect(project(over!)).toEqual(project(whole));
  });

  it("leaves a head with a problem to the whole load: a broken app.yaml, an app a cluster lists but no folder holds, a folder without app.yaml", () => {
    const baseFiles = baseFleetFiles();
    const broken: Edit[] = [
      (f) => void (f["apps/shop/app.yaml"] = "layer: [\n"),
      (f) => {
        for (const p of Object.keys(f)) if (p.startsWith("apps/shop/")) delete f[p];
      },
      (f) => {
        f["apps/extra/values.yaml"] = "a: 1\n";
      },
    ];
    for (const edit of broken) {
      const headFiles = { ...baseFiles };
      edit(headFiles);
      const head = mount(headFiles);
      expect(() => loadCheckedFleet(head)).toThrow();
      expect(headFleetOverBase(loadCheckedFleet(mount(baseFiles)), mount(headFiles), changedPaths(baseFiles, headFiles))).toBeUndefined();
    }
  });
});

describe("the head's inputs lent by the base", () => {
  it.each(edits)("after a change to %s are the inputs the head computes alone", (_what, edit) => {
    const baseFiles = baseFleetFiles();
    const headFiles = { ...baseFiles };
    edit(headFiles);
    const [base, head] = [mount(baseFiles), mount(headFiles)];
    const plans = planSides(loadCheckedFleet(head), loadCheckedFleet(base), undefined, "code");
    const alone = instanceInputs(head, plans.head);
    const share: InputShare = { lent: new Map() };
    const requests = new WeakMap();
    const baseInputs = instanceInputs(base, plans.base, requests, undefined, share);
    const lentTo = instanceInputs(head, plans.head, requests, [], { lent: share.lent, changed: changedPaths(baseFiles, headFiles) });
    const flat = (m: Map<string, { digest: string; files: Record<string, string> }>) => [...m].map(([k, v]) => [k, v.digest, v.files]);
    expect(share.lent.size).toBeGreaterThan(0);
    expect(flat(lentTo)).toEqual(flat(alone));
    expect(flat(baseInputs)).toEqual(flat(instanceInputs(base, plans.base)));
  });
});
