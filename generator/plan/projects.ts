import { ARGOCD_NAMESPACE, IN_CLUSTER } from "../layout.js";
import type { Cluster } from "../model/fleet.js";
import type { Instance } from "../model/instances.js";
import type { Layer } from "../model/types.js";
import { argoRepoURL } from "./repos.js";

/** The project of the root Application: berth's own objects, nothing an app declares. */
export const ROOT_PROJECT = "berth";

/**
 * The root Application's project: it reads the fleet repository and may create exactly the
 * Applications and AppProjects in Argo CD's namespace and the cluster's Namespaces (see
 * namespaces.ts). No layer's project may create a Namespace, and no child Application may
 * create Applications or AppProjects.
 */
export function buildRootProject(cluster: Cluster): Record<string, unknown> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: {
      name: ROOT_PROJECT,
      namespace: ARGOCD_NAMESPACE,
      labels: { "app.kubernetes.io/managed-by": "berth", "berth.dev/cluster": cluster.name },
      annotations: { "argocd.argoproj.io/sync-wave": "-1" },
    },
    spec: {
      description: `berth: the root Application of cluster ${cluster.name} (Namespaces, AppProjects, Applications)`,
      sourceRepos: [cluster.spec.repo.url],
      destinations: [{ server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE }],
      clusterResourceWhitelist: [{ group: "", kind: "Namespace" }],
      namespaceResourceWhitelist: [
        { group: "argoproj.io", kind: "AppProject" },
        { group: "argoproj.io", kind: "Application" },
      ],
    },
  };
}

/**
 * One AppProject per layer with least privilege: only the layer's namespaces as destinations,
 * only the repositories its Applications read, and only the cluster-scoped kinds its apps declare.
 */
export function buildProject(layer: Layer, instances: readonly Instance[], cluster: Cluster): Record<string, unknown> {
  const own = instances.filter((i) => i.layer === layer);
  const gitRepo = cluster.spec.repo.url;
  const repos = new Set<string>();
  const namespaces = new Set<string>();
  const kinds = new Map<string, { group: string; kind: string }>();
  for (const inst of own) {
    namespaces.add(inst.namespace);
    const src = inst.app?.spec.source;
    if (!src || src.type !== "helm") repos.add(gitRepo);
    else {
      repos.add(argoRepoURL(src.repo));
      const gitValues = inst.app!.valueVariants.size > 0 || (inst.app!.spec.valueFiles ?? []).length > 0 || cluster.valueOverrides.has(inst.app!.name);
      if (gitValues) repos.add(gitRepo);
    }
    for (const k of inst.app?.spec.clusterResources ?? []) kinds.set(`${k.group}/${k.kind}`, { group: k.group, kind: k.kind });
  }
  const sorted = <T>(xs: Iterable<T>, key: (x: T) => string) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: {
      name: layer,
      namespace: ARGOCD_NAMESPACE,
      labels: { "app.kubernetes.io/managed-by": "berth", "berth.dev/cluster": cluster.name, "berth.dev/layer": layer },
      annotations: { "argocd.argoproj.io/sync-wave": "-1" },
    },
    spec: {
      description: `berth: the ${layer} layer of cluster ${cluster.name}`,
      sourceRepos: sorted(repos, (r) => r),
      destinations: sorted(namespaces, (n) => n).map((namespace) => ({ server: IN_CLUSTER, namespace })),
      clusterResourceWhitelist: sorted(kinds.values(), (k) => `${k.group}/${k.kind}`),
    },
  };
}
