import { join } from "node:path";
import { existsSync } from "../read/tree-fs.js";
import type { Diagnostic } from "../errors.js";
import { layout } from "../layout.js";
import type { App, Cluster, Fleet } from "../model/fleet.js";
import { checkFleet } from "../model/rules.js";
import { existingSourcePaths, listSealedSecrets, loadApp, loadCluster, subdirs } from "../read/load-fleet.js";
import type { ParseMemo } from "../yaml/parse-memo.js";

/**
 * The head's fleet from the base's, when the head's files are the base's plus `changed` (the
 * paths whose content differs, added and removed ones included: working-tree.ts) and both are
 * served from memory. An app's model is read from its folder only (app.yaml, its values files,
 * the `valueFiles` inside it), a cluster's from its folder without the generated one: a folder
 * holding no changed path reads the same files, so the base's model of it is the head's. Only the
 * folders a change touches are read; the fleet-wide parts (the SealedSecret list, the local source
 * folders that exist, the cross-checks) are recomputed.
 *
 * Undefined when the head has a problem: the caller then loads it whole, so that its problems are
 * reported as a whole load reports them. The hostile-file checks a whole load makes on the tree
 * (sizes, in memory) are working-tree.ts's for the changed paths, and the base's load's for the rest.
 */
export function headFleetOverBase(base: Fleet, root: string, changed: ReadonlySet<string>, memo?: ParseMemo): Fleet | undefined {
  const touchedApps = new Set<string>();
  const touchedClusters = new Set<string>();
  let secretsTouched = false;
  for (const p of changed) {
    const [top, name, ...rest] = p.split("/");
    if (top === layout.secretsDir) secretsTouched = true;
    if (rest.length === 0 || name === undefined) continue;
    if (top === layout.appsDir) touchedApps.add(name);
    else if (top === layout.clustersDir && !layout.isGenerated(p)) touchedClusters.add(name);
  }
  // A whole load refuses a tree without clusters/ (not a berth repository): it says so itself.
  if (!existsSync(join(root, layout.clustersDir))) return undefined;
  const diagnostics: Diagnostic[] = [];
  // The folders that are there, as a whole load lists them (sorted, hidden ones left out).
  const appNames = touchedApps.size > 0 ? subdirs(root, layout.appsDir) : [...base.apps.keys()];
  const apps = new Map<string, App>();
  for (const name of appNames) {
    const app = touchedApps.has(name) ? loadApp(root, name, diagnostics, memo) : base.apps.get(name);
    if (app) apps.set(name, app);
    else if (!touchedApps.has(name)) return undefined; // not in the base's fleet: cannot happen for a base that loaded
  }
  const baseClusters = new Map(base.clusters.map((c) => [c.name, c]));
  const clusterNames = touchedClusters.size > 0 ? subdirs(root, layout.clustersDir) : base.clusters.map((c) => c.name);
  const clusters: Cluster[] = [];
  for (const name of clusterNames) {
    const cluster = touchedClusters.has(name) ? loadCluster(root, name, diagnostics, memo) : baseClusters.get(name);
    if (cluster) clusters.push(cluster);
    else if (!touchedClusters.has(name)) return undefined;
  }
  if (diagnostics.length > 0) return undefined;
  const fleet: Fleet = {
    clusters,
    apps,
    sealedSecrets: secretsTouched ? listSealedSecrets(root) : base.sealedSecrets,
    existingSourcePaths: existingSourcePaths(root, apps, clusters),
  };
  return checkFleet(fleet).length > 0 ? undefined : fleet;
}
