import { ARGOCD_NAMESPACE, IN_CLUSTER } from "../layout.js";
import { clusterKindAllowed, isNamespaceKind } from "../model/cluster-kinds.js";
import { LAYERS, type Layer } from "../model/types.js";
import { ROOT_PROJECT } from "../plan/projects.js";

interface Project {
  metadata?: { name?: string };
  spec?: {
    sourceRepos?: string[];
    destinations?: { server?: string; name?: string; namespace?: string }[];
    clusterResourceWhitelist?: { group?: string; kind?: string }[];
    namespaceResourceWhitelist?: { group?: string; kind?: string }[];
  };
}

/**
 * Least privilege for an AppProject berth generated (or that someone edited): no wildcard
 * repositories or destinations, in-cluster only, and cluster-scoped kinds only where the layer
 * may have them. Only the root's project (berth) creates Namespaces, and it may create nothing
 * else but Applications and AppProjects in Argo CD's namespace. Returns problems as strings.
 */
export function projectPolicyProblems(project: Project): string[] {
  const name = project.metadata?.name ?? "";
  const layer = LAYERS.includes(name as Layer) ? (name as Layer) : undefined;
  const spec = project.spec ?? {};
  const problems: string[] = [];
  if ((spec.sourceRepos ?? []).some((r) => r.includes("*"))) problems.push("sourceRepos allows any repository (a '*' pattern)");
  for (const d of spec.destinations ?? []) {
    if (!d.namespace || d.namespace.includes("*")) problems.push(`destination allows any namespace (${d.namespace ?? "none given"})`);
    if (d.server !== IN_CLUSTER || d.name) problems.push(`destination ${d.server ?? d.name} is not the in-cluster API server`);
  }
  const isRoot = name === ROOT_PROJECT;
  if (isRoot) {
    for (const d of spec.destinations ?? []) {
      if (d.namespace !== ARGOCD_NAMESPACE) problems.push(`the root's project may only deploy into ${ARGOCD_NAMESPACE}, not ${d.namespace ?? "any namespace"}`);
    }
    const allowed = (spec.namespaceResourceWhitelist ?? []).map((k) => `${k.group}/${k.kind}`);
    if (allowed.length === 0 || allowed.some((k) => k !== "argoproj.io/Application" && k !== "argoproj.io/AppProject")) {
      problems.push("the root's project must allow exactly the namespaced kinds argoproj.io/Application and argoproj.io/AppProject");
    }
  }
  for (const k of spec.clusterResourceWhitelist ?? []) {
    if (isRoot ? !isNamespaceKind(k.group ?? "", k.kind ?? "") : !layer || !clusterKindAllowed(layer, k.group ?? "", k.kind ?? "")) {
      problems.push(`grants the cluster-scoped kind ${k.group || "core"}/${k.kind} to layer ${name}`);
    }
  }
  return problems;
}
