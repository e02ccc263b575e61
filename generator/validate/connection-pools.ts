import type { Diagnostic } from "../errors.js";
import type { Cluster, Fleet } from "../model/fleet.js";
import { clusterInstances } from "../model/instances.js";
import { resolveReplicas } from "../model/replicas.js";
import { diagnosticAt } from "../yaml/source.js";

/**
 * For every in-cluster Postgres: the pools of all services that connect to it (pool size ×
 * replicas, each environment counted) plus its reserve must stay within max_connections.
 * A Postgres replaced by an external service on a cluster is not checked there.
 */
export function checkConnectionPools(fleet: Fleet, cluster: Cluster): Diagnostic[] {
  const out: Diagnostic[] = [];
  const instances = clusterInstances(fleet, cluster);
  for (const server of instances.filter((i) => i.app?.spec.postgres)) {
    const pg = server.app!.spec.postgres!;
    const users: { id: string; connections: number }[] = [];
    for (const client of instances) {
      for (const pool of client.app?.spec.connectionPools ?? []) {
        if (pool.to !== server.app!.name) continue;
        // A per-environment Postgres serves only its own environment's clients.
        if (server.environment && client.environment && server.environment !== client.environment) continue;
        users.push({ id: client.id, connections: pool.size * resolveReplicas(pool.replicas, cluster.profile, client.environment) });
      }
    }
    const reserve = pg.reserve ?? 0;
    const total = users.reduce((s, u) => s + u.connections, 0) + reserve;
    if (total > pg.maxConnections) {
      const parts = [...users].sort((a, b) => b.connections - a.connections || (a.id < b.id ? -1 : 1)).map((u) => `${u.id} ${u.connections}`);
      out.push(
        diagnosticAt(
          server.app!.source,
          ["postgres", "maxConnections"],
          `on cluster "${cluster.name}", connection pools to ${server.id} need ${total} connections (${[...parts, `reserve ${reserve}`].join(" + ")}), over max_connections ${pg.maxConnections}`,
          "lower connectionPools sizes or replicas of the largest users, shrink the reserve, or raise maxConnections (and the server's max_connections setting)",
        ),
      );
    }
  }
  return out;
}
