import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

/**
 * Invariants of the committed example fleet's generated folders, read as Argo CD reads them:
 * every namespace a child Application deploys into exists before the child syncs, created by a
 * project that may create Namespaces, and never pruned or deleted.
 */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const clusters = readdirSync(join(repoRoot, "clusters")).sort();
/** Present on every cluster before Argo CD runs (kubeadm, kind, k3s). */
const PRE_EXISTING = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

type Obj = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> }; spec: any };

function objectsOf(cluster: string): Obj[] {
  const dir = join(repoRoot, "clusters", cluster, "argocd");
  return (readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[])
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), "utf8")).map((d) => d.toJS() as Obj));
}
const wave = (o: Obj) => Number(o.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? "0");
const grants = (project: Obj | undefined, group: string, kind: string) =>
  (project?.spec.clusterResourceWhitelist ?? []).some((k: { group: string; kind: string }) => k.group === group && k.kind === kind);

describe.each(clusters)("cluster %s: namespaces under least privilege", (cluster) => {
  const objects = objectsOf(cluster);
  const projects = new Map(objects.filter((o) => o.kind === "AppProject").map((o) => [o.metadata.name, o]));
  const apps = objects.filter((o) => o.kind === "Application");
  const root = apps.find((a) => a.metadata.name === "root")!;
  const children = apps.filter((a) => a !== root);
  const namespaces = new Map(objects.filter((o) => o.kind === "Namespace").map((o) => [o.metadata.name, o]));

  it("has a root Application and child Applications", () => {
    expect(root).toBeDefined();
    expect(children.length).toBeGreaterThan(0);
  });

  it("no Application creates its namespace itself", () => {
    for (const app of apps) {
      expect(app.spec.syncPolicy?.syncOptions ?? [], app.metadata.name).not.toContain("CreateNamespace=true");
      expect(app.spec.syncPolicy?.managedNamespaceMetadata, app.metadata.name).toBeUndefined();
    }
  });

  it("every child's namespace is created in a strictly earlier wave by a project that permits Namespaces", () => {
    expect(grants(projects.get(root.spec.project), "", "Namespace")).toBe(true);
    for (const app of children) {
      const ns = app.spec.destination.namespace as string;
      if (PRE_EXISTING.has(ns)) continue;
      const created = namespaces.get(ns);
      expect(created, `${app.metadata.name} deploys into ${ns}`).toBeDefined();
      expect(wave(created!), `${ns} before ${app.metadata.name}`).toBeLessThan(wave(app));
    }
  });

  it("generated Namespaces are never pruned or deleted, and no pre-existing namespace is managed", () => {
    expect(namespaces.size).toBeGreaterThan(0);
    for (const [name, ns] of namespaces) {
      expect(PRE_EXISTING.has(name), name).toBe(false);
      const options = (ns.metadata.annotations?.["argocd.argoproj.io/sync-options"] ?? "").split(",");
      expect(options, name).toEqual(expect.arrayContaining(["Prune=false", "Delete=false"]));
    }
  });

  it("only the root's project may create Namespaces; apps has no cluster-scoped kind, monitoring only ClusterRole/Binding", () => {
    for (const [name, project] of projects) {
      if (name !== root.spec.project) expect(grants(project, "", "Namespace"), name).toBe(false);
    }
    expect(projects.get("apps")?.spec.clusterResourceWhitelist ?? []).toEqual([]);
    for (const k of projects.get("monitoring")?.spec.clusterResourceWhitelist ?? []) {
      expect(`${k.group}/${k.kind}`).toMatch(/^rbac\.authorization\.k8s\.io\/ClusterRole(Binding)?$/);
    }
    expect(projects.get(root.spec.project)!.spec.clusterResourceWhitelist).toEqual([{ group: "", kind: "Namespace" }]);
  });

  it("every namespace carries the namespaceMetadata of the apps deployed into it", () => {
    for (const app of children) {
      const name = app.metadata.labels?.["berth.dev/app"];
      if (!name) continue;
      const meta = parse(readFileSync(join(repoRoot, "apps", name, "app.yaml"), "utf8")).namespaceMetadata;
      if (!meta) continue;
      const ns = namespaces.get(app.spec.destination.namespace)!;
      expect(ns.metadata.labels, name).toMatchObject(meta.labels ?? {});
      expect(ns.metadata.annotations, name).toMatchObject(meta.annotations ?? {});
    }
  });
});
