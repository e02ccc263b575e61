import { ARGOCD_NAMESPACE } from "../layout.js";
import { NOTIFICATIONS_SECRET, notifySecretKeys } from "./notify-secret.js";
import type { PathSegment, YamlSource } from "../yaml/source.js";
import type { App, Cluster, ClusterAppEntry, Fleet } from "./fleet.js";
import { LAYERS, type Layer } from "./types.js";

/** One Argo CD Application on one cluster: an app (per environment where it is per-environment) or a secrets folder. */
export interface Instance {
  /** The Application name, unique on the cluster. */
  id: string;
  kind: "app" | "secrets";
  layer: Layer;
  namespace: string;
  /** Set for app instances. */
  app?: App;
  entry?: ClusterAppEntry;
  environment?: string;
  /** Ids of the instances that must be Healthy first. */
  deps: string[];
}

/** One Secret an instance needs, with where it is declared (for diagnostics). */
export interface NeededSecret {
  name: string;
  keys: readonly string[];
  namespace?: string;
  type?: string;
  source: YamlSource;
  path: PathSegment[];
}

/**
 * The Secrets an app instance needs: its app.yaml `secrets:`, and for Argo CD's own app on a
 * cluster with `notify`, the notifications credential (declared by cluster.yaml).
 */
export function secretsOf(cluster: Cluster, inst: Instance): NeededSecret[] {
  const app = inst.app;
  if (!app) return [];
  const out: NeededSecret[] = (app.spec.secrets ?? []).map((s, i) => ({ ...s, source: app.source, path: ["secrets", i] }));
  if (app.spec.role === "argocd" && cluster.spec.notify) {
    out.push({ name: NOTIFICATIONS_SECRET, namespace: ARGOCD_NAMESPACE, keys: notifySecretKeys(cluster.spec.notify), source: cluster.source, path: ["notify"] });
  }
  return out;
}

export const secretsInstanceId = (namespace: string) => `secrets-${namespace}`;

export function namespaceOf(app: App, environment: string | undefined): string {
  return environment ? app.spec.namespace.replace("{environment}", environment) : app.spec.namespace;
}

/** The environments an enabled app runs in on a cluster; `[undefined]` for a shared app. */
export function environmentsOf(cluster: Cluster, entry: ClusterAppEntry, app: App): (string | undefined)[] {
  if (!app.spec.perEnvironment) return [undefined];
  return entry.environments ?? [...cluster.spec.environments];
}

/** The instances of each cluster of a loaded fleet, computed once: validate's checks each ask (eight times at 10,000 apps). */
const computed = new WeakMap<Cluster, { fleet: Fleet; instances: readonly Instance[] }>();

/**
 * Expands a cluster's enabled apps into Application instances with their dependency edges.
 * Unknown apps and external services are skipped here; rules.ts reports them. A loaded fleet is
 * not changed, so the expansion is kept per fleet and cluster; each caller gets its own array
 * (the instances are shared, and no caller changes them).
 */
export function clusterInstances(fleet: Fleet, cluster: Cluster): Instance[] {
  const known = computed.get(cluster);
  if (known?.fleet === fleet) return [...known.instances];
  const instances = expandInstances(fleet, cluster);
  computed.set(cluster, { fleet, instances });
  return [...instances];
}

function expandInstances(fleet: Fleet, cluster: Cluster): Instance[] {
  const external = new Set(Object.keys(cluster.spec.external ?? {}));
  const enabled = cluster.entries.filter((e) => fleet.apps.has(e.name) && !external.has(e.name));
  const byApp = new Map<string, Instance[]>();
  const instances: Instance[] = [];
  for (const entry of enabled) {
    const app = fleet.apps.get(entry.name)!;
    const list = environmentsOf(cluster, entry, app).map<Instance>((environment) => ({
      id: environment ? `${app.name}-${environment}` : app.name,
      kind: "app",
      layer: app.spec.layer,
      namespace: namespaceOf(app, environment),
      app,
      entry,
      environment,
      deps: [],
    }));
    byApp.set(app.name, list);
    instances.push(...list);
  }
  for (const inst of instances) {
    for (const dep of inst.app?.spec.dependsOn ?? []) {
      const targets = byApp.get(dep) ?? [];
      const sameEnv = targets.filter((t) => t.environment !== undefined && t.environment === inst.environment);
      inst.deps.push(...(sameEnv.length > 0 ? sameEnv : targets).map((t) => t.id));
    }
  }
  // Argo CD's own credentials (berth repo connect) live in its namespace and are synced like any secret.
  const credentials = (cluster.spec.repo.access ?? "public") !== "public" || (cluster.spec.registries?.length ?? 0) > 0;
  instances.push(...secretsInstances(cluster, instances, credentials ? [ARGOCD_NAMESPACE] : []));
  return instances.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * One Application per namespace that holds consumed secrets, ordered after the controller and before
 * consumers; and one for each namespace in `alsoSynced` (Argo CD's, for its repository credentials,
 * which Argo CD itself consumes).
 */
function secretsInstances(cluster: Cluster, instances: Instance[], alsoSynced: readonly string[]): Instance[] {
  const controller = instances.find((i) => i.app?.spec.role === "sealed-secrets");
  const layerOfNamespace = new Map<string, Layer>();
  for (const i of instances) layerOfNamespace.set(i.namespace, i.layer);
  const consumersByNamespace = new Map<string, Instance[]>();
  for (const inst of instances) {
    for (const s of secretsOf(cluster, inst)) {
      const ns = s.namespace ?? inst.namespace;
      consumersByNamespace.set(ns, [...(consumersByNamespace.get(ns) ?? []), inst]);
    }
  }
  for (const ns of alsoSynced) if (!consumersByNamespace.has(ns)) consumersByNamespace.set(ns, []);
  const out: Instance[] = [];
  for (const [namespace, consumers] of consumersByNamespace) {
    const id = secretsInstanceId(namespace);
    const earliest = LAYERS.find((l) => consumers.some((c) => c.layer === l)) ?? LAYERS[0]!;
    const owner = layerOfNamespace.get(namespace);
    const layer = owner && LAYERS.indexOf(owner) <= LAYERS.indexOf(earliest) ? owner : earliest;
    out.push({ id, kind: "secrets", layer, namespace, deps: controller ? [controller.id] : [] });
    for (const c of consumers) if (!c.deps.includes(id)) c.deps.push(id);
  }
  return out;
}
