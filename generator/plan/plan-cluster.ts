import { layout } from "../layout.js";
import type { Cluster, Fleet } from "../model/fleet.js";
import { clusterInstances, type Instance } from "../model/instances.js";
import { LAYERS } from "../model/types.js";
import { GENERATED_LINE, sourceComment, toYaml, toYamlInto } from "../yaml/canonical.js";
import { buildApplication } from "./applications.js";
import type { EncodedFile, GeneratedDocument, OutputFile } from "./output.js";
import { buildNamespace, clusterNamespaces, type NamespaceSpec } from "./namespaces.js";
import { buildProject, buildRootProject } from "./projects.js";
import { buildParent, groupByParent, namespacesByParent } from "./parents.js";
import { buildRoot } from "./root.js";
import { computeWaves } from "./waves.js";

export interface ClusterPlan {
  cluster: Cluster;
  instances: Instance[];
  waves: Map<string, number>;
  files: OutputFile[];
}

/** A cluster's instances and what their Applications share: a plan without its files (preview needs no more for a cluster whose inputs did not change). */
export type ClusterInstances = Pick<ClusterPlan, "cluster" | "instances">;

export function planInstances(fleet: Fleet, cluster: Cluster): ClusterInstances {
  return { cluster, instances: clusterInstances(fleet, cluster) };
}

/**
 * Everything berth generates for one cluster. Pure: the fleet in, files out, sorted by path.
 * One file per group, not per object: root.yaml (the root's AppProject, then the root
 * Application, as bootstrap applies them), projects.yaml, namespaces.yaml and one file per layer
 * with that layer's Applications (with `appOfApps: layered`, parents.yaml and one file per parent
 * instead: parents.ts). A fleet of 10,000 Applications is then 1,400 files, not 21,800:
 * creating a file costs the file system far more than its bytes, and Argo CD's repo-server reads
 * the folder on every refresh.
 */
export interface PlanOptions {
  /**
   * Make each object's own YAML with the file (the default: preview compares objects by it); with
   * false, only when asked for (validate reads the objects and the content, not each object's YAML).
   */
  documentYaml?: boolean;
}

export function planCluster(fleet: Fleet, cluster: Cluster, opts: PlanOptions = {}): ClusterPlan {
  const { instances } = planInstances(fleet, cluster);
  const waves = computeWaves(instances);
  const files = [...buildFiles(cluster, instances, waves, opts.documentYaml === false ? objectsFile : documentedFile)];
  return { cluster, instances, waves, files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

/**
 * {@link planCluster}'s files as the bytes to write, without their objects (a third of a
 * 10,000-app cluster's plan), one at a time in the order they are built (not sorted): each is
 * serialised only when the caller takes it, so a caller that hands every file on as it comes
 * (generate's writer threads) overlaps writing with planning and never holds them all.
 */
export function clusterFiles(fleet: Fleet, cluster: Cluster): Iterable<EncodedFile> {
  const { instances } = planInstances(fleet, cluster);
  return buildFiles(cluster, instances, computeWaves(instances), encodedFile);
}

type Documents = ReadonlyArray<{ object: object; sources: readonly string[] }>;

function* buildFiles<F>(cluster: Cluster, instances: Instance[], waves: Map<string, number>, output: (path: string, docs: Documents) => F): Generator<F> {
  const clusterFile = layout.clusterFile(cluster.name);
  yield output(layout.rootFile(cluster.name), [
    { object: buildRootProject(cluster), sources: [clusterFile] },
    { object: buildRoot(cluster), sources: [clusterFile] },
  ]);
  const layers = LAYERS.filter((layer) => layer === "platform" || instances.some((i) => i.layer === layer));
  yield output(layout.projectsFile(cluster.name), layers.map((layer) => ({ object: buildProject(layer, instances, cluster), sources: [clusterFile] })));
  const namespaces = clusterNamespaces(instances, cluster);
  const namespaceDoc = (ns: NamespaceSpec) => ({ object: buildNamespace(ns, cluster), sources: ns.sources });
  const layered = cluster.spec.appOfApps === "layered";
  if (namespaces.length > 0 && !layered) yield output(layout.namespacesFile(cluster.name), namespaces.map(namespaceDoc));
  const child = (inst: Instance, parent?: string) => ({
    object: buildApplication(inst, { cluster, wave: waves.get(inst.id)!, parent }),
    sources: [clusterFile, ...(inst.app ? [layout.appFile(inst.app.name)] : [])],
  });
  if (layered) {
    // Each Namespace goes with the earliest parent that deploys into it, so that it exists before
    // any of them syncs; Namespaces are never pruned, so a later move between parents is safe.
    const parents = groupByParent(instances, waves);
    const owned = namespacesByParent(namespaces, parents);
    yield output(layout.parentsFile(cluster.name), parents.map((p) => ({ object: buildParent(cluster, p), sources: [clusterFile] })));
    for (const p of parents) yield output(layout.parentFile(cluster.name, p.name), [...(owned.get(p.name) ?? []).map(namespaceDoc), ...p.members.map((inst) => child(inst, p.name))]);
  } else {
    for (const layer of LAYERS) {
      const members = instances.filter((i) => i.layer === layer).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      if (members.length > 0) yield output(layout.layerFile(cluster.name, layer), members.map((inst) => child(inst)));
    }
  }
}

/** A generated file of several objects, each behind `---` with the inputs it comes from, with the objects and their YAML (for preview's diffs and validate's checks). */
function documentedFile(path: string, docs: Documents): OutputFile {
  const documents = docs.map((d) => ({ object: d.object as Record<string, any>, yaml: toYaml(d.object) }));
  const body = documents.map((d, i) => `---\n${sourceComment(docs[i]!.sources)}${d.yaml}`).join("");
  return { path, content: `${GENERATED_LINE}${body}`, documents };
}

/**
 * {@link documentedFile} for a caller that reads the objects and the content but seldom an object's
 * own YAML (validate): the content is serialised once, and an object's YAML only when asked for.
 */
function objectsFile(path: string, docs: Documents): OutputFile {
  return { path, content: GENERATED_LINE + fileBody(docs), documents: docs.map((d) => new LazyDocument(d.object as Record<string, any>)) };
}

/** A file's documents, each behind `---` with the inputs it comes from: every piece in one array, joined once. */
function fileBody(docs: Documents): string {
  const out: string[] = [];
  for (const d of docs) {
    out.push("---\n", sourceComment(d.sources));
    toYamlInto(out, d.object);
  }
  return out.join("");
}

/** A generated object whose YAML is made when first read. */
class LazyDocument implements GeneratedDocument {
  private text: string | undefined;
  constructor(readonly object: Record<string, any>) {}
  get yaml(): string {
    return (this.text ??= toYaml(this.object));
  }
}

/** {@link documentedFile}'s content alone, as its bytes. */
function encodedFile(path: string, docs: Documents): EncodedFile {
  // The body without the first line (whose em dash would make the whole string two bytes a
  // character), encoded behind that line's bytes into an array of its own (the writer threads
  // take it without a copy).
  const body = fileBody(docs);
  const bytes = Buffer.from(new ArrayBuffer(GENERATED_LINE_BYTES.length + Buffer.byteLength(body)));
  bytes.set(GENERATED_LINE_BYTES);
  bytes.write(body, GENERATED_LINE_BYTES.length);
  return { path, content: bytes };
}

const GENERATED_LINE_BYTES = Buffer.from(GENERATED_LINE);

export function planFleet(fleet: Fleet, only?: string, opts: PlanOptions = {}): ClusterPlan[] {
  return fleet.clusters.filter((c) => only === undefined || c.name === only).map((c) => planCluster(fleet, c, opts));
}
