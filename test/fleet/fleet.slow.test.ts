import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cpuMillis, memoryBytes } from "../../generator/model/quantity.js";
import { clusterBudget } from "../../generator/validate/budget.js";
import { checkConnectionPools } from "../../generator/validate/connection-pools.js";
import {
  ROOT,
  allContainers,
  app,
  byKind,
  cluster,
  declaredRequests,
  fleet,
  localInstances,
  podSpec,
  readYaml,
  render,
  renderedRequests,
  workloads,
  type K8s,
} from "./fixture.js";

/** Fleet-wide rules every seed system follows, checked on every local source on every cluster. */

const SEED_PREFIXES = ["coalesce-", "hash-", "gosty-", "everything-", "synapse-"];
/** Shared platform apps keep plain names. */
const PLATFORM = [
  "argo-cd",
  "sealed-secrets",
  "cert-manager",
  "cluster-issuers",
  "trust-manager",
  "prometheus-operator-crds",
  "envoy-gateway",
  "envoy-gateway-class",
  "traefik",
  "linkerd-crds",
  "linkerd-identity",
  "linkerd-control-plane",
  "chaos-mesh",
];

const local = localInstances();
const rendered = new Map<string, K8s[]>();
const key = (c: string, id: string) => `${c}/${id}`;

beforeAll(async () => {
  await Promise.all(local.map(async ({ cluster: c, inst }) => rendered.set(key(c, inst.id), await render(c, inst.id))));
});

describe("the example fleet", () => {
  it("names every app after its system, or plainly when it is shared platform", () => {
    for (const name of fleet().apps.keys()) {
      const ok = SEED_PREFIXES.some((p) => name.startsWith(p)) || PLATFORM.includes(name);
      expect(ok, `app ${name}`).toBe(true);
    }
  });

  it("runs every seed system somewhere, and Everything on the Pi in staging and prod", () => {
    const on = (c: string) => cluster(c).entries.map((e) => e.name);
    for (const prefix of SEED_PREFIXES) {
      expect(on("laptop").some((n) => n.startsWith(prefix)), `${prefix}* on laptop`).toBe(true);
      expect(on("cloud").some((n) => n.startsWith(prefix)), `${prefix}* on cloud`).toBe(true);
    }
    expect(on("pi").filter((n) => !PLATFORM.includes(n)).every((n) => n.startsWith("everything-") || n === "coalesce-coredns")).toBe(true);
    expect(cluster("pi").spec.environments).toEqual(["staging", "prod"]);
    expect(cluster("cloud").spec.environments).toEqual(["prod"]);
    expect(cluster("laptop").spec.environments).toEqual(["staging"]);
  });

  it("renders every local chart, kustomization and manifests folder on every cluster that runs it", () => {
    expect(local.length).toBeGreaterThan(30);
    for (const { cluster: c, inst } of local) expect(rendered.get(key(c, inst.id)), key(c, inst.id)).toBeDefined();
  });

  // Argo CD's own install.yaml (apps/argo-cd/chart/files) mounts its optional TLS Secrets, which
  // its components create: not the seeds' credentials.
  const ours = local.filter(({ inst }) => inst.app!.spec.role !== "argocd");

  it("creates no Secret objects: credentials are sealed per cluster and referenced by name", () => {
    for (const { cluster: c, inst } of ours) expect(byKind(rendered.get(key(c, inst.id))!, "Secret"), key(c, inst.id)).toEqual([]);
    // Argo CD's chart renders no Secret either: install.yaml's empty argocd-secret and
    // argocd-notifications-secret are dropped (scripts/refresh-argocd-pin.js says why; bootstrap
    // applies the first, berth seals the second when needed), and no repository is registered
    // without a credential.
    for (const { cluster: c, inst } of local.filter(({ inst }) => inst.app!.spec.role === "argocd")) {
      expect(byKind(rendered.get(key(c, inst.id))!, "Secret"), c).toEqual([]);
    }
    expect(ours.length).toBe(local.length - 3); // argo-cd on each of the three clusters
  });

  it("references only Secrets the app declares (names and keys), or that cert-manager writes for it", () => {
    for (const { cluster: c, inst } of ours) {
      const objs = rendered.get(key(c, inst.id))!;
      const declared = new Map<string, Set<string>>();
      for (const s of inst.app!.spec.secrets ?? []) declared.set(s.name, new Set(s.keys));
      const issued = new Set(byKind(objs, "Certificate").map((x) => x.spec.secretName as string));
      for (const w of workloads(objs)) {
        const spec = podSpec(w);
        for (const ct of allContainers(w)) {
          for (const e of ct.env ?? []) {
            const ref = e.valueFrom?.secretKeyRef;
            if (!ref) continue;
            expect(declared.get(ref.name), `${c}/${inst.id} ${w.metadata.name} ${e.name} → ${ref.name}`).toBeDefined();
            expect([...declared.get(ref.name)!], `${c}/${inst.id} ${ref.name}`).toContain(ref.key);
          }
          for (const f of ct.envFrom ?? []) if (f.secretRef) expect(declared.has(f.secretRef.name)).toBe(true);
        }
        for (const p of spec.imagePullSecrets ?? []) expect(declared.has(p.name), `${c}/${inst.id} pull secret ${p.name}`).toBe(true);
        for (const v of spec.volumes ?? []) {
          if (!v.secret) continue;
          expect(declared.has(v.secret.secretName) || issued.has(v.secret.secretName), `${c}/${inst.id} volume ${v.secret.secretName}`).toBe(true);
        }
      }
    }
  });

  it("pins every image of our own workloads to a version (never latest or a floating tag)", () => {
    for (const [k, objs] of rendered) {
      for (const w of workloads(objs)) {
        for (const ct of allContainers(w)) {
          const image = String(ct.image);
          const tag = image.includes("@") ? "digest" : (image.split("/").pop()!.split(":")[1] ?? "");
          expect(tag, `${k} ${w.metadata.name} ${image}`).toMatch(/^v?\d+\.\d+\.\d+|^digest$/);
          expect(image).not.toMatch(/:latest$|\.x\.x$/);
        }
      }
    }
  });

  it("declares exactly the requests its workloads make (the budget check counts what really runs)", () => {
    const proxyValues = readYaml("apps/linkerd-control-plane/values.yaml").proxy.resources;
    const proxy = { cpu: cpuMillis(proxyValues.cpu.request), memory: memoryBytes(proxyValues.memory.request) };
    for (const { cluster: c, inst } of local) {
      const meshed = inst.app!.spec.namespaceMetadata?.annotations?.["linkerd.io/inject"] === "enabled";
      const got = renderedRequests(c, inst, rendered.get(key(c, inst.id))!, meshed ? proxy : undefined);
      expect(got, `${c}/${inst.id}: app.yaml resources vs rendered requests`).toEqual(declaredRequests(c, inst));
    }
  });

  it("fits every cluster's capacity, the Pi's 4 × 906Mi included", () => {
    for (const c of fleet().clusters) {
      const b = clusterBudget(fleet(), c);
      expect(b.memory.requested, `${c.name} memory`).toBeLessThanOrEqual(b.memory.capacity);
      expect(b.cpu.requested, `${c.name} cpu`).toBeLessThanOrEqual(b.cpu.capacity);
      expect(checkConnectionPools(fleet(), c), c.name).toEqual([]);
    }
    const pi = clusterBudget(fleet(), cluster("pi"));
    expect(pi.memory.capacity).toBe(4 * 906 * 2 ** 20);
    // Everything's seed ran platform + infra + monitoring + both environments in ~3.5 GB.
    expect(pi.memory.requested).toBeLessThan(0.75 * pi.memory.capacity);
  });

  it("keeps node configuration out of what Argo CD syncs", () => {
    const argocdDir = join(ROOT, "clusters/pi/argocd");
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [e.name]));
    expect(walk(argocdDir).some((f) => f.includes("registries"))).toBe(false);
    expect(existsSync(join(ROOT, "clusters/pi/k3s/registries.yaml"))).toBe(true);
  });

  it("gives every stateful local workload storage from the cluster's storage class", async () => {
    for (const { cluster: c, inst } of local) {
      if (inst.app!.spec.source.type !== "chart") continue;
      for (const pvc of byKind(rendered.get(key(c, inst.id))!, "PersistentVolumeClaim")) {
        expect(pvc.spec.storageClassName, `${c}/${inst.id} ${pvc.metadata.name}`).toBe(cluster(c).spec.storage?.className);
      }
    }
    expect(app("synapse-stack").spec.source.type).toBe("chart");
  });
});
