import type { Diagnostic } from "../errors.js";
import { layout } from "../layout.js";
import { memoryBytes } from "../model/quantity.js";
import { localSourceDir } from "../model/source-paths.js";
import { valueFiles, valuesObject } from "../plan/applications.js";
import { mergeValues } from "../plan/merge.js";
import type { ClusterPlan } from "../plan/plan-cluster.js";
import { parseYamlSource } from "../yaml/source.js";
import { readInputText } from "../read/input-files.js";
import { walkTree } from "../read/walk.js";

/**
 * Limits of the pinned Argo CD and of Kubernetes that berth's output can reach, checked before a
 * commit rather than discovered as a root that no longer syncs:
 * - the repo-server refuses a directory source whose included manifest files add up to more than
 *   `reposerver.max.combined.directory.manifests.size` (argocd-cmd-params-cm; 10M by default,
 *   reposerver/repository/repository.go getPotentiallyValidManifests) — every generated folder an
 *   Application syncs, and every local folder of manifests an app deploys;
 * - an Application lists each object it syncs twice in its status (resources, and the last sync's
 *   result with a message), and etcd refuses an object over its request limit (1.5 MiB by default):
 *   a parent with thousands of children can no longer record its status.
 * Helm and kustomize sources have no size limit in the repo-server.
 */
export const DIRECTORY_LIMIT_PARAM = "reposerver.max.combined.directory.manifests.size";
export const DEFAULT_DIRECTORY_LIMIT = "10M";
/** etcd's default --max-request-bytes. */
export const ETCD_OBJECT_LIMIT = 1.5 * 1024 * 1024;
/**
 * An Application's status may take two thirds of it: the rest is spec, conditions, history and the
 * running operation.
 */
export const STATUS_BUDGET = ETCD_OBJECT_LIMIT * (2 / 3);

/**
 * Bytes one synced object adds to its Application's status: its entry in status.resources
 * (group, version, kind, namespace, name, sync and health status, about 150 bytes besides the
 * name) and in status.operationState.syncResult.resources (the same and a message that repeats
 * the name, about 200 more), rounded up.
 */
export function statusBytesPerChild(name: string, namespace: string): number {
  return 400 + 3 * name.length + 2 * namespace.length;
}

/** Argo CD reads these in a directory source (its manifestFile pattern); jsonnet is not counted towards the limit. */
const COUNTED = /\.(ya?ml|json)$/;

export function checkArgoCDLimits(root: string, plan: ClusterPlan): Diagnostic[] {
  const out: Diagnostic[] = [];
  const cluster = plan.cluster.name;
  const clusterFile = layout.clusterFile(cluster);
  const limit = directoryLimit(root, plan);
  const fix = `set \`appOfApps: layered\` in ${clusterFile} (see docs/scale.md)`;

  // Generated directory sources: what each Application of the generated folder includes.
  const bytes = new Map(plan.files.map((f) => [f.path, Buffer.byteLength(f.content, "utf8")]));
  const children = new Map(plan.files.map((f) => [f.path, (f.documents ?? []).map((d) => d.object)]));
  const generatedDir = `${layout.generatedDir(cluster)}/`;
  for (const file of plan.files) {
    for (const app of children.get(file.path) ?? []) {
      const source = app?.kind === "Application" ? app.spec?.source : undefined;
      if (!source || source.path !== layout.generatedDir(cluster)) continue;
      const include: string | undefined = source.directory?.include;
      const synced = [...bytes.keys()].filter((p) => p.startsWith(generatedDir) && includes(include, p.slice(generatedDir.length)));
      const size = synced.reduce((n, p) => n + bytes.get(p)!, 0);
      const name = String(app.metadata?.name);
      if (size > limit.bytes) {
        out.push({
          file: file.path,
          line: 0,
          col: 0,
          message: `Application ${name} syncs ${formatBytes(size)} of manifests from ${layout.generatedDir(cluster)}/, over Argo CD's ${DIRECTORY_LIMIT_PARAM} of ${limit.value} (${limit.from}): the repo-server refuses every sync of it`,
          hint: fix,
        });
      }
      const objects = synced.flatMap((p) => children.get(p) ?? []).filter((o) => o && o !== app);
      const status = objects.reduce((n, o) => n + statusBytesPerChild(String(o.metadata?.name ?? ""), String(o.metadata?.namespace ?? "")), 0);
      if (status > STATUS_BUDGET) {
        out.push({
          file: file.path,
          line: 0,
          col: 0,
          message: `Application ${name} syncs ${objects.length} objects: its status would take about ${formatBytes(status)}, and with its spec and history pass etcd's ${formatBytes(ETCD_OBJECT_LIMIT)} object limit, after which Argo CD can no longer record its syncs`,
          hint: fix,
        });
      }
    }
  }

  // Any one object berth generates (an AppProject lists every namespace of its layer).
  for (const file of plan.files) {
    for (const doc of file.documents ?? []) {
      // Most objects are far below the budget: their JSON is not built (20,000 at 10,000 apps).
      if (jsonBytesAtMost(doc.object, STATUS_BUDGET) <= STATUS_BUDGET) continue;
      const size = Buffer.byteLength(JSON.stringify(doc.object), "utf8");
      if (size > STATUS_BUDGET) {
        out.push({
          file: file.path,
          line: 0,
          col: 0,
          message: `${String(doc.object.kind)} ${String(doc.object.metadata?.name)} is ${formatBytes(size)} as JSON, near etcd's ${formatBytes(ETCD_OBJECT_LIMIT)} object limit: the API server refuses it once its status is added, or already does`,
          hint: `spread the cluster's apps over more layers or clusters; ${fix}`,
        });
      }
    }
  }

  // Local folders of manifests and of SealedSecrets (directory sources, recursive).
  for (const inst of plan.instances) {
    const app = inst.app;
    const dir = inst.kind === "secrets" ? layout.secretsNamespaceDir(cluster, inst.namespace) : app?.spec.source.type === "manifests" ? localSourceDir(app, plan.cluster.profile, inst.environment) : undefined;
    if (!dir) continue;
    const size = countedBytes(root, dir);
    if (size > limit.bytes) {
      out.push({
        file: app ? layout.appFile(app.name) : clusterFile,
        line: 0,
        col: 0,
        message: `${dir}/ holds ${formatBytes(size)} of manifests, over Argo CD's ${DIRECTORY_LIMIT_PARAM} of ${limit.value} (${limit.from}) on cluster ${cluster}: the repo-server refuses to sync ${inst.id}`,
        hint: app ? `split the folder into several apps, or raise ${DIRECTORY_LIMIT_PARAM} under configs.params in the argo-cd app's values` : `raise ${DIRECTORY_LIMIT_PARAM} under configs.params in the argo-cd app's values`,
      });
    }
  }
  return out;
}

/** The limit the cluster's Argo CD runs with: configs.params of its argo-cd app (argo-helm's key), else Argo CD's default. */
export function directoryLimit(root: string, plan: ClusterPlan): { bytes: number; value: string; from: string } {
  const argocd = plan.instances.find((i) => i.app?.spec.role === "argocd");
  let found: { value: string; from: string } | undefined;
  if (argocd) {
    let values: Record<string, unknown> = {};
    for (const file of valueFiles(argocd, plan.cluster)) {
      // Read as the loader reads inputs (links, devices and size refused); the loader reports problems.
      const read = readInputText(root, file);
      if (!("text" in read)) continue;
      const parsed = parseYamlSource(file, read.text).source?.value;
      if (parsed && typeof parsed === "object") values = mergeValues(values, parsed as Record<string, unknown>);
      const v = param(parsed);
      if (v !== undefined) found = { value: v, from: file };
    }
    const inline = param(valuesObject(argocd, { cluster: plan.cluster, wave: 0 }));
    if (inline !== undefined) found = { value: inline, from: layout.clusterFile(plan.cluster.name) };
  }
  const value = found?.value ?? DEFAULT_DIRECTORY_LIMIT;
  const bytes = memoryBytes(value);
  // "0" turns the check off in Argo CD.
  return { bytes: bytes > 0 ? bytes : Infinity, value, from: found?.from ?? "Argo CD's default" };
}

function param(values: unknown): string | undefined {
  const v = (values as { configs?: { params?: Record<string, unknown> } } | undefined)?.configs?.params?.[DIRECTORY_LIMIT_PARAM];
  return v === undefined || v === null ? undefined : String(v);
}

/** Argo CD's directory `include` as berth writes it: one file name, or `{a,b,…}`. */
function includes(include: string | undefined, rel: string): boolean {
  if (include === undefined) return !rel.includes("/");
  const m = /^\{(.*)\}$/.exec(include);
  return (m ? m[1]!.split(",") : [include]).includes(rel);
}

/** Bytes of the manifest files under a folder, as Argo CD counts them (links followed, as its repo-server does within the repository). */
function countedBytes(root: string, dir: string): number {
  let total = 0;
  for (const entry of walkTree(root, dir, { links: "follow" })) {
    if (entry.target?.isFile() && COUNTED.test(entry.rel)) total += Number(entry.target.size);
  }
  return total;
}

/**
 * An upper bound of `Buffer.byteLength(JSON.stringify(value))`, or a number over `budget` once it
 * passes it (or for anything but plain data: a bigint, a toJSON, which JSON.stringify is left to
 * handle). A string's UTF-16 unit is at most 6 bytes of JSON (`\u001f`, or 3 bytes of UTF-8 and
 * no escape), a number at most 32 characters, and each key and value adds quotes, colon, comma.
 */
export function jsonBytesAtMost(value: unknown, budget: number): number {
  if (typeof value === "string") return 6 * value.length + 2;
  if (typeof value === "bigint") return Infinity;
  if (value === null || typeof value !== "object") return 32;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return Infinity;
  let n = 2;
  if (Array.isArray(value)) {
    for (const item of value) {
      n += jsonBytesAtMost(item, budget) + 1;
      if (n > budget) return n;
    }
    return n;
  }
  for (const key of Object.keys(value)) {
    n += 6 * key.length + 4 + jsonBytesAtMost((value as Record<string, unknown>)[key], budget);
    if (n > budget) return n;
  }
  return n;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}
