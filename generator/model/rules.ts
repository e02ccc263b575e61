import type { Diagnostic } from "../errors.js";
import { SYSTEM_NAMESPACES, layout } from "../layout.js";
import { diagnosticAt } from "../yaml/source.js";
import type { App, Cluster, Fleet } from "./fleet.js";
import { clusterKindAllowed, isNamespaceKind } from "./cluster-kinds.js";
import { clusterInstances, type Instance } from "./instances.js";
import { KUSTOMIZATION_FILES, localSourceDir } from "./source-paths.js";
import { nearest } from "./suggest.js";
import { LAYERS, type Layer } from "./types.js";

/**
 * Cross-reference rules over a schema-valid fleet: references resolve, the dependency graph is
 * acyclic and flows from earlier layers to later ones, names and namespaces do not collide.
 */
export function checkFleet(fleet: Fleet): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const app of fleet.apps.values()) out.push(...checkApp(app, fleet));
  out.push(...findCycles(fleet));
  for (const cluster of fleet.clusters) out.push(...checkCluster(cluster, fleet));
  return out;
}

/**
 * Credentials in a repository URL would be copied into every Application and AppProject (and
 * into git history): https://user:token@…, https://token@…, oci://user:pass@…. An ssh URL's user
 * (git@…, ssh://git@…) is a login name, not a secret; a password there is.
 */
export function urlCredentials(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined; // scp-like git@host:path, or rejected by the schema
  }
  if (parsed.password !== "") return "contains a password";
  if (parsed.username !== "" && parsed.protocol !== "ssh:") return "contains a user name or token before '@'";
  return undefined;
}

const URL_CREDENTIALS_HINT = "remove the credentials from the URL: give Argo CD the repository's credentials as a repository Secret (argocd.argoproj.io/secret-type: repository), sealed with berth seal, and rotate the exposed ones";

function checkApp(app: App, fleet: Fleet): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { spec, source } = app;
  if (spec.source.type === "helm") {
    const problem = urlCredentials(spec.source.repo);
    if (problem) out.push(diagnosticAt(source, ["source", "repo"], `source.repo ${problem}`, URL_CREDENTIALS_HINT));
  }
  const templated = spec.namespace.includes("{environment}");
  if (templated && !spec.perEnvironment) {
    out.push(diagnosticAt(source, ["namespace"], `namespace "${spec.namespace}" uses {environment} but the app is not per-environment`, "add `perEnvironment: true`, or use a fixed namespace"));
  }
  if (!templated && spec.perEnvironment) {
    out.push(diagnosticAt(source, ["namespace"], `per-environment app needs a namespace per environment, got "${spec.namespace}"`, 'include {environment} in the namespace, e.g. "{environment}" or "shop-{environment}"'));
  }
  (spec.dependsOn ?? []).forEach((dep, i) => {
    const target = fleet.apps.get(dep);
    if (!target) {
      const guess = nearest(dep, fleet.apps.keys());
      out.push(diagnosticAt(source, ["dependsOn", i], `dependsOn names "${dep}", which is not an app under apps/`, guess ? `did you mean "${guess}"?` : "create apps/" + dep + "/app.yaml or remove the entry"));
    } else if (dep === app.name) {
      out.push(diagnosticAt(source, ["dependsOn", i], `app "${app.name}" depends on itself`, "remove the entry"));
    } else if (LAYERS.indexOf(target.spec.layer) > LAYERS.indexOf(spec.layer)) {
      out.push(diagnosticAt(source, ["dependsOn", i], `app "${app.name}" (layer ${spec.layer}) depends on "${dep}" (layer ${target.spec.layer}), which syncs later`, `move "${dep}" to layer ${spec.layer} or earlier, or drop the dependency`));
    }
  });
  if (spec.namespaceMetadata && SYSTEM_NAMESPACES.has(spec.namespace)) {
    out.push(diagnosticAt(source, ["namespaceMetadata"], `namespaceMetadata cannot be applied to "${spec.namespace}": berth never manages a system namespace`, "remove namespaceMetadata, or deploy the app into a namespace of its own"));
  }
  (spec.clusterResources ?? []).forEach((k, i) => {
    if (isNamespaceKind(k.group, k.kind)) {
      out.push(diagnosticAt(source, ["clusterResources", i], "apps do not create Namespaces: berth creates the app's namespace (clusters/<cluster>/argocd/namespaces.yaml) before the app syncs", "remove this entry; put the namespace's labels and annotations under namespaceMetadata"));
    } else if (!clusterKindAllowed(spec.layer, k.group, k.kind)) {
      out.push(diagnosticAt(source, ["clusterResources", i], `layer ${spec.layer} may not create the cluster-scoped kind ${k.group || "core"}/${k.kind}`, spec.layer === "apps" ? "move the cluster-scoped part (CRDs, ClusterRoles) into a platform or infra app this app dependsOn" : "monitoring apps may only create ClusterRole and ClusterRoleBinding; install CRDs from an infra app"));
    }
  });
  (spec.connectionPools ?? []).forEach((pool, i) => {
    const target = fleet.apps.get(pool.to);
    if (!target?.spec.postgres) {
      out.push(diagnosticAt(source, ["connectionPools", i, "to"], `connection pool points at "${pool.to}", which is not an app with a \`postgres:\` section`, "name the Postgres app this service connects to"));
    }
  });
  return out;
}

/** Every dependency cycle, named in full, reported once at the alphabetically first app of the cycle. */
function findCycles(fleet: Fleet): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string) => {
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of fleet.apps.get(name)?.spec.dependsOn ?? []) {
      if (!fleet.apps.has(dep) || dep === name) continue;
      if (state.get(dep) === "visiting") {
        const cycle = stack.slice(stack.indexOf(dep));
        const start = [...cycle].sort()[0]!;
        const rotated = [...cycle.slice(cycle.indexOf(start)), ...cycle.slice(0, cycle.indexOf(start))];
        const key = rotated.join(">");
        if (!seen.has(key)) {
          seen.add(key);
          const app = fleet.apps.get(start)!;
          const next = rotated[1] ?? start;
          const idx = (app.spec.dependsOn ?? []).indexOf(next);
          out.push(diagnosticAt(app.source, ["dependsOn", idx], `dependency cycle: ${[...rotated, start].join(" → ")}`, "remove one dependsOn edge of the cycle"));
        }
      } else if (!state.has(dep)) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(name, "done");
  };
  for (const name of [...fleet.apps.keys()].sort()) if (!state.has(name)) visit(name);
  return out;
}

function checkCluster(cluster: Cluster, fleet: Fleet): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { spec, source } = cluster;
  const urlProblem = urlCredentials(spec.repo.url);
  if (urlProblem) out.push(diagnosticAt(source, ["repo", "url"], `repo.url ${urlProblem}`, URL_CREDENTIALS_HINT));
  const external = spec.external ?? {};
  // Duplicates are found here by name, in one pass (the schema's uniqueItems would compare every
  // pair of entries, and miss `web` beside `{ name: web }`).
  const enabled = new Map<string, number>();
  for (const entry of cluster.entries) {
    const at = ["apps", entry.index];
    const app = fleet.apps.get(entry.name);
    const first = enabled.get(entry.name);
    if (first !== undefined) {
      out.push(diagnosticAt(source, at, `apps lists app "${entry.name}" twice (entries ${first + 1} and ${entry.index + 1})`, "remove the duplicate entry"));
      continue;
    }
    enabled.set(entry.name, entry.index);
    if (!app) {
      const guess = nearest(entry.name, fleet.apps.keys());
      out.push(diagnosticAt(source, at, `unknown app "${entry.name}": there is no apps/${entry.name}/app.yaml`, guess ? `did you mean "${guess}"?` : `create apps/${entry.name}/app.yaml or remove the entry`));
      continue;
    }
    if (app.spec.profiles && !app.spec.profiles.includes(cluster.profile)) {
      out.push(diagnosticAt(source, at, `app "${entry.name}" supports profiles ${app.spec.profiles.join(", ")}, not this cluster's profile "${cluster.profile}"`, `remove it from this cluster, or add "${cluster.profile}" to profiles in ${layout.appFile(entry.name)}`));
    }
    if (entry.environments && !app.spec.perEnvironment) {
      out.push(diagnosticAt(source, [...at, "environments"], `app "${entry.name}" is not per-environment, so it cannot select environments`, "remove `environments:` from this entry"));
    }
    (entry.environments ?? []).forEach((env, j) => {
      if (!spec.environments.includes(env)) {
        out.push(diagnosticAt(source, [...at, "environments", j], `environment "${env}" is not hosted by this cluster (${spec.environments.join(", ")})`, "add it to the cluster's environments or remove it here"));
      }
    });
    if (external[entry.name]) {
      out.push(diagnosticAt(source, ["external", entry.name], `app "${entry.name}" is both enabled and external on this cluster`, "remove it from apps: or from external:"));
    }
  }
  for (const name of Object.keys(external)) {
    if (!fleet.apps.has(name)) {
      out.push(diagnosticAt(source, ["external", name], `external service "${name}" does not name an app under apps/`, "use the name of the app it replaces", true));
    }
  }
  for (const entry of cluster.entries) {
    for (const dep of fleet.apps.get(entry.name)?.spec.dependsOn ?? []) {
      if (fleet.apps.has(dep) && !enabled.has(dep) && !external[dep]) {
        out.push(diagnosticAt(source, ["apps", entry.index], `app "${entry.name}" depends on "${dep}", which does not run on cluster "${cluster.name}"`, `add "${dep}" to apps:, or declare it under external: when a managed service replaces it`));
      }
    }
  }
  const instances = clusterInstances(fleet, cluster);
  const roles = (role: string) => instances.filter((i) => i.app?.spec.role === role);
  if (roles("argocd").length !== 1) {
    out.push(diagnosticAt(source, ["apps"], `cluster must run exactly one app with role argocd (Argo CD manages itself), found ${roles("argocd").length}`, "enable the argo-cd app on this cluster"));
  }
  if (instances.some((i) => i.kind === "secrets") && roles("sealed-secrets").length === 0) {
    out.push(diagnosticAt(source, ["apps"], "apps on this cluster consume secrets but no app with role sealed-secrets runs here", "enable the sealed-secrets app on this cluster"));
  }
  const ids = new Map<string, string>();
  const namespaceLayer = new Map<string, { layer: Layer; by: string }>();
  const namespaceMeta = new Map<string, { value: string; by: string }>();
  for (const inst of instances) {
    const owner = describeInstance(inst);
    const prev = ids.get(inst.id);
    if (prev !== undefined) {
      out.push(diagnosticAt(source, ["apps"], `two Applications are both named "${inst.id}" on this cluster: ${prev}, and ${owner}`, "rename one of the apps (or its namespace)"));
    }
    ids.set(inst.id, owner);
    out.push(...finalNameProblems(cluster, inst));
    if (inst.kind !== "app") continue;
    const claim = namespaceLayer.get(inst.namespace);
    if (claim && claim.layer !== inst.layer) {
      const [first, second] = [claim, { layer: inst.layer, by: inst.app!.name }].sort((a, b) => LAYERS.indexOf(a.layer) - LAYERS.indexOf(b.layer));
      out.push(diagnosticAt(source, ["apps", inst.entry!.index], `namespace "${inst.namespace}" is claimed by layer ${first!.layer} (${first!.by}) and layer ${second!.layer} (${second!.by})`, "give one of the apps its own namespace, or put both in the same layer"));
    } else if (!claim) {
      namespaceLayer.set(inst.namespace, { layer: inst.layer, by: inst.app!.name });
    }
    // One Namespace object carries what every app in it asks for, so the apps must agree.
    for (const field of ["labels", "annotations"] as const) {
      for (const [key, value] of Object.entries(inst.app!.spec.namespaceMetadata?.[field] ?? {})) {
        const slot = `${inst.namespace}\0${field}\0${key}`;
        const prev = namespaceMeta.get(slot);
        if (!prev) namespaceMeta.set(slot, { value, by: owner });
        else if (prev.value !== value) {
          out.push(diagnosticAt(inst.app!.source, ["namespaceMetadata", field, key], `namespace "${inst.namespace}" on cluster "${cluster.name}" gets ${field} ${key}: "${value}" from app ${owner} but "${prev.value}" from app ${prev.by}`, `give ${key} the same value in both apps' namespaceMetadata`));
        }
      }
    }
    const dir = localSourceDir(inst.app!, cluster.profile, inst.environment);
    if (dir) {
      const type = inst.app!.spec.source.type;
      const markers: readonly string[] = type === "chart" ? ["Chart.yaml"] : type === "kustomize" ? KUSTOMIZATION_FILES : [""];
      const marker = markers[0];
      const named = markers.length > 1 ? `${markers.slice(0, -1).join(", ")} or ${markers.at(-1)}` : marker;
      if (!markers.some((m) => fleet.existingSourcePaths.has(m ? `${dir}/${m}` : dir))) {
        out.push(diagnosticAt(inst.app!.source, ["source", "path"], `source folder ${dir}${marker ? ` has no ${named}` : " does not exist"} (for cluster "${cluster.name}")`, `create ${dir}${marker ? `/${marker}` : "/"} or correct source.path`));
      }
    }
  }
  return out;
}

/** Where an Application comes from, for messages that must tell two of them apart. */
function describeInstance(inst: Instance): string {
  if (inst.kind === "secrets") return `the SealedSecrets Application of namespace "${inst.namespace}"`;
  return `app "${inst.app!.name}"${inst.environment ? ` in environment "${inst.environment}"` : ""}`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Names as Kubernetes will see them, after `{environment}` is substituted: a namespace and an
 * Application name (Argo CD copies it into the app.kubernetes.io/instance label) must each be a
 * DNS label of at most 63 characters, or the sync fails on the cluster instead of here.
 */
function finalNameProblems(cluster: Cluster, inst: Instance): Diagnostic[] {
  const out: Diagnostic[] = [];
  const where = inst.kind === "app" ? { source: inst.app!.source, path: ["namespace"] } : { source: cluster.source, path: ["apps"] };
  const check = (what: string, value: string, hint: string) => {
    const problem = value.length > 63 ? `is ${value.length} characters long, at most 63 are allowed` : DNS_LABEL.test(value) ? undefined : "is not a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit)";
    if (problem) out.push(diagnosticAt(where.source, where.path, `${what} "${value}"${inst.environment ? ` (environment "${inst.environment}" on cluster "${cluster.name}")` : ` (on cluster "${cluster.name}")`} ${problem}`, hint));
  };
  check("namespace", inst.namespace, "shorten the namespace template or the environment name, using lowercase letters, digits and '-'");
  if (inst.kind === "app") check("Application name", inst.id, "shorten the app folder's name or the environment name");
  return out;
}
