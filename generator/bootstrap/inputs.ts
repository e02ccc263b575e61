import { UserError, type Diagnostic } from "../errors.js";
import type { Cluster, Fleet } from "../model/fleet.js";
import { valueFiles, valuesObject } from "../plan/applications.js";
import { mergeValues } from "../plan/merge.js";
import { planCluster } from "../plan/plan-cluster.js";
import { compareGenerated } from "../read/generated-compare.js";
import { readValuesMap } from "../read/bootstrap-files.js";
import { nodePortsIn, type NodePortUse } from "./kind-config.js";

/**
 * The node ports the cluster's apps ask for in their effective values (value files in order,
 * then the Application's inline values), the way Argo CD passes them to helm.
 */
export function fleetNodePorts(root: string, fleet: Fleet, cluster: Cluster): NodePortUse[] {
  const { instances } = planCluster(fleet, cluster);
  const out: NodePortUse[] = [];
  for (const inst of instances) {
    const src = inst.app?.spec.source.type;
    if (src !== "helm" && src !== "chart") continue;
    let values: Record<string, unknown> = {};
    for (const f of valueFiles(inst, cluster)) {
      const v = readValuesMap(root, f);
      if (v) values = mergeValues(values, v);
    }
    values = mergeValues(values, valuesObject(inst, { cluster, wave: 0 }));
    for (const port of nodePortsIn(values)) out.push({ port, app: inst.id });
  }
  return out;
}

/** Fails unless the cluster's committed clusters/<cluster>/argocd/ is what berth generates now. */
export function requireCurrentOutput(root: string, fleet: Fleet, cluster: Cluster): void {
  const plan = planCluster(fleet, cluster);
  const changes = compareGenerated(root, [{ cluster: cluster.name, files: plan.files }]);
  if (changes.foreign.length > 0) throw new UserError(changes.foreign);
  const stale = [...changes.changed, ...changes.removed];
  if (stale.length === 0) return;
  const hint = `run \`berth generate --cluster ${cluster.name}\`, commit and push (Argo CD reads ${cluster.spec.repo.url} at ${cluster.spec.repo.revision ?? "main"}, not this checkout), then bootstrap`;
  throw new UserError(
    stale.map<Diagnostic>((file) => ({
      file,
      line: 0,
      col: 0,
      message: changes.removed.includes(file) ? "is no longer generated but is still committed: Argo CD would apply it" : "is stale: the root Application would sync something other than the fleet describes",
      hint,
    })),
  );
}
