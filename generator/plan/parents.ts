import { hash } from "node:crypto";
import { ARGOCD_NAMESPACE, layout } from "../layout.js";
import type { Cluster } from "../model/fleet.js";
import type { Instance } from "../model/instances.js";
import { LAYERS, type Layer } from "../model/types.js";
import { RESOURCES_FINALIZER } from "./applications.js";
import type { NamespaceSpec } from "./namespaces.js";
import { generatedFolderSpec } from "./root.js";

/**
 * The layered app-of-apps (`appOfApps: layered`): the root syncs parent Applications, each parent
 * syncs one file of child Applications. A parent holds the children of one layer and one sync
 * wave, split by a hash of the child's name into a fixed number of buckets:
 * - one wave per parent keeps berth's order exactly (the root syncs the parents in wave order and a
 *   parent is Healthy only when its children are; children of one wave never wait on each other);
 * - the bucket is a pure function of the name, never of how many apps there are, so adding apps
 *   never moves an existing Application to another parent (a move lets Argo CD delete it first);
 * - 32 buckets keep every parent near 600 children at 20,000 apps in one wave, far under the
 *   limits validate checks (validate/argocd-limits.ts).
 */
export const PARENT_BUCKETS = 32;

export interface Parent {
  name: string;
  layer: Layer;
  wave: number;
  members: Instance[];
}

/** `root.apps.w13.0f`: dots never occur in app names (DNS labels), so a parent never collides with an app. */
export function parentName(layer: Layer, wave: number, bucket: number): string {
  return `root.${layer}.w${wave}.${bucket.toString(16).padStart(2, "0")}`;
}

export function bucketOf(id: string): number {
  // crypto.hash: one call per id, not a Hash object's three (10,000 of them per plan).
  return hash("sha256", id, "buffer").readUInt32BE(0) % PARENT_BUCKETS;
}

/** The cluster's parents in layer, wave and bucket order, each with its children sorted by id. */
export function groupByParent(instances: readonly Instance[], waves: ReadonlyMap<string, number>): Parent[] {
  const parents = new Map<string, Parent>();
  for (const inst of instances) {
    const wave = waves.get(inst.id)!;
    const name = parentName(inst.layer, wave, bucketOf(inst.id));
    let parent = parents.get(name);
    if (!parent) parents.set(name, (parent = { name, layer: inst.layer, wave, members: [] }));
    parent.members.push(inst);
  }
  const order = (p: Parent) => [LAYERS.indexOf(p.layer), p.wave] as const;
  return [...parents.values()]
    .sort((a, b) => {
      const [la, wa] = order(a);
      const [lb, wb] = order(b);
      return la - lb || wa - wb || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    })
    .map((p) => ({ ...p, members: p.members.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) }));
}

/**
 * A parent Application: it syncs only its own file of the cluster's generated folder (Argo CD's
 * directory `include`, which its repo-server applies before counting a source's size). Its
 * finalizer cascades: an Application removed from Git is deleted with its resources even when its
 * parent goes in the same commit.
 */
export function buildParent(cluster: Cluster, parent: Parent): Record<string, unknown> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: parent.name,
      namespace: ARGOCD_NAMESPACE,
      labels: { "app.kubernetes.io/managed-by": "berth", "berth.dev/cluster": cluster.name, "berth.dev/layer": parent.layer },
      annotations: { "argocd.argoproj.io/sync-wave": String(parent.wave) },
      finalizers: [RESOURCES_FINALIZER],
    },
    spec: generatedFolderSpec(cluster, layout.parentFileName(parent.name)),
  };
}

/** Each Namespace with the first parent (in sync order) whose children deploy into it. */
export function namespacesByParent(namespaces: readonly NamespaceSpec[], parents: readonly Parent[]): Map<string, NamespaceSpec[]> {
  const first = new Map<string, string>();
  for (const p of parents) for (const inst of p.members) if (!first.has(inst.namespace)) first.set(inst.namespace, p.name);
  const out = new Map<string, NamespaceSpec[]>();
  for (const ns of namespaces) {
    const owner = first.get(ns.name)!;
    const owned = out.get(owner);
    if (owned) owned.push(ns);
    else out.set(owner, [ns]);
  }
  return out;
}
