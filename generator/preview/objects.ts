import { createHash } from "node:crypto";
import { parseAllDocuments } from "yaml";
import type { ParsedSealedSecret } from "../sealer/index.js";
import { toYaml } from "../yaml/canonical.js";
import type { ClusterPlan } from "../plan/plan-cluster.js";
import { CLUSTER_GROUP, type RenderedResource, type SealedSecretSnapshot } from "./model.js";
import { layout } from "../layout.js";

/** Pure helpers: generated objects out of plans, SealedSecrets and rendered manifests reduced to what may be shown. */

export const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/** Shown in place of every Secret value and every SealedSecret ciphertext. */
export const MASK = "(hidden)";

export interface GeneratedObject {
  /** The Application name, or {@link CLUSTER_GROUP} for the root Application, AppProjects and Namespaces. */
  group: string;
  kind: string;
  namespace: string;
  name: string;
  yaml: string;
}

/** Every object berth generates for a cluster, keyed `Kind/name`, grouped by the Application it belongs to. */
export function generatedObjects(plan: ClusterPlan): Map<string, GeneratedObject> {
  const out = new Map<string, GeneratedObject>();
  const dir = `${layout.generatedDir(plan.cluster.name)}/`;
  for (const file of plan.files) {
    const rel = file.path.startsWith(dir) ? file.path.slice(dir.length) : file.path;
    const clusterLevel = layout.isClusterLevel(rel);
    // Planned files carry their objects and YAML; parse only a file that does not.
    const documents = file.documents ?? parseAllDocuments(file.content).map((doc) => ({ object: doc.toJS() as Record<string, any> | null, yaml: undefined }));
    for (const { object: obj, yaml } of documents) {
      if (!obj || typeof obj !== "object") continue;
      const kind = String(obj.kind ?? "Object");
      const name = String(obj.metadata?.name ?? rel);
      const namespace = String(obj.metadata?.namespace ?? "");
      out.set(`${kind}/${name}`, { group: clusterLevel ? CLUSTER_GROUP : name, kind, namespace, name, yaml: yaml ?? toYaml(obj) });
    }
  }
  return out;
}

/** A parsed SealedSecret file reduced to key names and ciphertext digests. */
export function snapshotSealedSecret(f: { cluster: string; namespace: string; name: string; file: string; parsed?: ParsedSealedSecret }, invalid?: string): SealedSecretSnapshot {
  const base = { cluster: f.cluster, namespace: f.namespace, name: f.name, file: f.file };
  if (!f.parsed) return { ...base, keys: {}, scope: "", type: "", template: "", invalid: invalid ?? "not a valid SealedSecret" };
  const { secret, scope } = f.parsed;
  const keys: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.spec.encryptedData ?? {})) keys[k] = sha256(String(v));
  const tmpl = secret.spec.template ?? {};
  const meta = tmpl.metadata ?? {};
  const template = toYaml({ labels: meta.labels, annotations: meta.annotations, dataKeys: tmpl.data && typeof tmpl.data === "object" ? Object.keys(tmpl.data as object).sort() : undefined });
  return { ...base, keys, scope, type: String(tmpl.type ?? "Opaque"), template: template === "{}\n" ? "" : template };
}

/**
 * A rendered YAML stream as resources with canonical YAML, `kind: Secret` data/stringData values and
 * SealedSecret ciphertext replaced by {@link MASK}; per-key digests stay in memory for "changed" flags.
 */
export function maskRendered(manifests: string): RenderedResource[] | string {
  const out: RenderedResource[] = [];
  const docs = parseAllDocuments(manifests);
  for (const doc of docs) {
    if (doc.errors.length > 0) return `rendered output is not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}`;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      return `rendered output cannot be read: ${(e as Error).message.split("\n")[0]}`;
    }
    for (const obj of listItems(value)) out.push(maskObject(obj));
  }
  return out;
}

/**
 * The objects of one document: the document itself, or, for a list wrapper (`kind: List`,
 * `SecretList`, any `*List` with `items`, nested), its items, as kubectl and Argo CD apply them.
 * A Secret inside a List is then masked like any other. Iterative, so depth costs no stack.
 */
export function listItems(value: unknown): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (!v || typeof v !== "object" || Array.isArray(v)) continue;
    const obj = v as Record<string, any>;
    if (typeof obj.kind === "string" && obj.kind.endsWith("List") && Array.isArray(obj.items)) {
      for (let i = obj.items.length - 1; i >= 0; i--) stack.push(obj.items[i]);
    } else {
      out.push(obj);
    }
  }
  return out;
}

/** One rendered object with Secret values and SealedSecret ciphertext replaced by {@link MASK}. */
function maskObject(obj: Record<string, any>): RenderedResource {
  const kind = String(obj.kind ?? "");
  const md = (obj.metadata ?? {}) as Record<string, any>;
  const res: RenderedResource = { kind, namespace: String(md.namespace ?? ""), name: String(md.name ?? ""), yaml: "" };
  if (kind === "Secret" && (obj.apiVersion === "v1" || obj.apiVersion === undefined)) {
    const digests: Record<string, string> = {};
    for (const field of ["data", "stringData"] as const) {
      const data = obj[field];
      if (!data || typeof data !== "object") {
        if (data !== undefined) obj[field] = MASK;
        continue;
      }
      const masked: Record<string, string> = {};
      for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
        digests[k] = sha256(`${field}\u0000${typeof v === "string" ? v : JSON.stringify(v)}`);
        masked[k] = MASK;
      }
      obj[field] = masked;
    }
    res.keyDigests = digests;
  } else if (kind === "SealedSecret") {
    const enc = obj.spec?.encryptedData;
    const digests: Record<string, string> = {};
    if (enc && typeof enc === "object") {
      for (const [k, v] of Object.entries(enc as Record<string, unknown>)) {
        digests[k] = sha256(String(v));
        (enc as Record<string, unknown>)[k] = MASK;
      }
    }
    if (obj.spec?.template?.data && typeof obj.spec.template.data === "object") {
      for (const k of Object.keys(obj.spec.template.data)) obj.spec.template.data[k] = MASK;
    }
    res.keyDigests = digests;
  }
  // Strip the annotation kubectl/helm may carry a full copy of the object in.
  if (md.annotations && typeof md.annotations === "object") delete md.annotations["kubectl.kubernetes.io/last-applied-configuration"];
  res.yaml = toYaml(obj);
  return res;
}

/** Whether a render may be cached on disk: no Secret values' digests (a digest of a short password can be guessed). */
export function cacheable(resources: readonly RenderedResource[]): boolean {
  return !resources.some((r) => r.kind === "Secret" && r.keyDigests && Object.keys(r.keyDigests).length > 0);
}
