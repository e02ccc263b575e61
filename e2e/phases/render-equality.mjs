// Proof that `berth render` shows what Argo CD applies: for every child Application, the set of
// objects the real Argo CD applied (its status.resources) equals the set `berth render` prints
// for that app with berth's default tools (the bundled helm and kubectl, BERTH_TOOLS=bundled),
// and every field of berth's render is in the live object read back from the API server with
// the same value. Fields the API server or a controller adds (status, defaults, managedFields,
// Argo CD's tracking annotation) are not compared: only what the render says is checked.
import { parseAllDocuments } from "yaml";
import { AssertionFailure } from "../harness/processes.mjs";
import { berth } from "../harness/fleet.mjs";

const TRACKING_ANNOTATION = "argocd.argoproj.io/tracking-id";
const HOOK_ANNOTATIONS = ["helm.sh/hook", "argocd.argoproj.io/hook"];

const groupOf = (apiVersion) => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");
const versionOf = (apiVersion) => apiVersion.split("/").pop();
const keyOf = (o) => `${o.group}/${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;

/** Kind → { resource, namespaced } for every served group/kind, from the API server's discovery. */
async function discovery(kubectl) {
  const out = (await kubectl`kubectl api-resources --no-headers -o wide`).stdout;
  const map = new Map();
  for (const line of out.trim().split("\n")) {
    // NAME [SHORTNAMES] APIVERSION NAMESPACED KIND VERBS [CATEGORIES]
    const cols = line.trim().split(/\s+/);
    const i = cols.findIndex((c) => c === "true" || c === "false");
    if (i < 2) continue;
    const [resource, apiVersion, namespaced, kind] = [cols[0], cols[i - 1], cols[i] === "true", cols[i + 1]];
    map.set(`${groupOf(apiVersion)}/${kind}`, { resource, namespaced });
  }
  return map;
}

/** The objects of one `berth render` stream, `kind: …List` flattened as Argo CD does. */
function renderedObjects(stream) {
  const objs = [];
  for (const doc of parseAllDocuments(stream)) {
    if (doc.errors.length > 0) throw new AssertionFailure(`berth render printed YAML that does not parse: ${doc.errors[0].message}`);
    const o = doc.toJS({ maxAliasCount: -1 });
    if (!o || typeof o !== "object") continue;
    if (/List$/.test(o.kind ?? "") && Array.isArray(o.items)) objs.push(...o.items);
    else objs.push(o);
  }
  return objs;
}

/** The API server keeps a Secret's stringData as base64 data; compare what it stores. */
function asStored(o) {
  if (o.kind !== "Secret" || groupOf(o.apiVersion) !== "" || !o.stringData) return o;
  const data = { ...(o.data ?? {}) };
  for (const [k, v] of Object.entries(o.stringData)) data[k] = Buffer.from(String(v)).toString("base64");
  const { stringData, ...rest } = o;
  return { ...rest, data };
}

const isEmpty = (v) => v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0);

/**
 * Every field of `want` (the render) in `got` (the live object) with the same value. A field the
 * render leaves empty (null, {}, []) may be absent live: the API server drops empty optional
 * fields on decoding, and nothing was asked for.
 */
function missingFields(want, got, path, out) {
  if (out.length >= 10) return out;
  if (isEmpty(want) && (got === undefined || isEmpty(got))) return out;
  // null asks for nothing (creationTimestamp: null in a render; the server fills it in), and a
  // zero value ("", 0, false) may be dropped by the server's omitempty fields, as Argo CD's own
  // diff normalises it.
  if (want === null) return out;
  if ((want === "" || want === 0 || want === false) && got === undefined) return out;
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) out.push(`${path}: render has ${JSON.stringify(want).slice(0, 200)}, live has ${JSON.stringify(got)?.slice(0, 200)}`);
    else want.forEach((w, i) => missingFields(w, got[i], `${path}[${i}]`, out));
    return out;
  }
  if (typeof want === "object") {
    if (got === null || typeof got !== "object" || Array.isArray(got)) {
      out.push(`${path}: render has an object, live has ${JSON.stringify(got)?.slice(0, 200)}`);
      return out;
    }
    for (const [k, v] of Object.entries(want)) missingFields(v, got[k], `${path}.${k}`, out);
    return out;
  }
  if (want !== got) out.push(`${path}: render has ${JSON.stringify(want)}, live has ${JSON.stringify(got)}`);
  return out;
}

/**
 * @returns the number of child Applications compared (every one but the root).
 */
export async function renderEquality({ fleet, kubectl, cluster, namespace }) {
  const kinds = await discovery(kubectl);
  const cm = JSON.parse((await kubectl`kubectl -n ${namespace} get configmap argocd-cm -o json`).stdout);
  // Argo CD 3.x tracks by annotation unless argocd-cm says otherwise; the label method writes
  // app.kubernetes.io/instance instead, which a chart may also set itself.
  const trackingLabel = /^label/.test(cm.data?.["application.resourceTrackingMethod"] ?? "annotation") ? "app.kubernetes.io/instance" : undefined;
  const apps = JSON.parse((await kubectl`kubectl -n ${namespace} get applications.argoproj.io -o json`).stdout).items.filter((a) => a.metadata.name !== "root");
  const render = berth(fleet.dir, { ...fleet.env, BERTH_TOOLS: "bundled" });
  const problems = [];
  let objects = 0;
  let tools = "";
  for (const app of apps) {
    const name = app.metadata.name;
    const r = await render(["render", "--cluster", cluster, "--app", name]);
    if (r.exitCode !== 0) throw new AssertionFailure(`berth render --cluster ${cluster} --app ${name} exited ${r.exitCode}:\n${r.stderr.trim()}`);
    tools ||= r.stderr.split("\n").find((l) => l.startsWith("rendered with")) ?? "";
    const dest = app.spec.destination.namespace;
    const rendered = new Map();
    for (const o of renderedObjects(r.stdout)) {
      if (HOOK_ANNOTATIONS.some((h) => o.metadata?.annotations?.[h])) continue; // hooks are not tracked resources
      const group = groupOf(o.apiVersion);
      const kind = kinds.get(`${group}/${o.kind}`);
      if (!kind) {
        problems.push(`${name}: berth rendered ${o.apiVersion} ${o.kind} ${o.metadata?.name}, which the API server does not serve`);
        continue;
      }
      const id = { group, kind: o.kind, namespace: kind.namespaced ? o.metadata.namespace ?? dest : undefined, name: o.metadata.name };
      rendered.set(keyOf(id), { id, resource: kind.resource, object: asStored(o) });
    }
    const applied = new Map((app.status?.resources ?? []).map((s) => {
      const id = { group: s.group ?? "", kind: s.kind, namespace: s.namespace || undefined, name: s.name };
      return [keyOf(id), id];
    }));
    const onlyRendered = [...rendered.keys()].filter((k) => !applied.has(k));
    const onlyApplied = [...applied.keys()].filter((k) => !rendered.has(k));
    if (onlyRendered.length > 0) problems.push(`${name}: berth rendered, Argo CD did not apply: ${onlyRendered.join(", ")}`);
    if (onlyApplied.length > 0) problems.push(`${name}: Argo CD applied, berth did not render: ${onlyApplied.join(", ")}`);

    // Live objects, one kubectl call per namespace (and one for cluster-scoped objects).
    const byNamespace = new Map();
    for (const r of rendered.values()) {
      const ns = r.id.namespace ?? "";
      if (!byNamespace.has(ns)) byNamespace.set(ns, []);
      byNamespace.get(ns).push(r);
    }
    for (const [ns, list] of byNamespace) {
      const refs = list.map((r) => `${r.id.group ? `${r.resource}.${versionOf(r.object.apiVersion)}.${r.id.group}` : r.resource}/${r.id.name}`);
      const got = await kubectl`kubectl get ${ns ? ["-n", ns] : []} ${refs} -o json --ignore-not-found`.nothrow();
      const parsed = got.exitCode === 0 && got.stdout.trim() ? JSON.parse(got.stdout) : { items: [] };
      const items = parsed.kind === "List" || Array.isArray(parsed.items) ? parsed.items : [parsed];
      for (const r of list) {
        const live = items.find((i) => i.kind === r.object.kind && i.metadata.name === r.id.name && (i.metadata.namespace ?? undefined) === r.id.namespace);
        if (!live) {
          problems.push(`${name}: ${keyOf(r.id)} is not on the API server`);
          continue;
        }
        const want = structuredClone(r.object);
        if (want.metadata) {
          want.metadata.namespace ??= r.id.namespace;
          if (want.metadata.annotations) delete want.metadata.annotations[TRACKING_ANNOTATION];
          if (trackingLabel && want.metadata.labels) delete want.metadata.labels[trackingLabel];
        }
        const diff = missingFields(want, live, "", []);
        if (diff.length > 0) problems.push(`${name}: ${keyOf(r.id)} differs from berth's render:\n    ${diff.join("\n    ")}`);
        objects++;
      }
    }
  }
  if (problems.length > 0) throw new AssertionFailure(`what Argo CD applied is not what berth render printed (${tools}):\n${problems.slice(0, 20).join("\n")}`);
  return { apps: apps.length, objects, tools };
}
