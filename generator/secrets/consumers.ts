import type { App, Cluster, Fleet } from "../model/fleet.js";
import { clusterInstances, secretsOf } from "../model/instances.js";
import type { PathSegment, YamlSource } from "../yaml/source.js";

/** One app instance's `secrets:` entry, resolved to a namespace on one cluster. */
export interface SecretConsumer {
  app: App;
  /** The Application name on the cluster (e.g. shop-staging). */
  instance: string;
  /** Where the need is declared (the app's app.yaml, or cluster.yaml for berth's own), for diagnostics. */
  source: YamlSource;
  path: PathSegment[];
  keys: string[];
  type?: string;
}

/** A Secret that must exist, sealed, on one cluster: everything its consumers need. */
export interface ConsumedSecret {
  cluster: string;
  namespace: string;
  name: string;
  /** Union of the consumers' keys, sorted. */
  keys: string[];
  /** The Secret type the consumers declare, if any (first in consumer order). */
  type?: string;
  consumers: SecretConsumer[];
}

export const secretId = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * The secrets each app running on the cluster consumes, one entry per namespace/name, sorted.
 * A per-environment app consumes its secrets once per environment, in that environment's namespace
 * unless the entry names one.
 */
export function consumedSecrets(fleet: Fleet, cluster: Cluster): ConsumedSecret[] {
  const byId = new Map<string, ConsumedSecret>();
  for (const inst of clusterInstances(fleet, cluster)) {
    if (inst.kind !== "app" || !inst.app) continue;
    for (const s of secretsOf(cluster, inst)) {
      const namespace = s.namespace ?? inst.namespace;
      const id = secretId(namespace, s.name);
      const entry = byId.get(id) ?? { cluster: cluster.name, namespace, name: s.name, keys: [], consumers: [] };
      byId.set(id, entry);
      entry.keys = [...new Set([...entry.keys, ...s.keys])].sort(compare);
      entry.type ??= s.type;
      entry.consumers.push({ app: inst.app!, instance: inst.id, source: s.source, path: s.path, keys: [...s.keys], ...(s.type ? { type: s.type } : {}) });
    }
  }
  return [...byId.values()].sort((a, b) => compare(secretId(a.namespace, a.name), secretId(b.namespace, b.name)));
}

/** The clusters on which some app consumes `namespace/name`, sorted by name. */
export function clustersConsuming(fleet: Fleet, namespace: string, name: string): Cluster[] {
  return fleet.clusters
    .filter((c) => consumedSecrets(fleet, c).some((s) => s.namespace === namespace && s.name === name))
    .sort((a, b) => compare(a.name, b.name));
}

/**
 * The `berth seal` command that seals the given keys; values are placeholders, never real ones.
 * `--from-literal` is shown for brevity; the hint text recommends --from-stdin/--from-file for real values.
 */
export function sealCommand(args: { cluster: string; namespace: string; name: string; keys: readonly string[]; type?: string }): string {
  const parts = ["berth seal", `--cluster ${args.cluster}`, `--namespace ${args.namespace}`, `--name ${args.name}`];
  if (args.type) parts.push(`--type ${args.type}`);
  for (const key of args.keys) parts.push(`--from-literal ${key}=<value>`);
  return parts.join(" ");
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
