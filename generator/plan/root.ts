import { ARGOCD_NAMESPACE, IN_CLUSTER, layout } from "../layout.js";
import type { Cluster } from "../model/fleet.js";
import { RETRY } from "./applications.js";
import { rootSubscriptions } from "./notifications.js";
import { ROOT_PROJECT } from "./projects.js";

export const ROOT_APPLICATION = "root";

/**
 * The cluster's app-of-apps: it syncs the cluster's generated folder, a flat folder of files
 * (Namespaces, projects and child Applications, itself included); with `appOfApps: layered`, only
 * the cluster-level files of that folder, whose parents sync the rest (parents.ts). It carries no finalizer, so deleting it never cascades into
 * the whole cluster.
 */
export function buildRoot(cluster: Cluster): Record<string, unknown> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: ROOT_APPLICATION,
      namespace: ARGOCD_NAMESPACE,
      labels: { "app.kubernetes.io/managed-by": "berth", "berth.dev/cluster": cluster.name },
      annotations: Object.keys(rootSubscriptions(cluster)).length > 0 ? rootSubscriptions(cluster) : undefined,
    },
    // Layered: only the cluster-level files; each parent syncs its own file.
    spec: generatedFolderSpec(cluster, cluster.spec.appOfApps === "layered" ? layout.layeredRootInclude : undefined),
  };
}

/**
 * The spec of an Application that syncs the cluster's generated folder (the root), or the files
 * of it that `include` names (a layered parent), in the root's project with automated sync.
 */
export function generatedFolderSpec(cluster: Cluster, include?: string): Record<string, unknown> {
  return {
    project: ROOT_PROJECT,
    destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
    source: {
      repoURL: cluster.spec.repo.url,
      targetRevision: cluster.spec.repo.revision ?? "main",
      path: layout.generatedDir(cluster.name),
      directory: include !== undefined ? { include } : undefined,
    },
    syncPolicy: { automated: { prune: true, selfHeal: true }, retry: RETRY },
  };
}
