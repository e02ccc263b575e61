import { layout } from "../layout.js";
import type { Fleet } from "../model/fleet.js";
import { clusterFiles } from "../plan/plan-cluster.js";
import { compareClusterFiles, compareGenerated, type TreeChanges } from "../read/generated-compare.js";
import { hashesOf, matchesRecorded, recordOf, statsOf } from "../cache/records.js";
import type { OutputCache } from "../cache/output-cache.js";
import type { EncodedFile, OutputFile } from "../plan/output.js";
import { isPlanned, type PreviewPlan } from "./side-plans.js";

export interface StaleClusters {
  /** Clusters whose generated folder differs from what their inputs generate. */
  clusters: string[];
  /** Files that differ or would be removed, over all those clusters. */
  files: number;
}

export interface StalenessOptions {
  /** A cluster's input key, as `berth generate` records it in the output cache (asked only when the cache is). */
  key: (cluster: string) => string | undefined;
  /** Opened on first use: most runs never need it. */
  cache: () => OutputCache;
  /** Record clusters found fresh, as `berth generate --check` does; only for the working tree the cache belongs to. */
  record: boolean;
  now: () => number;
  /** Whether the head's generated files of a cluster are the base's (see {@link sameGeneratedFiles}, {@link untouchedGenerated}); absent without a base. */
  sameAsBase?: (cluster: string) => boolean;
  /** A commit head's generated files (path → content), compared in memory; absent: the working tree's, on disk. */
  committed?: ReadonlyMap<string, Buffer>;
}

/**
 * Which of the head's committed generated folders are stale (Argo CD deploys those files, not
 * the inputs). A cluster the preview planned (its inputs differ from the base's) is compared with
 * its plan. A cluster it did not plan (inputs equal to the base's, so equal expected files) is
 * - untouched by the change when its generated files are also the base's (git blob ids, or git's
 *   view of the working tree): the change alters neither what it deploys nor what it should
 *   deploy, and a staleness it inherits is the base's (`berth generate --check` on the base
 *   branch reports it);
 * - fresh when `berth generate` recorded its folder for these very inputs and every file still
 *   has the recorded content (cache/output-cache.ts: per user, outside the checkout,
 *   hash-verified, so a pull request cannot plant a record);
 * - otherwise planned here, one cluster at a time, and compared.
 * Reads only, apart from the cache.
 */
export function staleGenerated(root: string, fleet: Fleet, plans: readonly PreviewPlan[], opts: StalenessOptions): StaleClusters {
  const out: StaleClusters = { clusters: [], files: 0 };
  let opened: OutputCache | undefined;
  const cache = () => (opened ??= opts.cache());
  const committed = opts.committed && byCluster(opts.committed);
  for (const plan of plans) {
    const name = plan.cluster.name;
    let files: readonly (OutputFile | EncodedFile)[] | undefined = isPlanned(plan) ? plan.files : undefined;
    if (!files) {
      const cached = () => {
        const key = opts.key(name);
        const recorded = key !== undefined ? cache().get(name, key) : undefined;
        const match = recorded ? matchesRecorded(root, name, recorded) : false;
        if (match === "rehashed" && opts.record) cache().set(name, key!, { files: recorded!.files, stats: statsOf(root, Object.keys(recorded!.files)), at: opts.now() });
        return match !== false;
      };
      // A commit's files are not on disk, so generate's record (stats and hashes of files on disk) does not apply.
      if (opts.sameAsBase?.(name) || (!committed && cached())) continue;
      files = [...clusterFiles(fleet, plan.cluster)];
    }
    const stale = staleCount(root, name, files, committed ? (committed.get(name) ?? new Map()) : undefined);
    if (stale > 0) {
      out.clusters.push(name);
      out.files += stale;
    } else if (opts.record && opts.key(name) !== undefined) {
      cache().set(name, opts.key(name)!, recordOf(root, hashesOf(files), opts.now()));
    }
  }
  if (opts.record) opened?.save();
  return out;
}

/** Generated files that differ, are missing, or are no longer planned: on disk, or in a commit (`have`). */
function staleCount(root: string, cluster: string, files: readonly (OutputFile | EncodedFile)[], have?: ReadonlyMap<string, Buffer>): number {
  const changes: TreeChanges = { changed: [], removed: [], foreign: [], clusters: [] };
  if (have) compareClusterFiles({ cluster, files }, have, changes);
  else compareGenerated(root, [{ cluster, files }], changes);
  return changes.changed.length + changes.removed.length;
}

/** Two commits' generated files (path → `<mode> <blob id>`) compared per cluster. */
export function sameGeneratedFiles(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): (cluster: string) => boolean {
  const [b, h] = [byCluster(base), byCluster(head)];
  return (cluster) => {
    const x = b.get(cluster) ?? new Map<string, string>();
    const y = h.get(cluster) ?? new Map<string, string>();
    return x.size === y.size && [...y].every(([p, id]) => x.get(p) === id);
  };
}

/** The working tree against the base, from the paths where they differ (see git.ts workingTreeChanges). */
export function untouchedGenerated(changed: ReadonlySet<string>): (cluster: string) => boolean {
  const touched = new Set([...changed].filter(layout.isGenerated).map(clusterOf));
  return (cluster) => !touched.has(cluster);
}

/** Generated files per cluster. */
function byCluster<T>(files: ReadonlyMap<string, T>): Map<string, Map<string, T>> {
  const out = new Map<string, Map<string, T>>();
  for (const [path, id] of files) {
    const cluster = clusterOf(path);
    let m = out.get(cluster);
    if (!m) out.set(cluster, (m = new Map()));
    m.set(path, id);
  }
  return out;
}

/** `clusters/<name>/…` → name. */
const clusterOf = (path: string) => path.split("/", 2)[1]!;
