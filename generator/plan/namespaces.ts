import type { Cluster } from "../model/fleet.js";
import type { Instance } from "../model/instances.js";
import { SYSTEM_NAMESPACES, layout } from "../layout.js";
import { sharedPart } from "../yaml/emit.js";

/**
 * Namespaces are objects of berth's own root project, not of the apps that use them. Argo CD
 * checks the Namespace that `CreateNamespace=true` would create against the child's project, so
 * that option would force every layer's project to allow the cluster-scoped kind core/Namespace
 * (3.6 can narrow that grant to names, but each layer's list would have to follow every app's
 * namespace). Instead the root Application
 * applies one Namespace per destination in {@link NAMESPACE_WAVE}, before any child exists, and
 * only the root's project may create Namespaces.
 */

/** Earlier than the AppProjects (-1) and every child Application (0 and later). */
export const NAMESPACE_WAVE = -2;

/**
 * Never pruned when it leaves the generated folder, never deleted with an Application: removing
 * an app from a cluster must not delete the data left in its namespace. Argo CD (gitops-engine)
 * reads both options from the live object's `argocd.argoproj.io/sync-options` annotation.
 */
export const NAMESPACE_SYNC_OPTIONS = "Prune=false,Delete=false";


export interface NamespaceSpec {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The input files that decide this namespace (for the generated file's `source:` header). */
  sources: string[];
}

/**
 * One namespace per destination of the cluster's Applications (system namespaces excepted), with
 * the union of the labels and annotations its apps ask for (rules.ts rejects disagreeing values).
 */
export function clusterNamespaces(instances: readonly Instance[], cluster: Cluster): NamespaceSpec[] {
  const byName = new Map<string, NamespaceSpec>();
  for (const inst of instances) {
    if (SYSTEM_NAMESPACES.has(inst.namespace)) continue;
    let ns = byName.get(inst.namespace);
    if (!ns) {
      ns = { name: inst.namespace, labels: {}, annotations: {}, sources: [layout.clusterFile(cluster.name)] };
      byName.set(inst.namespace, ns);
    }
    const meta = inst.app?.spec.namespaceMetadata;
    if (!meta) continue;
    Object.assign(ns.labels, meta.labels ?? {});
    Object.assign(ns.annotations, meta.annotations ?? {});
    ns.sources.push(layout.appFile(inst.app!.name));
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function buildNamespace(ns: NamespaceSpec, cluster: Cluster): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: ns.name,
      // berth's keys last: an app's namespaceMetadata cannot switch off the protection.
      labels: isEmpty(ns.labels) ? clusterLabels(cluster.name) : { ...ns.labels, ...clusterLabels(cluster.name) },
      annotations: isEmpty(ns.annotations) ? BERTH_ANNOTATIONS : { ...ns.annotations, ...BERTH_ANNOTATIONS },
    },
  };
}

/*
 * What most Namespaces carry (no app asks for labels or annotations) is shared, written once by
 * the emitter (yaml/emit.ts sharedPart), not in each of 10,000.
 */
const BERTH_ANNOTATIONS = sharedPart({ "argocd.argoproj.io/sync-wave": String(NAMESPACE_WAVE), "argocd.argoproj.io/sync-options": NAMESPACE_SYNC_OPTIONS });

function clusterLabels(cluster: string): Readonly<Record<string, string>> {
  let labels = labelsByCluster.get(cluster);
  if (labels === undefined) labelsByCluster.set(cluster, (labels = sharedPart({ "app.kubernetes.io/managed-by": "berth", "berth.dev/cluster": cluster })));
  return labels;
}

const labelsByCluster = new Map<string, Readonly<Record<string, string>>>();

function isEmpty(map: Record<string, string>): boolean {
  for (const _ in map) return false;
  return true;
}
