import { layout } from "../layout.js";
import type { Fleet } from "../model/fleet.js";
import { clusterInstances } from "../model/instances.js";

/** The controller SIG Network retired, by its chart and project name. */
const RETIRED = "ingress-nginx";
export const RETIRED_ON = "2026-03-24";

/**
 * Apps that install the retired NGINX ingress controller (its chart, or an app of its name) on a
 * cluster: one warning each, naming the clusters, the retirement date and the replacement. A
 * warning, not an error: the controller still runs, it only gets no fixes any more.
 */
export function retiredIngressWarnings(fleet: Fleet): string[] {
  const clusters = new Map<string, string[]>();
  for (const cluster of fleet.clusters) {
    for (const inst of clusterInstances(fleet, cluster)) {
      const app = inst.app;
      if (!app) continue;
      const src = app.spec.source;
      const retired = app.name === RETIRED || (src.type === "helm" && (src.chart === RETIRED || src.repo.includes(`/${RETIRED}`)));
      if (!retired) continue;
      if (!clusters.has(app.name)) clusters.set(app.name, []);
      if (!clusters.get(app.name)!.includes(cluster.name)) clusters.get(app.name)!.push(cluster.name);
    }
  }
  return [...clusters].sort(([a], [b]) => (a < b ? -1 : 1)).map(
    ([app, on]) =>
      `${layout.appFile(app)}: ${RETIRED} (on ${on.length === 1 ? "cluster" : "clusters"} ${on.join(", ")}) reached its end of maintenance on ${RETIRED_ON} ` +
      "and gets no more releases or security fixes; route through the Gateway API instead " +
      "(Envoy Gateway: apps envoy-gateway and envoy-gateway-class, HTTPRoutes on the cluster's Gateway), as docs/gateway-api.md shows",
  );
}
