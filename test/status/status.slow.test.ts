import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../generator/cli.js";
import { application, captureIO, type FakeState } from "../bootstrap/fake-tools.js";
import { hqApps, setApps, setup as setupWith, status } from "./helpers.js";

const cleanup: Array<() => void> = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));
const setup = (state: Partial<FakeState>) => setupWith(state, cleanup);

describe("berth status", () => {
  it("exits 0 when every Application is Synced and Healthy at the fleet's commit, with one summary line per cluster", async () => {
    const { root, world, sha } = setup({});
    setApps(world, [hqApps(sha)]);
    const r = await status(root, world, { cluster: "hq" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`hq: 5/5 Applications Synced and Healthy at ${sha.slice(0, 7)}`);
    // A chart-only app has no Git revision to compare; it still counts.
    expect(r.stdout).toMatch(/ok sealed-secrets +Synced +Healthy/);
    // Read-only: the context list, then the Applications, through the cluster's own context.
    expect(r.log.map((e) => e.args.join(" "))).toEqual(["config get-contexts -o name", "--context hq get applications.argoproj.io --namespace argocd -o json --request-timeout 20s"]);
  });

  it("shows an unreachable cluster with a clear line and exits 2, the other clusters still shown", async () => {
    const { root, world, sha } = setup({ contexts: ["hq"] });
    setApps(world, [hqApps(sha)]);
    const r = await status(root, world);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("unreachable: kube context edge is not in your kubeconfig");
    expect(r.stdout).toContain(`hq: 5/5 Applications Synced and Healthy at ${sha.slice(0, 7)}`);
    expect(r.stdout).toContain("edge: cannot be reached through kube context edge");
  });

  it("says so when the API server does not answer (exit 2)", async () => {
    const { root, world } = setup({ fail: { match: "get applications", code: 1, stderr: "E1207 memcache.go:265] couldn't get current server API group list\nUnable to connect to the server: dial tcp 10.0.0.9:6443: connect: connection refused" } });
    const r = await status(root, world, { cluster: "edge" });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("edge: cannot be reached through kube context edge: the API server does not answer:");
    expect(r.stdout).toContain("connection refused");
  });

  it("tells a cluster without Argo CD apart (exit 1) and names bootstrap", async () => {
    const { root, world } = setup({ fail: { match: "get applications", code: 1, stderr: 'error: the server doesn\'t have a resource type "applications"' } });
    const r = await status(root, world, { cluster: "hq" });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("hq: Argo CD is not installed (the cluster has no applications.argoproj.io resource type)");
    expect(r.stdout).toContain("fix: berth bootstrap hq installs Argo CD");
  });

  it("refuses a context that reaches another cluster, as bootstrap does (exit 2)", async () => {
    const { root, world } = setup({ contexts: ["hq", "edge", "other"], kubeSystemUID: "11111111-2222-3333-4444-555555555555" });
    writeFileSync(join(root, "clusters/edge/cluster.yaml"), readFileSync(join(root, "clusters/edge/cluster.yaml"), "utf8") + "identity: { kubeSystemUID: 99999999-2222-3333-4444-555555555555 }\n");
    const r = await status(root, world, { cluster: "edge", context: "other" });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("it is not cluster edge");
    expect(r.log.some((e) => e.args.includes("applications.argoproj.io"))).toBe(false);
  });

  it("shows a cluster mid-sync: the Application being synced, and the ones not yet at the commit (exit 1)", async () => {
    const { root, world, sha } = setup({});
    const old = "0".repeat(40);
    setApps(world, [hqApps(sha, {
      metrics: application("metrics", "OutOfSync", "Healthy", { sync: { status: "OutOfSync", revision: sha }, operationState: { phase: "Running", message: "waiting for healthy state of apps/Deployment/metrics", retryCount: 0 } }),
      root: application("root", "Synced", "Healthy", { sync: { status: "Synced", revision: old } }),
    })]);
    const r = await status(root, world, { cluster: "hq" });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/-- metrics +OutOfSync +Healthy .* last operation Running\n +syncing: waiting for healthy state/);
    expect(r.stdout).toContain(`at 0000000, not yet at ${sha.slice(0, 7)}`);
    expect(r.stdout).toContain("hq: 3/5 Applications Synced and Healthy");
    expect(r.stdout).toContain("not yet: metrics, root");
  });

  it("shows a refused sync with Argo CD's reason and berth's fix, and the way out of a retrying operation", async () => {
    const { root, world, sha } = setup({});
    setApps(world, [hqApps(sha, {
      metrics: application("metrics", "OutOfSync", "Missing", {
        sync: { status: "OutOfSync", revision: sha },
        operationState: {
          phase: "Running",
          retryCount: 3,
          message: "one or more synchronization tasks are not valid. Retrying attempt #3 at 2026-12-07T17:00:00Z.",
          syncResult: { revision: sha, resources: [{ group: "apiextensions.k8s.io", kind: "CustomResourceDefinition", name: "widgets.example.com", status: "SyncFailed", message: "resource apiextensions.k8s.io:CustomResourceDefinition is not permitted in project monitoring" }] },
        },
      }),
    })]);
    const r = await status(root, world, { cluster: "hq", format: "json" });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const metrics = doc.clusters[0].applications.find((a: { name: string }) => a.name === "metrics");
    expect(metrics.problem).toBe("CustomResourceDefinition widgets.example.com: resource apiextensions.k8s.io:CustomResourceDefinition is not permitted in project monitoring");
    expect(metrics.fix).toContain("app metrics (layer monitoring) may not create the cluster-scoped apiextensions.k8s.io/CustomResourceDefinition; layers platform, infra allow it");
    expect(metrics.fix).toContain("argocd app terminate-op argocd/metrics");
    expect(doc.clusters[0].state).toBe("failing");
    expect(doc.exitCode).toBe(1);
  });

  it("--wait polls until the commit is deployed (exit 0), -o json through the CLI", async () => {
    const { root, world, sha } = setup({});
    setApps(world, [
      hqApps(sha, { root: application("root", "OutOfSync", "Progressing", { sync: { status: "OutOfSync", revision: sha }, operationState: { phase: "Running", retryCount: 0 } }) }),
      hqApps(sha),
    ]);
    const r = await status(root, world, { cluster: "hq", waitMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("waiting (up to 1m more):\n  hq: 4/5 Applications Synced and Healthy");
    setApps(world, [hqApps(sha)]);
    const cap = captureIO(root, world.env);
    expect(await main(["-C", root, "status", "hq", "-o", "json", "--wait", "--timeout", "1m"], cap.io)).toBe(0);
    expect(JSON.parse(cap.stdout()).clusters[0].applications).toHaveLength(5);
  });

  it("--wait gives up after --timeout with exit 1", async () => {
    const { root, world, sha } = setup({});
    setApps(world, [hqApps(sha, { root: application("root", "OutOfSync", "Progressing", { sync: { status: "OutOfSync", revision: sha } }) })]);
    const r = await status(root, world, { cluster: "hq", waitMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("berth status: not deployed everywhere within 30s");
    // 30 s at one poll per 5 s: the first look and six more.
    expect(r.log.filter((e) => e.args.includes("applications.argoproj.io"))).toHaveLength(7);
  });
  it("--revision names the commit to compare with; an unknown one is refused before any cluster is asked", async () => {
    const { root, world, sha } = setup({});
    setApps(world, [hqApps(sha)]);
    const ok = await status(root, world, { cluster: "hq", revision: "main" });
    expect(ok.code).toBe(0);
    const cap = captureIO(root, world.env);
    world.clearLog();
    expect(await main(["-C", root, "status", "hq", "--revision", "nope"], cap.io)).toBe(1);
    expect(cap.stderr()).toContain('--revision "nope" is not a commit in this repository');
    expect(world.log()).toEqual([]);
  });
});

