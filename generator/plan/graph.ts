import type { ClusterPlan } from "./plan-cluster.js";
import { LAYERS } from "../model/types.js";

/** A cluster's graph as data: Applications with their layer, wave and namespace; dependsOn edges (from must be Healthy before to). */
export function graphData(plan: ClusterPlan): { cluster: string; nodes: { id: string; layer: string; wave: number; namespace: string }[]; edges: { from: string; to: string }[] } {
  const order = (a: { id: string; layer: string }, b: { id: string; layer: string }) => LAYERS.indexOf(a.layer as never) - LAYERS.indexOf(b.layer as never) || plan.waves.get(a.id)! - plan.waves.get(b.id)! || (a.id < b.id ? -1 : 1);
  const nodes = [...plan.instances].sort(order).map((i) => ({ id: i.id, layer: i.layer, wave: plan.waves.get(i.id)!, namespace: i.namespace }));
  const edges = plan.instances.flatMap((i) => [...i.deps].sort().map((d) => ({ from: d, to: i.id })));
  return { cluster: plan.cluster.name, nodes, edges };
}

/** A Mermaid flowchart of a cluster: one subgraph per layer, nodes labelled with their wave, dependsOn edges. */
export function buildGraph(plan: ClusterPlan): string {
  const lines = ["flowchart LR"];
  const node = (id: string) => id.replace(/[^A-Za-z0-9_]/g, "_");
  for (const layer of LAYERS) {
    const members = plan.instances.filter((i) => i.layer === layer);
    if (members.length === 0) continue;
    lines.push(`  subgraph ${layer}`);
    for (const i of [...members].sort((a, b) => plan.waves.get(a.id)! - plan.waves.get(b.id)! || (a.id < b.id ? -1 : 1))) {
      lines.push(`    ${node(i.id)}["${i.id}<br/>wave ${plan.waves.get(i.id)} · ${i.namespace}"]`);
    }
    lines.push("  end");
  }
  for (const i of plan.instances) for (const d of [...i.deps].sort()) lines.push(`  ${node(d)} --> ${node(i.id)}`);
  return `${lines.join("\n")}\n`;
}
