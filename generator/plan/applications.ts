import { posix } from "node:path";
import { ARGOCD_NAMESPACE, IN_CLUSTER, layout } from "../layout.js";
import { PROFILE_DEFAULTS, type Cluster } from "../model/fleet.js";
import type { Instance } from "../model/instances.js";
import { localSourceDir } from "../model/source-paths.js";
import { argocdSelfValues } from "./argocd-self.js";
import { mergeValues } from "./merge.js";
import { appSubscriptions, notificationValues } from "./notifications.js";
import { argoRepoURL } from "./repos.js";
import { sharedPart } from "../yaml/emit.js";

export const RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io";

/** `keepApplications: true`: neither pruned nor deleted by a cascade (as berth's Namespaces always are). */
export const KEEP_SYNC_OPTIONS = "Prune=false,Delete=false";

/**
 * Retry with a bounded backoff: transient failures (a CRD not yet established, a webhook starting)
 * heal within minutes. Argo CD's policy cannot tell them from a permission error (a kind the
 * project does not allow), which never heals; the bound (10+20+40+80+120 s, under 5 minutes in
 * all) keeps such an operation from running for half an hour, and Argo CD does not finish deleting
 * an Application while its operation runs. `berth validate --render` refuses project denials
 * before they merge; `berth status` names `argocd app terminate-op` for an operation that keeps failing.
 */
export const RETRY = sharedPart({ limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "2m" } });

/*
 * The parts every Application shares, written once by the emitter (yaml/emit.ts sharedPart), not
 * in each of 10,000.
 */
const AUTOMATED = sharedPart({ prune: true, selfHeal: true });
const SYNC_POLICY = sharedPart({ automated: AUTOMATED, retry: RETRY });
const FINALIZERS = sharedPart([RESOURCES_FINALIZER]);

export interface ApplicationContext {
  cluster: Cluster;
  wave: number;
  /** With `appOfApps: layered`: the parent Application that syncs this one (parents.ts). */
  parent?: string;
}

export function labelsFor(cluster: Cluster, inst: Instance): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "berth",
    "berth.dev/cluster": cluster.name,
    "berth.dev/layer": inst.layer,
    ...(inst.app ? { "berth.dev/app": inst.app.name } : {}),
    ...(inst.environment ? { "berth.dev/environment": inst.environment } : {}),
  };
}

/** The child Application of one instance. */
export function buildApplication(inst: Instance, ctx: ApplicationContext): Record<string, unknown> {
  const { cluster } = ctx;
  const spec = inst.app?.spec;
  const isArgoCD = spec?.role === "argocd";
  // No CreateNamespace: the root creates every namespace first (namespaces.ts).
  const syncOptions: string[] = [];
  if (spec?.sync?.serverSideApply) syncOptions.push("ServerSideApply=true");
  if (spec?.sync?.skipDryRunOnMissingResource) syncOptions.push("SkipDryRunOnMissingResource=true");
  if (spec?.sync?.replace) syncOptions.push("Replace=true");
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: inst.id,
      namespace: ARGOCD_NAMESPACE,
      // The parent shows in previews: moving to another parent is a change worth reviewing.
      labels: ctx.parent ? { ...labelsFor(cluster, inst), "berth.dev/parent": ctx.parent } : labelsFor(cluster, inst),
      annotations: {
        "argocd.argoproj.io/sync-wave": String(ctx.wave),
        "argocd.argoproj.io/manifest-generate-paths": generatePaths(inst, cluster),
        // Read from the live object by the Application that prunes or cascades: a move between
        // parents then cannot delete the app (docs/scale.md).
        ...(cluster.spec.keepApplications ? { "argocd.argoproj.io/sync-options": KEEP_SYNC_OPTIONS } : {}),
        ...appSubscriptions(cluster),
      },
      // Deleting Argo CD's own Application must never cascade into deleting Argo CD.
      finalizers: isArgoCD ? undefined : FINALIZERS,
    },
    spec: {
      project: inst.layer,
      destination: { server: IN_CLUSTER, namespace: inst.namespace },
      ...sourcesOf(inst, ctx),
      ignoreDifferences: spec?.ignoreDifferences,
      syncPolicy: syncOptions.length > 0 ? { automated: AUTOMATED, retry: RETRY, syncOptions } : SYNC_POLICY,
    },
  };
}

/** Paths whose changes can alter this Application's manifests (Argo CD skips other commits). */
function generatePaths(inst: Instance, cluster: Cluster): string {
  if (inst.kind === "secrets") return `/${layout.secretsNamespaceDir(cluster.name, inst.namespace)}`;
  const paths = [`/${layout.appDir(inst.app!.name)}`];
  if (cluster.valueOverrides.has(inst.app!.name)) paths.push(`/${layout.clusterValuesFile(cluster.name, inst.app!.name)}`);
  return paths.join(";");
}

function sourcesOf(inst: Instance, ctx: ApplicationContext): Record<string, unknown> {
  const { cluster } = ctx;
  const git = { repoURL: cluster.spec.repo.url, targetRevision: cluster.spec.repo.revision ?? "main" };
  if (inst.kind === "secrets") {
    return { source: { ...git, path: layout.secretsNamespaceDir(cluster.name, inst.namespace), directory: { recurse: true } } };
  }
  const app = inst.app!;
  const src = app.spec.source;
  const dir = localSourceDir(app, cluster.profile, inst.environment);
  if (src.type === "kustomize") return { source: { ...git, path: dir } };
  if (src.type === "manifests") return { source: { ...git, path: dir, directory: { recurse: true } } };
  const files = valueFiles(inst, cluster);
  const values = valuesObject(inst, ctx);
  const helm = (prefix: (file: string) => string) => ({
    releaseName: app.spec.releaseName ?? app.name,
    valueFiles: files.length > 0 ? files.map(prefix) : undefined,
    valuesObject: Object.keys(values).length > 0 ? values : undefined,
  });
  if (src.type === "chart") {
    return { source: { ...git, path: dir, helm: helm((f) => posix.relative(dir!, f)) } };
  }
  // A remote chart with values kept in Git: Argo CD's multi-source form with a `$values` ref.
  const chart = { repoURL: argoRepoURL(src.repo), chart: src.chart, targetRevision: src.version, helm: helm((f) => `$values/${f}`) };
  return files.length > 0 ? { sources: [chart, valuesRef(cluster)] } : { source: chart };
}

/** The `ref: values` source of a cluster's repository, shared by its Applications (one a repository and revision). */
function valuesRef(cluster: Cluster): Readonly<Record<string, string>> {
  const repoURL = cluster.spec.repo.url;
  const targetRevision = cluster.spec.repo.revision ?? "main";
  const key = `${repoURL}\0${targetRevision}`;
  let ref = valuesRefs.get(key);
  if (ref === undefined) valuesRefs.set(key, (ref = sharedPart({ repoURL, targetRevision, ref: "values" })));
  return ref;
}

const valuesRefs = new Map<string, Readonly<Record<string, string>>>();

/** Values files in precedence order: app < profile < environment < cluster. */
export function valueFiles(inst: Instance, cluster: Cluster): string[] {
  const app = inst.app!;
  const files: string[] = [];
  if (app.valueVariants.has("")) files.push(layout.appValuesFile(app.name));
  for (const rel of app.spec.valueFiles ?? []) files.push(`${layout.appDir(app.name)}/${rel}`);
  if (app.valueVariants.has(cluster.profile)) files.push(layout.appValuesFile(app.name, cluster.profile));
  if (inst.environment && app.valueVariants.has(inst.environment)) files.push(layout.appValuesFile(app.name, inst.environment));
  if (cluster.valueOverrides.has(app.name)) files.push(layout.clusterValuesFile(cluster.name, app.name));
  // A file listed in valueFiles that is also a profile or environment variant counts once, first.
  return [...new Set(files)];
}

/** Inline values: berth's cluster context for local charts that ask for it, Argo CD's own settings, then the cluster's overrides. */
export function valuesObject(inst: Instance, ctx: ApplicationContext): Record<string, unknown> {
  const app = inst.app!;
  let values: Record<string, unknown> = {};
  if (app.spec.source.type === "chart" && app.spec.berthValues) values = { berth: clusterContext(inst, ctx.cluster) };
  if (app.spec.role === "argocd") values = mergeValues(mergeValues(values, argocdSelfValues({ knownHosts: ctx.cluster.spec.repo.knownHosts })), notificationValues(ctx.cluster) ?? {});
  if (inst.entry?.values) values = mergeValues(values, inst.entry.values);
  return values;
}

/**
 * What a local chart may know about where it runs: `.Values.berth.*`. Of the cluster's external
 * services, only those replacing apps this app depends on or pools connections to: one app's
 * chart does not learn another's database hosts.
 */
export function clusterContext(inst: Instance, cluster: Cluster): Record<string, unknown> {
  const defaults = PROFILE_DEFAULTS[cluster.profile];
  const spec = cluster.spec;
  return {
    cluster: cluster.name,
    profile: cluster.profile,
    arch: cluster.arch,
    environment: inst.environment,
    namespace: inst.namespace,
    ingress: spec.ingress
      ? {
          domain: spec.ingress.domain,
          gateway: spec.ingress.gateway ?? defaults.gateway,
          ...((spec.ingress.className ?? defaults.ingressClass) ? { className: spec.ingress.className ?? defaults.ingressClass } : {}),
        }
      : undefined,
    storageClass: spec.storage?.className ?? defaults.storageClass,
    tls: spec.tls ? { issuer: spec.tls.issuer } : undefined,
    external: ownExternal(inst, spec.external),
  };
}

function ownExternal<T>(inst: Instance, external: Record<string, T> | undefined): Record<string, T> | undefined {
  if (!external) return undefined;
  const app = inst.app!.spec;
  const mine = new Set([...(app.dependsOn ?? []), ...(app.connectionPools ?? []).map((p) => p.to)]);
  const own = Object.entries(external).filter(([name]) => mine.has(name));
  return own.length > 0 ? Object.fromEntries(own) : undefined;
}
