import { createHash } from "node:crypto";
import type { Cluster, Fleet } from "../model/fleet.js";

/**
 * A digest of everything {@link planCluster} reads for one cluster: the cluster's validated model
 * and, for each app it lists, that app's model and which values files it has; `code` identifies
 * the planner and serialiser that turn them into files. Equal keys, equal generated files.
 */
export function clusterInputKey(fleet: Fleet, cluster: Cluster, code: string): string {
  const apps = [...new Set(cluster.entries.map((e) => e.name))].sort().map((name) => {
    const app = fleet.apps.get(name);
    return app ? [name, app.spec, [...app.valueVariants].sort()] : [name, null];
  });
  const input = [code, cluster.name, cluster.spec, cluster.profile, cluster.arch, cluster.entries, [...cluster.valueOverrides].sort(), apps];
  return createHash("sha256").update(JSON.stringify(input, (_k, v: unknown) => (typeof v === "bigint" ? { bigint: String(v) } : v))).digest("hex");
}
