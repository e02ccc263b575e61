import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { layout } from "../layout.js";
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
  /** The base's generated files (path → `<mode> <blob id>`), when the base loaded. */
  base?: ReadonlyMap<string, string>;
  /** The head's, when the head is a commit; read from disk (the working tree) otherwise. */
  head?: ReadonlyMap<string, string>;
}

/**
 * Which of the head's committed generated folders are stale (Argo CD deploys those files, not
 * the inputs). A cluster the preview planned (its inputs differ from the base's) is compared with
 * its plan. A cluster it did not plan (inputs equal to the base's, so equal expected files) is
 * - fresh when `berth generate` recorded its folder for these very inputs and every file still
 *   has the recorded content (write/output-cache.ts: per user, outside the checkout,
 *   hash-verified, so a pull request cannot plant a record);
 * - untouched by the change when its generated files are also identical to the base's (git blob
 *   ids): the change alters neither what it deploys nor what it should deploy, and a staleness
 *   it inherits is the base's (`berth generate --check` on the base branch reports it);
 * - otherwise planned here, one cluster at a time, and compared.
 * Reads only, apart from the cache.
 */
export function staleGenerated(root: string, fleet: Fleet, plans: readonly PreviewPlan[], opts: StalenessOptions): StaleClusters {
  const out: StaleClusters = { clusters: [], files: 0 };
  const base = opts.base && byCluster(opts.base);
  const head = opts.head && byCluster(opts.head);
  for (const plan of plans) {
    const name = plan.cluster.name;
    const key = opts.keys.get(name);
    let files = isPlanned(plan) ? plan.files : undefined;
    if (!files) {
      const cached = () => {
        const recorded = key !== undefined ? opts.cache.get(name, key) : undefined;
        const match = recorded ? matchesRecorded(root, name, recorded) : false;
        if (match === "rehashed" && opts.record) opts.cache.set(name, key!, { files: recorded!.files, stats: statsOf(root, Object.keys(recorded!.files)), at: opts.now() });
        return match !== false;
      };
      const untouched = () => base !== undefined && sameFiles(base.get(name), head ? head.get(name) : onDisk(root, layout.generatedDir(name)));
      // Cheapest first: a commit's blob ids are at hand; the working tree's stats are, its blob ids are not.
      if (head ? untouched() || cached() : cached() || untouched()) continue;
      files = planCluster(fleet, plan.cluster).files;
    }
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

/** Generated files per cluster (`clusters/<name>/argocd/…`). */
function byCluster(files: ReadonlyMap<string, string>): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [path, id] of files) {
    const cluster = path.split("/", 2)[1]!;
    let m = out.get(cluster);
    if (!m) out.set(cluster, (m = new Map()));
    m.set(path, id);
  }
  return out;
}

/** Whether two sets of files (path → `<mode> <blob id>`) are the same; an unknown set is not. */
function sameFiles(a: ReadonlyMap<string, string> | undefined, b: ReadonlyMap<string, string> | undefined): boolean {
  if (!b) return false;
  const size = a?.size ?? 0;
  return b.size === size && [...b].every(([p, id]) => a!.get(p) === id);
}

/**
 * The working tree's files under `dir` as `<mode> <git blob id>`; undefined when anything there is
 * not a plain file or folder (a link is compared the long way).
 */
function onDisk(root: string, dir: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  const stack = [dir];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const path = `${rel}/${e.name}`;
      if (e.isDirectory()) stack.push(path);
      else if (!e.isFile()) return undefined;
      else out.set(path, `100644 ${blobId(readFileSync(join(root, path)))}`);
    }
  }
  return out;
}

/** git's id of a blob (SHA-1 of a header and the content), as `git hash-object` prints it. */
function blobId(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}
