import type { Cluster, Fleet } from "../model/fleet.js";
import { clusterInputKey, sameClusterInputs } from "../cache/input-key.js";
import { planCluster, planInstances, type ClusterInstances, type ClusterPlan } from "../plan/plan-cluster.js";

/**
 * A cluster on one side of a preview. A cluster whose inputs are the same on both sides generates
 * the same objects, so it is not planned: both sides hold the same {@link ClusterInstances}
 * object (its per-app inputs and SealedSecrets are still compared). Every other cluster is a
 * full {@link ClusterPlan}.
 */
export type PreviewPlan = ClusterPlan | ClusterInstances;

export interface SidePlans {
  base: PreviewPlan[];
  head: PreviewPlan[];
  /** A head cluster's input key (with `code`), for the staleness check's output cache: computed when asked for (most runs never do). */
  headKey(cluster: string): string | undefined;
}

export const isPlanned = (p: PreviewPlan): p is ClusterPlan => "files" in p;

/**
 * Both sides' clusters (only `only` when given): planned where the cluster's input key differs
 * between the sides or the cluster exists on one side only; shared otherwise. Pure.
 */
export function planSides(headFleet: Fleet, baseFleet: Fleet | undefined, only: string | undefined, code: string): SidePlans {
  const pick = (f: Fleet): Cluster[] => f.clusters.filter((c) => only === undefined || c.name === only);
  const baseClusters = new Map(baseFleet ? pick(baseFleet).map((c) => [c.name, c]) : []);
  const headClusters = new Map(pick(headFleet).map((c) => [c.name, c]));
  const headKeys = new Map<string, string>();
  const headKey = (name: string) => {
    const c = headClusters.get(name);
    if (c && !headKeys.has(name)) headKeys.set(name, clusterInputKey(headFleet, c, code));
    return headKeys.get(name);
  };
  const shared = new Map<string, ClusterInstances>();
  const head = [...headClusters.values()].map((c): PreviewPlan => {
    const b = baseClusters.get(c.name);
    // Equal input keys, without computing them (cache/input-key.ts).
    if (!b || !sameClusterInputs(headFleet, c, baseFleet!, b)) return planCluster(headFleet, c);
    const same = planInstances(headFleet, c);
    shared.set(c.name, same);
    return same;
  });
  const base = baseFleet ? pick(baseFleet).map((c) => shared.get(c.name) ?? planCluster(baseFleet, c)) : [];
  return { base, head, headKey };
}
