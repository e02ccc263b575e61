import type { Diagnostic } from "../errors.js";
import type { Cluster, Fleet } from "../model/fleet.js";
import { clusterInstances } from "../model/instances.js";
import { cpuMillis, formatCpu, formatMemory, memoryBytes } from "../model/quantity.js";
import { resolveReplicas } from "../model/replicas.js";
import { diagnosticAt } from "../yaml/source.js";

export interface ClusterBudget {
  cluster: string;
  cpu: { requested: number; capacity: number };
  memory: { requested: number; capacity: number };
  /** Per Application: its summed requests, largest memory first. */
  consumers: { id: string; cpu: number; memory: number }[];
}

/**
 * Sums the declared requests of everything on a cluster, replicas and environments counted. With
 * `rendered` (berth validate --render: each Application's requests as its render states them),
 * an app without a hand-written `resources:` block is counted from its render instead of as zero.
 */
export function clusterBudget(fleet: Fleet, cluster: Cluster, rendered?: ReadonlyMap<string, { cpu: number; memory: number }>): ClusterBudget {
  const consumers = clusterInstances(fleet, cluster)
    .filter((i) => i.app)
    .map((i) => {
      const fromRender = rendered?.get(i.id);
      if ((i.app!.spec.resources ?? []).length === 0 && fromRender) return { id: i.id, cpu: fromRender.cpu, memory: fromRender.memory };
      let cpu = 0;
      let memory = 0;
      for (const w of i.app!.spec.resources ?? []) {
        const n = resolveReplicas(w.replicas, cluster.profile, i.environment);
        cpu += n * cpuMillis(w.cpu);
        memory += n * memoryBytes(w.memory);
      }
      return { id: i.id, cpu, memory };
    })
    .sort((a, b) => b.memory - a.memory || b.cpu - a.cpu || (a.id < b.id ? -1 : 1));
  const { nodes, cpu, memory } = cluster.spec.capacity;
  return {
    cluster: cluster.name,
    cpu: { requested: consumers.reduce((s, c) => s + c.cpu, 0), capacity: nodes * cpuMillis(cpu) },
    memory: { requested: consumers.reduce((s, c) => s + c.memory, 0), capacity: nodes * memoryBytes(memory) },
    consumers,
  };
}

/** Fails a cluster whose summed requests exceed its capacity, naming the largest consumers; `b`: its {@link clusterBudget}, when the caller has it. */
export function checkBudget(fleet: Fleet, cluster: Cluster, rendered?: ReadonlyMap<string, { cpu: number; memory: number }>, b = clusterBudget(fleet, cluster, rendered)): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { nodes } = cluster.spec.capacity;
  if (b.memory.requested > b.memory.capacity) {
    const top = b.consumers.filter((c) => c.memory > 0).slice(0, 3).map((c) => `${c.id} ${formatMemory(c.memory)}`).join(", ");
    out.push(
      diagnosticAt(
        cluster.source,
        ["capacity", "memory"],
        `memory requests on cluster "${cluster.name}" add up to ${formatMemory(b.memory.requested)}, over its capacity of ${formatMemory(b.memory.capacity)} (${nodes} × ${cluster.spec.capacity.memory}); largest: ${top}`,
        `lower the requests or replicas of the largest consumers (their app.yaml resources and values), move apps to another cluster, or raise capacity`,
      ),
    );
  }
  if (b.cpu.requested > b.cpu.capacity) {
    const top = b.consumers.filter((c) => c.cpu > 0).sort((x, y) => y.cpu - x.cpu).slice(0, 3).map((c) => `${c.id} ${formatCpu(c.cpu)}`).join(", ");
    out.push(
      diagnosticAt(
        cluster.source,
        ["capacity", "cpu"],
        `CPU requests on cluster "${cluster.name}" add up to ${formatCpu(b.cpu.requested)}, over its capacity of ${formatCpu(b.cpu.capacity)} (${nodes} × ${cluster.spec.capacity.cpu}); largest: ${top}`,
        "lower the requests or replicas of the largest consumers, move apps to another cluster, or raise capacity",
      ),
    );
  }
  return out;
}
