import { describe, expect, it } from "vitest";
import { formatPreview, type FormatPreviewOptions } from "../../generator/preview/format.js";
import { unifiedDiff, yamlPath } from "../../generator/preview/line-diff.js";
import { diffFleets } from "../../generator/preview/diff-fleets.js";
import { maskRendered } from "../../generator/preview/objects.js";
import type { PreviewModel, SealedSecretSnapshot } from "../../generator/preview/model.js";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { planFleet } from "../../generator/plan/plan-cluster.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

const opts = (over: Partial<FormatPreviewOptions> = {}): FormatPreviewOptions => ({
  format: "markdown",
  maxCommentChars: 65_000,
  base: { label: "main", sha: "aaaaaaa" },
  head: { label: "working tree", sha: "bbbbbbb", workingTree: true },
  notes: [],
  command: "berth preview --base main",
  fleet: ".",
  ...over,
});

describe("unifiedDiff", () => {
  it("is empty for equal texts and names the YAML field of each hunk", () => {
    expect(unifiedDiff("a: 1\n", "a: 1\n")).toEqual([]);
    const before = "spec:\n  source:\n    helm:\n      values: x\n    path: p\n  other: 1\n";
    const after = before.replace("values: x", "values: y");
    expect(unifiedDiff(before, after)).toEqual(["@@ spec.source.helm.values @@", " spec:", "   source:", "     helm:", "-      values: x", "+      values: y", "     path: p", "   other: 1"]);
  });

  it("keeps far-apart changes in separate hunks, and handles large inputs", () => {
    const a = Array.from({ length: 2000 }, (_, i) => `k${i}: ${i}`);
    const b = [...a];
    b[10] = "k10: changed";
    b[1500] = "k1500: changed";
    const d = unifiedDiff(`${a.join("\n")}\n`, `${b.join("\n")}\n`);
    expect(d.filter((l) => l.startsWith("@@"))).toEqual(["@@ k10 @@", "@@ k1500 @@"]);
    expect(d.filter((l) => l.startsWith("-"))).toEqual(["-k10: 10", "-k1500: 1500"]);
    const replaced = unifiedDiff(a.join("\n"), a.map((l) => `x${l}`).join("\n"));
    expect(replaced.filter((l) => l.startsWith("+"))).toHaveLength(2000);
  });

  it("is a correct, minimal-enough edit script on random inputs", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 300; t++) {
      const a = Array.from({ length: Math.floor(rnd() * 30) }, () => `l${Math.floor(rnd() * 6)}`);
      const b = a.filter(() => rnd() > 0.3).flatMap((l) => (rnd() > 0.8 ? [l, `n${Math.floor(rnd() * 6)}`] : [l]));
      const d = unifiedDiff(a.join("\n"), b.join("\n"), 1e9).filter((l) => !l.startsWith("@@"));
      if (a.join("\n") === b.join("\n")) continue;
      expect(d.filter((l) => l[0] !== "+").map((l) => l.slice(1))).toEqual(a);
      expect(d.filter((l) => l[0] !== "-").map((l) => l.slice(1))).toEqual(b);
    }
  });

  it("names list items by their first scalar key", () => {
    const lines = ["spec:", "  sources:", "    - chart: pg", "      helm:", "        valueFiles:", "          - a.yaml"];
    expect(yamlPath(lines, 5)).toBe("spec.sources[chart=pg].helm.valueFiles");
  });
});

describe("maskRendered", () => {
  it("replaces Secret values and SealedSecret ciphertext, keeping key names", () => {
    const r = maskRendered("apiVersion: v1\nkind: Secret\nmetadata: { name: s }\ndata: { pw: c2VjcmV0 }\nstringData: { token: hunter2 }\n---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: { name: t }\nspec: { encryptedData: { k: AgBciphertext } }\n");
    expect(Array.isArray(r)).toBe(true);
    const text = JSON.stringify((r as { yaml: string }[]).map((x) => x.yaml));
    for (const v of ["c2VjcmV0", "hunter2", "AgBciphertext"]) expect(text).not.toContain(v);
    expect(text).toContain("pw: (hidden)");
    expect(text).toContain("k: (hidden)");
  });
});

describe("diffFleets and formatPreview (pure)", () => {
  it("no change on the same plans; a SealedSecret re-seal shows on its secrets Application", () => {
    const root = makeRepo(fixtureFleet());
    try {
      const plans = planFleet(loadCheckedFleet(root));
      const snap = (cipherDigest: string): SealedSecretSnapshot => ({ cluster: "prod", namespace: "data", name: "postgres-credentials", file: "secrets/prod/data/postgres-credentials.yaml", keys: { "postgres-password": cipherDigest }, scope: "strict", type: "Opaque", template: "" });
      expect(diffFleets(plans, plans, [snap("a")], [snap("a")]).changed).toBe(false);
      const m = diffFleets(plans, plans, [snap("a")], [snap("b")]);
      expect(m.changed).toBe(true);
      expect(m.clusters.map((c) => [c.name, c.status, c.apps.map((a) => a.name)])).toEqual([["dev", "unchanged", []], ["prod", "changed", ["secrets-data"]]]);
      expect(m.clusters[1]!.apps[0]!.secrets[0]!.keys).toEqual({ added: [], removed: [], changed: ["postgres-password"] });
      // Same input, same bytes.
      expect(formatPreview(m, opts())).toEqual(formatPreview(m, opts()));
    } finally {
      removeRepo(root);
    }
  });

  it("cuts a diff larger than a part with an explicit notice, every part within the limit", () => {
    const diff = ["@@ data @@", ...Array.from({ length: 500 }, (_, i) => `+  k${i}: ${"é".repeat(30)}`)];
    const model: PreviewModel = {
      changed: true,
      rendered: false,
      clusters: [{ name: "c1", status: "changed", unchangedApps: 0, apps: [{ name: "app", status: "changed", inputs: [], secrets: [], identicalOn: ["c1"], objects: [{ kind: "Application", namespace: "argocd", name: "app", change: "modified", diff }] }] }],
    };
    const parts = formatPreview(model, opts({ maxCommentChars: 4000 }));
    expect(parts.length).toBe(2);
    parts.forEach((p, i) => {
      expect(Buffer.byteLength(p, "utf8")).toBeLessThanOrEqual(4000);
      expect(p.startsWith(`<!-- berth-preview part ${i + 1}/2 fleet=. -->\n### berth preview (part ${i + 1}/2)\n`)).toBe(true);
      expect((p.match(/^```/gm) ?? []).length % 2).toBe(0);
    });
    const shown = parts.join("").match(/^\+ {2}k\d+/gm)!.length;
    expect(parts[1]).toContain(`… ${500 - shown} more lines not shown; run \`berth preview --base main --cluster c1 --format text\` locally`);
    expect(parts[1]).toContain("#### `c1` (continued)");
    expect(parts[1]).toContain("##### `c1` · Application `app` (continued)");
    // Text output is never split or cut.
    const text = formatPreview(model, opts({ format: "text", maxCommentChars: 4000 }));
    expect(text).toHaveLength(1);
    expect(text[0]!.match(/^\s+\+ {2}k\d+/gm)).toHaveLength(500);
  });

  it("fills parts with many small sections without cutting any of them", () => {
    const clusters = Array.from({ length: 300 }, (_, i) => `c${String(i).padStart(3, "0")}`);
    const model: PreviewModel = {
      changed: true,
      rendered: false,
      // Each cluster runs a different number of other apps, so no two change sets are the same.
      clusters: clusters.map((name, i) => ({ name, status: "changed", unchangedApps: i, apps: [{ name: "app", status: "changed", inputs: [{ path: "apps/app/values.yaml", change: "modified" }], secrets: [], objects: [], identicalOn: clusters }] })),
    };
    const parts = formatPreview(model, opts({ maxCommentChars: 3000 }));
    expect(parts.length).toBeGreaterThan(5);
    for (const p of parts) expect(Buffer.byteLength(p, "utf8")).toBeLessThanOrEqual(3000);
    const all = parts.join("");
    expect(all).not.toContain("not shown");
    expect(all.match(/Same change as on `c000`/g)).toHaveLength(299);
    for (const c of clusters) expect(all).toContain(`| ${c} | 1 | 0 | 0 | 0 | – |`);
  });

  it("groups clusters with the same change set: one summary row each, the changes shown once", () => {
    const clusters = Array.from({ length: 300 }, (_, i) => `c${String(i).padStart(3, "0")}`);
    const odd = clusters.filter((_, i) => i % 3 === 1);
    const app = (name: string, on: string[]) => ({ name, status: "changed" as const, inputs: [{ path: `apps/${name}/values.yaml`, change: "modified" as const }], secrets: [], objects: [], identicalOn: on });
    const model: PreviewModel = {
      changed: true,
      rendered: false,
      clusters: clusters.map((name, i) => ({ name, status: "changed", unchangedApps: 3, apps: i % 3 === 1 ? [app("app", clusters), app("extra", odd)] : [app("app", clusters)] })),
    };
    const all = formatPreview(model, opts()).join("");
    const rows = all.split("\n").filter((l) => /^\| \d+ clusters/.test(l));
    expect(rows).toEqual(["| 200 clusters: c000, c002, c003, … c299 | 1 | 0 | 0 | 0 | – |", "| 100 clusters: c001, c004, c007, … c298 | 2 | 0 | 0 | 0 | – |"]);
    expect(all.match(/^#### /gm)).toHaveLength(2);
    expect(all).toContain("The same changes on 199 more clusters, shown once here: `c002`, `c003`");
    expect(all).toContain("Identical on 300 clusters (`c000`, `c001`, `c002`, …, `c299`): shown once.");
    // The app shown under c000 is referred to from c001's group, whose section is the other one shown.
    expect(all).toContain("##### `c001` · Application `app`\n\nSame change as on `c000` (shown there).");
    expect(all.match(/Inputs changed: `apps\/app\/values.yaml`/g)).toHaveLength(1);
  });

  it("scrubs credentials from everything it prints", () => {
    const model: PreviewModel = {
      changed: true,
      rendered: true,
      clusters: [{ name: "c1", status: "changed", unchangedApps: 0, apps: [{ name: "app", status: "changed", inputs: [], secrets: [], objects: [], identicalOn: ["c1"], render: { state: "failed", head: "pull https://user:hunter2@charts.example.com/x?token=abc failed" } }] }],
    };
    const out = formatPreview(model, opts()).join("");
    expect(out).not.toContain("hunter2");
    expect(out).not.toContain("token=abc");
    expect(out).toContain("render failed");
  });
});
