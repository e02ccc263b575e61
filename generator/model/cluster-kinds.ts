import type { Layer } from "./types.js";

/**
 * Which cluster-scoped kinds a layer's apps may create. Platform and infra install controllers
 * and their CRDs; monitoring may only bind cluster-wide read access (ClusterRole/Binding) for
 * scrapers and log shippers; apps get nothing cluster-scoped. No layer creates Namespaces: the
 * root Application creates every app's namespace first (plan/namespaces.ts).
 */
export function clusterKindAllowed(layer: Layer, group: string, kind: string): boolean {
  if (group === "*" || kind === "*") return false;
  if (isNamespaceKind(group, kind)) return false;
  if (layer === "platform" || layer === "infra") return true;
  if (layer === "monitoring") return group === "rbac.authorization.k8s.io" && (kind === "ClusterRole" || kind === "ClusterRoleBinding");
  return false;
}

export const isNamespaceKind = (group: string, kind: string) => group === "" && kind === "Namespace";
