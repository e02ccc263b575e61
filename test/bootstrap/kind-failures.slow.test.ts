import { generateKeyPairSync } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { application, copyExampleFleet, fakeDeps, fakeWorld, list } from "./fake-tools.js";
import { allHealthy, bootstrap, cli, REPO } from "./helpers.js";

/**
 * How bootstrap fails on the laptop (profile kind) of the example fleet, read-only and without
 * --key (its committed certificate's private key was discarded), through recording kind/kubectl/helm
 * executables (fake-tools.ts).
 */
describe("berth bootstrap on kind (laptop): failures", () => {
  it("a key that does not belong to the committed certificate is refused before anything runs", async () => {
    const world = fakeWorld();
    const other = join(world.dir, "other.key");
    try {
      writeFileSync(other, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }), { mode: 0o600 });
      const r = await cli(world, REPO, ["bootstrap", "--cluster", "laptop", "--key", other]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/clusters\/laptop\/sealing-cert\.pem:1:1: the key .* does not belong to cluster "laptop"'s certificate/);
      expect(r.log).toEqual([]);
    } finally {
      world.remove();
    }
  });

  it("explains what is stuck after --timeout, earliest wave first, and exits 1", async () => {
    const stuck = list([
      application("root", "Synced", "Progressing", { health: { status: "Progressing", message: "waiting for child Applications" } }),
      application("argo-cd", "Synced", "Healthy"),
      application("sealed-secrets", "OutOfSync", "Degraded", {
        health: { status: "Degraded", message: "Deployment has timed out progressing." },
        operationState: { phase: "Failed", message: "one or more objects failed to apply, reason: admission webhook denied the request" },
        conditions: [{ type: "SyncError", message: "Failed sync attempt to 2.17.3: one or more objects failed to apply" }],
        resources: [
          { kind: "Deployment", namespace: "kube-system", name: "sealed-secrets-controller", status: "Synced", health: { status: "Degraded", message: "Deployment exceeded its progress deadline" } },
          { kind: "Service", namespace: "kube-system", name: "sealed-secrets-controller", status: "Synced", health: { status: "Healthy" } },
        ],
      }),
      application("cert-manager", "Synced", "Healthy"),
      application("cluster-issuers", "OutOfSync", "Missing", { conditions: [{ type: "ComparisonError", message: "the server could not find the requested resource (ClusterIssuer)" }] }),
    ]);
    const world = fakeWorld({ kindClusters: ["laptop"], contexts: ["kind-laptop"], applications: [list([]), stuck] });
    try {
      const r = await bootstrap(world, REPO, { cluster: "laptop", timeoutMs: 15_000 }, fakeDeps());
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("berth: not every Application is Synced and Healthy after --timeout 15s: 2 of 48 Applications Synced and Healthy; waiting for root.");
      expect(r.stderr).toContain(
        [
          "  root",
          "    root: sync Synced, health Progressing",
          "      health message: waiting for child Applications",
          "  wave 0",
          "    sealed-secrets: sync OutOfSync, health Degraded",
          "      health message: Deployment has timed out progressing.",
          "      last sync operation: Failed: one or more objects failed to apply, reason: admission webhook denied the request",
          "      condition SyncError: Failed sync attempt to 2.17.3: one or more objects failed to apply",
          "      resource Deployment kube-system/sealed-secrets-controller: Degraded: Deployment exceeded its progress deadline",
          "    not created yet (the root creates them once the earlier waves are Healthy): chaos-mesh, coalesce-coredns, envoy-gateway, prometheus-operator-crds",
          "  wave 1",
          "    cluster-issuers: sync OutOfSync, health Missing",
          "      condition ComparisonError: the server could not find the requested resource (ClusterIssuer)",
        ].join("\n"),
      );
      const waves = [...r.stderr.matchAll(/^ {2}wave (\d+)$/gm)].map((m) => Number(m[1]));
      expect(waves).toEqual([...waves].sort((a, b) => a - b));
      expect(waves.at(-1)).toBe(14);
      expect(r.stderr).toContain("fix: start with root: `kubectl --context kind-laptop -n argocd describe application root`");
      // It polled until the deadline of the injected clock (every 5 s for 15 s), not on the wall clock.
      expect(r.log.filter((e) => e.args.includes("applications.argoproj.io")).length).toBe(4);
      expect(r.stdout).toContain("  wave 0 sealed-secrets: not created → OutOfSync/Degraded\n");
    } finally {
      world.remove();
    }
  });

  it("a failing kubectl step is reported with the step, the command and its stderr; exit 2 and nothing after it runs", async () => {
    const world = fakeWorld({
      kindClusters: ["laptop"],
      contexts: ["kind-laptop"],
      fail: { match: "--field-manager argocd-controller -f -", code: 1, stderr: 'error: error validating "STDIN": the server is currently unable to handle the request' },
    });
    try {
      const r = await cli(world, REPO, ["bootstrap", "--cluster", "laptop"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        [
          "berth: bootstrap step 6/11 [argocd-crds] failed: apply Argo CD's CRDs (server-side)",
          "  $ kubectl --context kind-laptop apply --server-side --force-conflicts --field-manager argocd-controller -f - < the CRDs rendered by step argocd-render",
          '  exit code 1: error validating "STDIN": the server is currently unable to handle the request',
          "  fix: check that the context's user may create CustomResourceDefinitions (cluster-admin); then run the same berth bootstrap again: completed steps are idempotent and nothing was deleted",
        ].join("\n"),
      );
      expect(r.log.at(-1)!.args).toContain("argocd-controller");
      expect(r.stdout).toContain("[6/11] apply Argo CD's CRDs (server-side)");
      expect(r.stdout).not.toContain("[7/11]");
    } finally {
      world.remove();
    }
  });

  it("a CRD whose status is not filled in yet is waited for again, not reported as a failure (found by the e2e)", async () => {
    // The real kubectl 1.34 fails `wait --for condition=Established` on a CRD created a moment ago
    // (status.conditions still null) instead of waiting.
    const root = copyExampleFleet(REPO);
    const world = fakeWorld({
      kindClusters: ["laptop"],
      contexts: ["kind-laptop"],
      applications: [allHealthy(root, "laptop")],
      fail: { match: "wait --for condition=Established", code: 1, stderr: ".status.conditions accessor error: <nil> is of the type <nil>, expected []interface{}", once: true },
    });
    try {
      const r = await bootstrap(world, root, { cluster: "laptop" });
      expect(r.stderr).not.toContain("accessor error");
      expect(r.code).toBe(0);
      expect(r.log.filter((e) => e.args.includes("condition=Established"))).toHaveLength(2);
    } finally {
      world.remove();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("an unreachable API server is exit 2 with nothing changed", async () => {
    const world = fakeWorld({
      kindClusters: ["laptop"],
      contexts: ["kind-laptop"],
      fail: { match: "version -o json --request-timeout", code: 1, stderr: "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?" },
    });
    try {
      const r = await cli(world, REPO, ["bootstrap", "--cluster", "laptop"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("berth: bootstrap step 2/11 [context]: the API server of context kind-laptop does not answer");
      expect(r.stderr).toContain("The connection to the server 127.0.0.1:6443 was refused");
      expect(r.stderr).toContain("kind export kubeconfig --name laptop");
      expect(r.log.some((e) => e.args.includes("apply"))).toBe(false);
    } finally {
      world.remove();
    }
  });

  it("kind missing from PATH is exit 2, before anything runs", async () => {
    const world = fakeWorld({}, { tools: ["kubectl", "helm"] });
    try {
      const r = await cli(world, REPO, ["bootstrap", "--cluster", "laptop"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("berth: kind not found on PATH");
      expect(r.stderr).toContain("fix: install kind");
      expect(r.log).toEqual([]);
    } finally {
      world.remove();
    }
  });

  it("refuses stale generated output: the root would sync something other than the fleet says", async () => {
    const world = fakeWorld();
    const root = copyExampleFleet(REPO);
    const file = join(root, "clusters/laptop/argocd/root.yaml");
    try {
      writeFileSync(file, readFileSync(file, "utf8").replace("targetRevision: main", "targetRevision: old"));
      const r = await cli(world, root, ["bootstrap", "--cluster", "laptop", "--dry-run"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/clusters\/laptop\/argocd\/root\.yaml:1:1: is stale[\s\S]*fix: run `berth generate --cluster laptop`, commit and push/);
      expect(r.log).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
      world.remove();
    }
  });
});
