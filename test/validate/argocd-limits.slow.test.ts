import { afterEach, describe, expect, it } from "vitest";
import { berth, makeRepo, removeRepo, writeTree } from "../helpers/repo.js";
import { bigFleet } from "../helpers/big-fleet.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeRepo));

const LIMIT = "reposerver.max.combined.directory.manifests.size";
const layered = (yaml: string) => yaml.replace("profile: kind\n", "profile: kind\nappOfApps: layered\n");

describe("validate: Argo CD's and etcd's limits", () => {
  it("a flat root with too many children for its status is refused with the fix; layered, the same fleet is valid", async () => {
    // 1,300 apps and their namespaces: about 2,600 objects under one root.
    const tree = bigFleet(1300, "main");
    delete tree["clusters/beta/cluster.yaml"];
    const root = makeRepo(tree);
    roots.push(root);
    const flat = await berth(root, "validate");
    expect(flat.code).toBe(1);
    expect(flat.stderr).toMatch(/clusters\/alpha\/argocd\/root\.yaml:\d+:\d+: Application root syncs 26\d\d objects: its status would take about [\d.]+ MiB, and with its spec and history pass etcd's 1\.5 MiB object limit/);
    expect(flat.stderr).toContain("fix: set `appOfApps: layered` in clusters/alpha/cluster.yaml (see docs/scale.md)");
    writeTree(root, { "clusters/alpha/cluster.yaml": layered(tree["clusters/alpha/cluster.yaml"]!) });
    const tree2 = await berth(root, "validate");
    expect(tree2.stderr).toBe("");
    expect(tree2.code).toBe(0);
  }, 120_000);

  it("reads the cluster's own repo-server limit from the argo-cd app's values and names the file and the setting", async () => {
    const tree = fixtureFleet();
    tree["apps/argo-cd/values.yaml"] = `configs: { params: { server.insecure: true, ${LIMIT}: 6Ki } }\n`;
    const root = makeRepo(tree);
    roots.push(root);
    const r = await berth(root, "validate");
    expect(r.code).toBe(1);
    // The flat root reads the whole folder: over 6 KiB. Named with the value and where it is set.
    expect(r.stderr).toMatch(new RegExp(`Application root syncs \\d+ KiB of manifests from clusters/dev/argocd/, over Argo CD's ${LIMIT.replace(/\./g, "\\.")} of 6Ki \\(apps/argo-cd/values\\.yaml\\)`));
    expect(r.stderr).toContain("fix: set `appOfApps: layered` in clusters/dev/cluster.yaml");
    // Argo CD's default when the values do not set it: the same fleet is far under 10M.
    writeTree(root, { "apps/argo-cd/values.yaml": "configs: { params: { server.insecure: true } }\n" });
    expect((await berth(root, "validate")).stderr).not.toContain(LIMIT);
  });

  it("a local folder of manifests over the limit is named, with the app that deploys it", async () => {
    const tree = fixtureFleet();
    tree["apps/argo-cd/values.yaml"] = `configs: { params: { ${LIMIT}: 64Ki } }\n`;
    const manifests = Object.keys(tree).find((p) => /^apps\/[^/]+\/app\.yaml$/.test(p) && /type: manifests/.test(tree[p]!));
    expect(manifests).toBeDefined();
    const app = manifests!.split("/")[1]!;
    const path = /path: ([^\s,}]+)/.exec(tree[manifests!]!)?.[1] ?? "manifests";
    const big = Array.from({ length: 1500 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: big-${i} }\ndata: { k: "${"x".repeat(20)}" }\n`).join("---\n");
    tree[`apps/${app}/${path}/big.yaml`] = big;
    const root = makeRepo(tree);
    roots.push(root);
    const r = await berth(root, "validate");
    expect(r.stderr).toMatch(new RegExp(`apps/${app}/app\\.yaml:\\d+:\\d+: apps/${app}/${path}/ holds \\d+ KiB of manifests, over Argo CD's ${LIMIT.replace(/\./g, "\\.")} of 64Ki \\(apps/argo-cd/values\\.yaml\\) on cluster \\w+: the repo-server refuses to sync ${app}`));
  });
});
