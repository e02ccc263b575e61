import { secretsInstanceId } from "../model/instances.js";
import { unifiedDiff } from "./line-diff.js";
import {
  appKey,
  CLUSTER_GROUP,
  type AppDiff,
  type ClusterDiff,
  type FileChange,
  type InstanceInputs,
  type KeyChanges,
  type ObjectDiff,
  type PreviewModel,
  type RenderDiff,
  type RenderPair,
  type RenderedResource,
  type SealedSecretDiff,
  type SealedSecretSnapshot,
} from "./model.js";
import { generatedObjects, type GeneratedObject } from "./objects.js";
import { layout } from "../layout.js";
import { isPlanned, type PreviewPlan } from "./side-plans.js";

export interface DiffFleetsOptions {
  /** Per `cluster/app` input digests of each side; apps whose digest differs are "inputs changed". */
  baseInputs?: ReadonlyMap<string, InstanceInputs>;
  headInputs?: ReadonlyMap<string, InstanceInputs>;
  /** Tier 2: per `cluster/app`, both sides' render. */
  renders?: ReadonlyMap<string, RenderPair>;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The difference between what two states of a repository deploy: per cluster, per Application,
 * per generated object, SealedSecret (keys only) and — when renders are given — rendered resource.
 * A cluster both sides share (same plan object: equal inputs) has equal generated objects, so
 * only its apps' inputs, SealedSecrets and renders are compared.
 * Pure: plans, snapshots and render results in, a model out.
 */
export function diffFleets(
  basePlans: readonly PreviewPlan[],
  headPlans: readonly PreviewPlan[],
  baseSecrets: readonly SealedSecretSnapshot[],
  headSecrets: readonly SealedSecretSnapshot[],
  opts: DiffFleetsOptions = {},
): PreviewModel {
  const baseBy = new Map(basePlans.map((p) => [p.cluster.name, p]));
  const headBy = new Map(headPlans.map((p) => [p.cluster.name, p]));
  const names = [...new Set([...baseBy.keys(), ...headBy.keys()])].sort(cmp);
  const [bSec, hSec] = [groupBy(baseSecrets, (s) => s.cluster), groupBy(headSecrets, (s) => s.cluster)];
  const clusters = names.map((name) => diffCluster(name, baseBy.get(name), headBy.get(name), bSec.get(name) ?? [], hSec.get(name) ?? [], opts));

  // A change identical on several clusters: same signature (the cluster name is not part of it).
  const bySignature = new Map<string, string[]>();
  const signatures = new Map<AppDiff, string>();
  for (const c of clusters) {
    for (const a of c.apps) {
      const sig = signature(a);
      signatures.set(a, sig);
      bySignature.set(sig, [...(bySignature.get(sig) ?? []), c.name]);
    }
  }
  for (const c of clusters) for (const a of c.apps) a.identicalOn = [...new Set(bySignature.get(signatures.get(a)!) ?? [c.name])].sort(cmp);

  return { clusters, changed: clusters.some((c) => c.status !== "unchanged"), rendered: opts.renders !== undefined };
}

function diffCluster(
  name: string,
  base: PreviewPlan | undefined,
  head: PreviewPlan | undefined,
  bSec: readonly SealedSecretSnapshot[],
  hSec: readonly SealedSecretSnapshot[],
  opts: DiffFleetsOptions,
): ClusterDiff {
  // Shared between the sides: equal inputs, so equal objects; its Applications are its instances.
  const shared = base !== undefined && base === head ? new Set(base.instances.map((i) => i.id)) : undefined;
  const bObjs = groupBy(base && !shared ? objectsOf(base) : [], (o) => o.group);
  const hObjs = groupBy(head && !shared ? objectsOf(head) : [], (o) => o.group);
  const appsOf = (objs: Map<string, GeneratedObject[]>) => shared ?? new Set([...objs.keys()].filter((g) => g !== CLUSTER_GROUP));
  const baseApps = appsOf(bObjs);
  const headApps = appsOf(hObjs);
  const secretGroup = (s: SealedSecretSnapshot) => {
    const id = secretsInstanceId(s.namespace);
    return baseApps.has(id) || headApps.has(id) ? id : `${layout.secretsNamespaceDir(name, s.namespace)} (synced by no Application)`;
  };
  const secretGroups = new Set([...bSec, ...hSec].map(secretGroup));
  const groups = new Set<string>([...bObjs.keys(), ...hObjs.keys(), ...baseApps, ...headApps, ...secretGroups]);

  const apps: AppDiff[] = [];
  let unchangedApps = 0;
  const ordered = [...groups].sort((a, b) => (a === CLUSTER_GROUP ? -1 : b === CLUSTER_GROUP ? 1 : cmp(a, b)));
  for (const group of ordered) {
    const key = appKey(name, group);
    const bIn = opts.baseInputs?.get(key);
    const hIn = opts.headInputs?.get(key);
    // Most of a shared cluster: no objects to compare, no SealedSecrets, no render, same inputs.
    // (Both sides may hold the same inputs object, computed only when looked at: preview/inputs.ts InputShare.)
    if (shared && !secretGroups.has(group) && !opts.renders?.has(key) && (bIn === hIn || bIn?.digest === hIn?.digest)) {
      unchangedApps++;
      continue;
    }
    const objects = diffObjects(bObjs.get(group) ?? [], hObjs.get(group) ?? []);
    const secrets = diffSealedSecrets(bSec.filter((s) => secretGroup(s) === group), hSec.filter((s) => secretGroup(s) === group));
    const inputs = bIn && hIn && bIn.digest !== hIn.digest ? diffFiles(bIn.files, hIn.files) : [];
    const inputsChanged = bIn !== undefined && hIn !== undefined && bIn.digest !== hIn.digest;
    const pair = opts.renders?.get(key);
    const render = pair ? diffRender(pair) : undefined;
    const renderChanged = render !== undefined && (render.state === "failed" || render.resources.length > 0);

    const inBase = group === CLUSTER_GROUP ? base !== undefined : baseApps.has(group);
    const inHead = group === CLUSTER_GROUP ? head !== undefined : headApps.has(group);
    const status: AppDiff["status"] | "unchanged" =
      inHead && !inBase ? "added"
      : inBase && !inHead ? "removed"
      : objects.length > 0 || secrets.length > 0 || inputsChanged || renderChanged ? "changed"
      : "unchanged";
    if (status === "unchanged") {
      if (group !== CLUSTER_GROUP) unchangedApps++;
      continue;
    }
    apps.push({ name: group, status, objects, secrets, inputs, ...(render ? { render } : {}), identicalOn: [name] });
  }
  const status: ClusterDiff["status"] = !base ? "added" : !head ? "removed" : apps.length > 0 ? "changed" : "unchanged";
  return { name, status, apps, unchangedApps };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list) list.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}

function objectsOf(plan: PreviewPlan): GeneratedObject[] {
  if (!isPlanned(plan)) throw new Error(`internal: cluster ${plan.cluster.name} is on one side only but was not planned`);
  return [...generatedObjects(plan).values()];
}


function diffObjects(before: readonly GeneratedObject[], after: readonly GeneratedObject[]): ObjectDiff[] {
  const key = (o: { kind: string; name: string }) => `${o.kind}/${o.name}`;
  const b = new Map(before.map((o) => [key(o), o]));
  const a = new Map(after.map((o) => [key(o), o]));
  const out: ObjectDiff[] = [];
  for (const k of [...new Set([...b.keys(), ...a.keys()])]) {
    const x = b.get(k);
    const y = a.get(k);
    const o = (y ?? x)!;
    if (x === y || x?.yaml === y?.yaml) continue;
    out.push({ kind: o.kind, namespace: o.namespace, name: o.name, change: !x ? "added" : !y ? "removed" : "modified", diff: unifiedDiff(x?.yaml ?? "", y?.yaml ?? "") });
  }
  return out.sort(byObject);
}

const KIND_ORDER = ["Application", "AppProject"];
function byObject(a: { kind: string; namespace: string; name: string }, b: typeof a): number {
  const ka = KIND_ORDER.indexOf(a.kind);
  const kb = KIND_ORDER.indexOf(b.kind);
  return (ka === -1 ? 99 : ka) - (kb === -1 ? 99 : kb) || cmp(a.kind, b.kind) || cmp(a.namespace, b.namespace) || cmp(a.name, b.name);
}

function diffKeys(before: Record<string, string>, after: Record<string, string>): KeyChanges {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(cmp);
  return {
    added: names.filter((k) => !(k in before)),
    removed: names.filter((k) => !(k in after)),
    changed: names.filter((k) => k in before && k in after && before[k] !== after[k]),
  };
}

function diffSealedSecrets(before: readonly SealedSecretSnapshot[], after: readonly SealedSecretSnapshot[]): SealedSecretDiff[] {
  const key = (s: SealedSecretSnapshot) => `${s.namespace}/${s.name}`;
  const b = new Map(before.map((s) => [key(s), s]));
  const a = new Map(after.map((s) => [key(s), s]));
  const out: SealedSecretDiff[] = [];
  for (const k of [...new Set([...b.keys(), ...a.keys()])].sort(cmp)) {
    const x = b.get(k);
    const y = a.get(k);
    const s = (y ?? x)!;
    // A file that does not parse has no keys to compare: say so instead of reporting them removed.
    const keys = x?.invalid || y?.invalid ? { added: [], removed: [], changed: [] } : diffKeys(x?.keys ?? {}, y?.keys ?? {});
    const notes: string[] = [];
    if (y?.invalid) notes.push(`head: ${y.invalid}`);
    if (x?.invalid && !y?.invalid) notes.push(`base: ${x.invalid}`);
    if (x && y && !x.invalid && !y.invalid) {
      if (x.scope !== y.scope) notes.push(`scope ${x.scope} → ${y.scope}`);
      if (x.type !== y.type) notes.push(`Secret type ${x.type} → ${y.type}`);
      if (x.template !== y.template) notes.push("template metadata changed (labels/annotations)");
    }
    const change = !x ? "added" : !y ? "removed" : "modified";
    if (change === "modified" && notes.length === 0 && keys.added.length + keys.removed.length + keys.changed.length === 0) continue;
    out.push({ namespace: s.namespace, name: s.name, file: s.file, change, keys, notes });
  }
  return out;
}

function diffFiles(before: Record<string, string>, after: Record<string, string>): FileChange[] {
  const out: FileChange[] = [];
  for (const p of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(cmp)) {
    if (before[p] === after[p]) continue;
    out.push({ path: p, change: !(p in before) ? "added" : !(p in after) ? "removed" : "modified" });
  }
  return out;
}

function diffRender(pair: RenderPair): RenderDiff {
  const { base, head } = pair;
  if ((base && !base.ok) || (head && !head.ok)) {
    return { state: "failed", ...(base && !base.ok ? { base: base.error } : {}), ...(head && !head.ok ? { head: head.error } : {}) };
  }
  const b = base?.ok ? base.resources : [];
  const h = head?.ok ? head.resources : [];
  const key = (r: RenderedResource) => `${r.kind}/${r.namespace}/${r.name}`;
  const bm = new Map(b.map((r) => [key(r), r]));
  const hm = new Map(h.map((r) => [key(r), r]));
  const resources: ObjectDiff[] = [];
  for (const k of [...new Set([...bm.keys(), ...hm.keys()])]) {
    const x = bm.get(k);
    const y = hm.get(k);
    const r = (y ?? x)!;
    const keys = x?.keyDigests || y?.keyDigests ? diffKeys(x?.keyDigests ?? {}, y?.keyDigests ?? {}) : undefined;
    const keysChanged = keys !== undefined && keys.added.length + keys.removed.length + keys.changed.length > 0;
    if (x?.yaml === y?.yaml && !keysChanged) continue;
    const change = !x ? "added" : !y ? "removed" : "modified";
    resources.push({ kind: r.kind, namespace: r.namespace, name: r.name, change, diff: unifiedDiff(x?.yaml ?? "", y?.yaml ?? ""), ...(keys && change === "modified" ? { keys } : {}) });
  }
  return { state: "rendered", resources: resources.sort(byObject), counts: { base: b.length, head: h.length } };
}

function signature(a: AppDiff): string {
  return JSON.stringify([
    a.name,
    a.status,
    a.objects,
    a.secrets.map((s) => ({ ...s, file: undefined })),
    a.inputs,
    a.render ?? null,
  ]);
}
