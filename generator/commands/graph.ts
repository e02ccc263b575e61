import { planFleet } from "../plan/plan-cluster.js";
import { buildGraph, graphData } from "../plan/graph.js";
import type { CommandIO, ExitCode } from "./context.js";
import { requireCluster } from "../read/checked-fleet.js";
import { loadCheckedFleetCached } from "../cache/cached-fleet.js";

export interface GraphOptions {
  root: string;
  cluster: string;
  format?: "mermaid" | "json";
}

export function runGraph(opts: GraphOptions, io: CommandIO): ExitCode {
  const fleet = loadCheckedFleetCached(opts.root, io.env);
  requireCluster(fleet, opts.cluster);
  const [plan] = planFleet(fleet, opts.cluster);
  io.stdout.write(opts.format === "json" ? `${JSON.stringify(graphData(plan!), null, 2)}\n` : "```mermaid\n" + buildGraph(plan!) + "```\n");
  return 0;
}
