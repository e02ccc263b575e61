import type { ClusterPlan } from "./plan-cluster.js";

/**
 * A Markdown table of what runs where: one row per cluster, system and namespace. An app's system
 * is its name's prefix before the first '-' (hash-stack → hash); a platform app counts as
 * "platform" unless other apps share its prefix (linkerd-crds, linkerd-identity → linkerd). An
 * app's own `system:` field overrides the rule (helm-guestbook → guestbook).
 */
export function buildFleetTable(plans: readonly ClusterPlan[]): string {
  const rows = fleetRows(plans).map((r) => [r.system, r.cluster, r.namespace, r.apps.join(", ")]);
  const header = ["system", "cluster", "namespace", "apps (Argo CD Applications)"];
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n") + "\n";
}

/** One row of the fleet table: the Applications of one system in one namespace of one cluster. */
export interface FleetRow {
  system: string;
  cluster: string;
  namespace: string;
  apps: string[];
}

/** The table's rows, in its order (per cluster: platform first, then by system and namespace). */
export function fleetRows(plans: readonly ClusterPlan[]): FleetRow[] {
  const apps = plans.flatMap((p) => p.instances.flatMap((i) => (i.app ? [i.app.name] : [])));
  const prefixCount = new Map<string, number>();
  for (const name of new Set(apps)) {
    const prefix = name.split("-")[0]!;
    prefixCount.set(prefix, (prefixCount.get(prefix) ?? 0) + 1);
  }
  const systemOf = (name: string, layer: string) => {
    const prefix = name.split("-")[0]!;
    if (layer !== "platform" || (prefixCount.get(prefix) ?? 0) > 1) return prefix;
    return "platform";
  };
  const rows: FleetRow[] = [];
  for (const plan of plans) {
    const groups = new Map<string, { system: string; namespace: string; ids: string[] }>();
    for (const inst of plan.instances) {
      if (!inst.app) continue;
      const system = inst.app.spec.system ?? systemOf(inst.app.name, inst.layer);
      const key = `${system}\u0000${inst.namespace}`;
      const g = groups.get(key) ?? { system, namespace: inst.namespace, ids: [] };
      g.ids.push(inst.id);
      groups.set(key, g);
    }
    const rank = (g: { system: string }) => (g.system === "platform" ? 0 : 1);
    const sorted = [...groups.values()].sort((a, b) => rank(a) - rank(b) || cmp(a.system, b.system) || cmp(a.namespace, b.namespace));
    for (const g of sorted) rows.push({ system: g.system, cluster: plan.cluster.name, namespace: g.namespace, apps: g.ids.sort() });
  }
  return rows;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
