import { createHash } from "node:crypto";
import type { App, Cluster, Fleet } from "../model/fleet.js";

/**
 * A digest of everything {@link planCluster} reads for one cluster: the cluster's validated model
 * and, for each app it lists, that app's model and which values files it has; `code` identifies
 * the planner and serialiser that turn them into files. Equal keys, equal generated files.
 */
export function clusterInputKey(fleet: Fleet, cluster: Cluster, code: string): string {
  const apps = [...new Set(cluster.entries.map((e) => e.name))].sort().map((name) => {
    const app = fleet.apps.get(name);
    return app ? [name, appDigest(app)] : [name, null];
  });
  const input = [code, cluster.name, cluster.spec, cluster.profile, cluster.arch, cluster.entries, [...cluster.valueOverrides].sort(), apps];
  return sha256(input);
}

// An app is listed by many clusters (50 apps on each of 200 clusters): its part of the key is
// serialised and hashed once per loaded model, not once per cluster that lists it.
const appDigests = new WeakMap<App, string>();

function appDigest(app: App): string {
  let digest = appDigests.get(app);
  if (digest === undefined) {
    digest = sha256([app.spec, [...app.valueVariants].sort()]);
    appDigests.set(app, digest);
  }
  return digest;
}

function sha256(input: unknown): string {
  return createHash("sha256").update(JSON.stringify(input, (_k, v: unknown) => (typeof v === "bigint" ? { bigint: String(v) } : v))).digest("hex");
}
