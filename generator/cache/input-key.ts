import { createHash } from "node:crypto";
import type { App, Cluster, Fleet } from "../model/fleet.js";

/**
 * A digest of everything {@link planCluster} reads for one cluster: the cluster's validated model
 * and, for each app it lists, that app's model and which values files it has; `code` identifies
 * the planner and serialiser that turn them into files. Equal keys, equal generated files.
 */
export function clusterInputKey(fleet: Fleet, cluster: Cluster, code: string): string {
  const hash = createHash("sha256").update(json([code, ...clusterFields(cluster)]));
  for (const name of [...new Set(cluster.entries.map((e) => e.name))].sort()) {
    const app = fleet.apps.get(name);
    // JSON has no raw NUL, so the parts cannot run into each other.
    hash.update(`\0${json(name)}\0`).update(app ? appPart(app) : "null");
  }
  return hash.digest("hex");
}

/**
 * Whether {@link clusterInputKey} (with one code) is the same for cluster `ac` of fleet `a` and
 * `bc` of `b`, found without hashing and without serialising what the fleets share: a preview's
 * head holds the base's model of every app no change touches, so of 10,000 apps only the
 * touched ones are compared, as the JSON the key hashes.
 */
export function sameClusterInputs(a: Fleet, ac: Cluster, b: Fleet, bc: Cluster): boolean {
  // The key's cluster fields, without the code: equal exactly when the key's arrays are.
  if (json(clusterFields(ac)) !== json(clusterFields(bc))) return false;
  // Equal entries, so the same app names.
  for (const name of new Set(ac.entries.map((e) => e.name))) {
    const [x, y] = [a.apps.get(name), b.apps.get(name)];
    if (x !== y && (!x || !y || appPart(x) !== appPart(y))) return false;
  }
  return true;
}

/** What the key takes of a cluster itself: one list, so that the key and {@link sameClusterInputs} cannot drift apart. */
function clusterFields(c: Cluster): unknown[] {
  return [c.name, c.spec, c.profile, c.arch, c.entries, [...c.valueOverrides].sort()];
}

/** An app's part of the key, serialised once per loaded app however many clusters list it. */
const appParts = new WeakMap<App, string>();
function appPart(app: App): string {
  let part = appParts.get(app);
  if (part === undefined) appParts.set(app, (part = json([app.spec, [...app.valueVariants].sort()])));
  return part;
}

/** JSON of a model value; bigints (integers beyond 2^53) are tagged, and cost a replacer only where they occur. */
function json(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? { bigint: String(v) } : v));
  }
}
