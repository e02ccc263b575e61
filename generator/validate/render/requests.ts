import { cpuMillis, memoryBytes } from "../../model/quantity.js";
import type { RenderedObject } from "./rendered-objects.js";

export interface Requests {
  cpu: number;
  memory: number;
}

const WORKLOADS = new Set(["apps/Deployment", "apps/StatefulSet", "apps/ReplicaSet", "/ReplicationController", "apps/DaemonSet"]);

/**
 * The CPU and memory a render requests while running: per workload, its replicas (1 when unset,
 * as the API server defaults; a DaemonSet once per node) times its containers' requests. Jobs
 * and CronJobs come and go and are not counted, as in the hand-written `resources:` block.
 */
export function renderedRequests(objects: readonly RenderedObject[], nodes: number): Requests {
  let cpu = 0;
  let memory = 0;
  for (const o of objects) {
    if (!WORKLOADS.has(`${o.group}/${o.kind}`)) continue;
    const spec = (o.body.spec ?? {}) as { replicas?: unknown; template?: { spec?: { containers?: unknown } } };
    const n = o.kind === "DaemonSet" ? nodes : typeof spec.replicas === "number" ? spec.replicas : 1;
    const containers = Array.isArray(spec.template?.spec?.containers) ? (spec.template!.spec!.containers as unknown[]) : [];
    for (const c of containers) {
      const req = ((c as { resources?: { requests?: Record<string, unknown> } }).resources?.requests ?? {}) as Record<string, unknown>;
      cpu += n * safe(() => cpuMillis(String(req.cpu ?? "0")));
      memory += n * safe(() => memoryBytes(String(req.memory ?? "0")));
    }
  }
  return { cpu, memory };
}

function safe(f: () => number): number {
  try {
    const v = f();
    return Number.isFinite(v) ? v : 0;
  } catch {
    return 0;
  }
}
