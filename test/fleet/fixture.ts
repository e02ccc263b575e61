import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import type { App, Cluster, Fleet } from "../../generator/model/fleet.js";
import { clusterInstances, type Instance } from "../../generator/model/instances.js";
import { loadFleet } from "../../generator/read/load-fleet.js";
import { cpuMillis, memoryBytes } from "../../generator/model/quantity.js";
import { resolveReplicas } from "../../generator/model/replicas.js";
import { valueFiles, valuesObject } from "../../generator/plan/applications.js";
import { mergeValues } from "../../generator/plan/merge.js";
import { planCluster } from "../../generator/plan/plan-cluster.js";
import { renderRequest } from "../../generator/plan/render-requests.js";
import { resolveTools, type Tools } from "../../generator/exec/tools.js";
import { renderApp } from "../../generator/render/render.js";
import { exampleFleetRoot } from "../helpers/example-fleet.js";

/**
 * The example fleet of this repository, loaded and rendered the way berth and Argo CD do:
 * `renderRequest` gives the same chart, value files (app < profile < environment < cluster) and
 * inline `berth` values as the generated Application; real helm/kubectl (the bundled pair, so
 * results do not depend on the machine) render it. Only local sources are rendered: remote
 * charts would need the network.
 */

/** A pristine copy of the example fleet (never the repository's own folders, which a fork replaces). */
export const ROOT = exampleFleetRoot();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8s = Record<string, any>;

let fleetCache: Fleet | undefined;

export function fleet(): Fleet {
  if (fleetCache) return fleetCache;
  const r = loadFleet(ROOT);
  if (!r.ok) throw new Error(`the example fleet does not load:\n${r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`).join("\n")}`);
  fleetCache = r.value;
  return fleetCache;
}

export function cluster(name: string): Cluster {
  const c = fleet().clusters.find((x) => x.name === name);
  if (!c) throw new Error(`no cluster ${name}`);
  return c;
}

export function app(name: string): App {
  const a = fleet().apps.get(name);
  if (!a) throw new Error(`no app ${name}`);
  return a;
}

export function instances(clusterName: string): Instance[] {
  return clusterInstances(fleet(), cluster(clusterName));
}

/** The Application instance `id` (`<app>` or `<app>-<environment>`) on a cluster, if it runs there. */
export function findInstance(clusterName: string, id: string): Instance | undefined {
  return instances(clusterName).find((i) => i.id === id);
}

export function instance(clusterName: string, id: string): Instance {
  const i = findInstance(clusterName, id);
  if (!i) throw new Error(`${id} does not run on cluster ${clusterName}`);
  return i;
}

/** Every instance of the fleet whose source is local (chart, kustomize, manifests). */
export function localInstances(): { cluster: string; inst: Instance }[] {
  return fleet().clusters.flatMap((c) =>
    clusterInstances(fleet(), c)
      .filter((i) => i.app && i.app.spec.source.type !== "helm")
      .map((inst) => ({ cluster: c.name, inst })),
  );
}

let toolsPromise: Promise<Tools> | undefined;

export function tools(): Promise<Tools> {
  toolsPromise ??= resolveTools({ env: { ...process.env, BERTH_TOOLS: "bundled" } });
  return toolsPromise;
}

const renders = new Map<string, Promise<K8s[]>>();

/** The rendered objects of one instance, as Argo CD's repo-server would produce them. */
export function render(clusterName: string, id: string): Promise<K8s[]> {
  const key = `${clusterName}/${id}`;
  let p = renders.get(key);
  if (!p) {
    p = (async () => {
      const c = cluster(clusterName);
      const inst = instance(clusterName, id);
      if (inst.app?.spec.source.type === "helm") throw new Error(`${id} is a remote chart; tests render local sources only`);
      const result = await renderApp(renderRequest(planCluster(fleet(), c), inst, ROOT), await tools());
      if (!result.ok) throw new Error(`${key} does not render: ${result.error}`);
      return docs(result.manifests);
    })();
    renders.set(key, p);
  }
  return p;
}

export function docs(stream: string): K8s[] {
  return parseAllDocuments(stream)
    .map((d) => d.toJS() as K8s | null)
    .filter((d): d is K8s => d !== null && typeof d === "object");
}

export function byKind(objs: K8s[], kind: string): K8s[] {
  return objs.filter((o) => o.kind === kind);
}

export function get(objs: K8s[], kind: string, name: string): K8s {
  const o = objs.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`no ${kind} ${name} among ${objs.map((x) => `${x.kind}/${x.metadata?.name}`).join(", ")}`);
  return o;
}

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]);

export function workloads(objs: K8s[]): K8s[] {
  return objs.filter((o) => WORKLOADS.has(o.kind));
}

export function podSpec(o: K8s): K8s {
  if (o.kind === "CronJob") return o.spec.jobTemplate.spec.template.spec;
  return o.spec.template.spec;
}

export function allContainers(o: K8s): K8s[] {
  const s = podSpec(o);
  return [...(s.initContainers ?? []), ...(s.containers ?? [])];
}

/** A container's env as name → entry. */
export function env(container: K8s): Record<string, K8s> {
  return Object.fromEntries((container.env ?? []).map((e: K8s) => [e.name, e]));
}

/** A container's literal env values (valueFrom entries left out). */
export function envValues(container: K8s): Record<string, string> {
  return Object.fromEntries((container.env ?? []).filter((e: K8s) => "value" in e).map((e: K8s) => [e.name, String(e.value)]));
}

export function readYaml(rel: string): K8s {
  return parse(readFileSync(join(ROOT, rel), "utf8")) as K8s;
}

/** The generated Application of an instance (in clusters/<c>/argocd/<layer>.yaml), as planned now. */
export function application(clusterName: string, id: string): K8s {
  return plannedObject(clusterName, "Application", id);
}

/** The generated Namespace (in clusters/<c>/argocd/namespaces.yaml), as planned now. */
export function namespaceObject(clusterName: string, name: string): K8s {
  return plannedObject(clusterName, "Namespace", name);
}

/** One object of a cluster's generated files, read back from the files' YAML (not the planner's objects). */
function plannedObject(clusterName: string, kind: string, name: string): K8s {
  const plan = planCluster(fleet(), cluster(clusterName));
  const found = plan.files.flatMap((f) => docs(f.content)).find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no generated ${kind} ${name} on ${clusterName}`);
  return found;
}

export function wave(clusterName: string, id: string): number {
  return planCluster(fleet(), cluster(clusterName)).waves.get(id)!;
}

/** The requests an instance declares in app.yaml `resources:`, replicas resolved for its cluster. */
export function declaredRequests(clusterName: string, inst: Instance): { cpu: number; memory: number } {
  const c = cluster(clusterName);
  let cpu = 0;
  let memory = 0;
  for (const w of inst.app?.spec.resources ?? []) {
    const n = resolveReplicas(w.replicas, c.profile, inst.environment);
    cpu += n * cpuMillis(w.cpu);
    memory += n * memoryBytes(w.memory);
  }
  return { cpu, memory };
}

function requestsOf(resources: K8s | undefined): { cpu: number; memory: number } {
  const r = resources?.requests ?? {};
  return { cpu: r.cpu ? cpuMillis(String(r.cpu)) : 0, memory: r.memory ? memoryBytes(String(r.memory)) : 0 };
}

/**
 * The requests of the pods an instance's manifests run: containers of Deployments, StatefulSets
 * and DaemonSets (one pod per node) times their replicas, an HPA's minimum where the replica
 * count is left to it, the proxy Deployment Envoy Gateway creates for an EnvoyProxy, and the
 * Linkerd proxy injected into every pod of a meshed namespace. Jobs are transient and left out.
 */
export function renderedRequests(clusterName: string, inst: Instance, objs: K8s[], proxy?: { cpu: number; memory: number }): { cpu: number; memory: number } {
  const c = cluster(clusterName);
  let cpu = 0;
  let memory = 0;
  const add = (n: number, r: { cpu: number; memory: number }) => {
    cpu += n * r.cpu;
    memory += n * r.memory;
  };
  for (const o of objs) {
    if (o.kind === "Deployment" || o.kind === "StatefulSet" || o.kind === "DaemonSet") {
      const hpa = objs.find((h) => h.kind === "HorizontalPodAutoscaler" && h.spec.scaleTargetRef.name === o.metadata.name);
      const n = o.kind === "DaemonSet" ? c.spec.capacity.nodes : (o.spec.replicas ?? hpa?.spec.minReplicas ?? 1);
      for (const ct of podSpec(o).containers) add(n, requestsOf(ct.resources));
      if (proxy) add(n, proxy);
    } else if (o.kind === "EnvoyProxy") {
      const k = o.spec.provider.kubernetes;
      const n = k.envoyDeployment?.replicas ?? 1;
      add(n, requestsOf(k.envoyDeployment?.container?.resources));
      // The shutdown-manager sidecar: Envoy Gateway's fixed requests (api/v1alpha1/shared_types.go
      // DefaultShutdownManager*ResourceRequests); EnvoyProxy has no field for them.
      add(n, { cpu: 10, memory: 32 * 1024 * 1024 });
    }
  }
  return { cpu, memory };
}

/**
 * The Helm values an instance of a remote chart receives, merged the way helm layers berth's
 * value files (app < profile < environment < cluster file < inline cluster values).
 */
export function mergedValues(clusterName: string, id: string): K8s {
  const c = cluster(clusterName);
  const inst = instance(clusterName, id);
  let v: Record<string, unknown> = {};
  for (const f of valueFiles(inst, c)) v = mergeValues(v, (readYaml(f) ?? {}) as Record<string, unknown>);
  return mergeValues(v, valuesObject(inst, { cluster: c, wave: 0 })) as K8s;
}
