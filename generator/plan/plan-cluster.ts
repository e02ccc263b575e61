import { layout } from "../layout.js";
import type { Cluster, Fleet } from "../model/fleet.js";
import { clusterInstances, type Instance } from "../model/instances.js";
import { LAYERS } from "../model/types.js";
import { generatedHeader, toYaml } from "../yaml/canonical.js";
import { buildApplication } from "./applications.js";
import type { OutputFile } from "./output.js";
import { buildNamespace, clusterNamespaces } from "./namespaces.js";
import { ROOT_PROJECT, buildProject, buildRootProject } from "./projects.js";
import { buildRoot } from "./root.js";
import { computeWaves } from "./waves.js";

export interface ClusterPlan {
  cluster: Cluster;
  instances: Instance[];
  waves: Map<string, number>;
  /** Every Helm repository the cluster's apps use (Argo CD registers the OCI ones). */
  helmRepos: string[];
  files: OutputFile[];
}

/** A cluster's instances and what their Applications share: a plan without its files (preview needs no more for a cluster whose inputs did not change). */
export type ClusterInstances = Pick<ClusterPlan, "cluster" | "instances" | "helmRepos">;

export function planInstances(fleet: Fleet, cluster: Cluster): ClusterInstances {
  const instances = clusterInstances(fleet, cluster);
  const helmRepos = instances.flatMap((i) => (i.app?.spec.source.type === "helm" ? [i.app.spec.source.repo] : []));
  return { cluster, instances, helmRepos };
}

/** Everything berth generates for one cluster. Pure: the fleet in, files out, sorted by path. */
export function planCluster(fleet: Fleet, cluster: Cluster): ClusterPlan {
  const { instances, helmRepos } = planInstances(fleet, cluster);
  const waves = computeWaves(instances);
  const clusterFile = layout.clusterFile(cluster.name);
  const files: OutputFile[] = [output(layout.rootFile(cluster.name), buildRoot(cluster), [clusterFile])];
  files.push(output(layout.projectFile(cluster.name, ROOT_PROJECT), buildRootProject(cluster), [clusterFile]));
  for (const ns of clusterNamespaces(instances, cluster)) {
    files.push(output(layout.namespaceFile(cluster.name, ns.name), buildNamespace(ns, cluster), ns.sources));
  }
  for (const layer of LAYERS) {
    if (layer !== "platform" && !instances.some((i) => i.layer === layer)) continue;
    files.push(output(layout.projectFile(cluster.name, layer), buildProject(layer, instances, cluster), [clusterFile]));
  }
  for (const inst of instances) {
    const sources = [clusterFile, ...(inst.app ? [layout.appFile(inst.app.name)] : [])];
    const app = buildApplication(inst, { cluster, wave: waves.get(inst.id)!, helmRepos });
    files.push(output(layout.applicationFile(cluster.name, inst.layer, inst.id), app, sources));
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { cluster, instances, waves, helmRepos, files };
}

/** A generated file holding one object; the object and its YAML are kept for preview's diffs. */
function output(path: string, object: object, sources: readonly string[]): OutputFile {
  const yaml = toYaml(object);
  return { path, content: `${generatedHeader(sources)}---\n${yaml}`, documents: [{ object: object as Record<string, any>, yaml }] };
}

export function planFleet(fleet: Fleet, only?: string): ClusterPlan[] {
  return fleet.clusters.filter((c) => only === undefined || c.name === only).map((c) => planCluster(fleet, c));
}
