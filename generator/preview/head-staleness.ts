import type { Fleet } from "../model/fleet.js";
import { planCluster } from "../plan/plan-cluster.js";
import { compareGenerated, matchesRecorded, recordOf, statsOf } from "../write/generated-tree.js";
import type { OutputCache } from "../write/output-cache.js";
import { isPlanned, type PreviewPlan } from "./side-plans.js";

export interface StaleClusters {
  /** Clusters whose generated folder differs from what their inputs generate. */
  clusters: string[];
  /** Files that differ or would be removed, over all those clusters. */
  files: number;
}

export interface StalenessOptions {
  /** Each cluster's input key, as `berth generate` records it in the output cache. */
  keys: ReadonlyMap<string, string>;
  cache: OutputCache;
  /** Record clusters found fresh, as `berth generate --check` does; only for the working tree the cache belongs to. */
  record: boolean;
  now: () => number;
}

/**
 * Which of the head's committed generated folders are stale (Argo CD deploys those files, not
 * the inputs). A cluster the preview planned is compared with its plan. A cluster it did not plan
 * (inputs equal to the base's) is fresh when `berth generate` recorded its folder for these very
 * inputs and every file still has the recorded content (see write/output-cache.ts: per user,
 * outside the checkout, hash-verified, so a pull request cannot plant a record); otherwise it is
 * planned here, one cluster at a time, and compared. Reads only, apart from the cache.
 */
export function staleGenerated(root: string, fleet: Fleet, plans: readonly PreviewPlan[], opts: StalenessOptions): StaleClusters {
  const out: StaleClusters = { clusters: [], files: 0 };
  for (const plan of plans) {
    const name = plan.cluster.name;
    const key = opts.keys.get(name);
    let files = isPlanned(plan) ? plan.files : undefined;
    if (!files && key !== undefined) {
      const recorded = opts.cache.get(name, key);
      const match = recorded ? matchesRecorded(root, name, recorded) : false;
      if (match) {
        if (match === "rehashed" && opts.record) opts.cache.set(name, key, { files: recorded!.files, stats: statsOf(root, Object.keys(recorded!.files)), at: opts.now() });
        continue;
      }
    }
    files ??= planCluster(fleet, plan.cluster).files;
    const changes = compareGenerated(root, [{ cluster: name, files }]);
    const stale = changes.changed.length + changes.removed.length;
    if (stale > 0) {
      out.clusters.push(name);
      out.files += stale;
    } else if (opts.record && key !== undefined) {
      opts.cache.set(name, key, recordOf(root, files, opts.now()));
    }
  }
  if (opts.record) opts.cache.save();
  return out;
}
