import { planFleet } from "../plan/plan-cluster.js";
import { buildFleetTable, fleetRows } from "../plan/fleet-table.js";
import type { CommandIO, ExitCode } from "./context.js";
import { requireCluster } from "../read/checked-fleet.js";
import { loadCheckedFleetCached } from "../cache/cached-fleet.js";

export interface FleetOptions {
  root: string;
  cluster?: string;
  format?: "markdown" | "json";
}

/** Prints a Markdown table (or its rows as JSON) of which systems run on which cluster, in which namespaces. */
export function runFleet(opts: FleetOptions, io: CommandIO): ExitCode {
  const fleet = loadCheckedFleetCached(opts.root, io.env);
  requireCluster(fleet, opts.cluster);
  const plans = planFleet(fleet, opts.cluster);
  io.stdout.write(opts.format === "json" ? `${JSON.stringify(fleetRows(plans), null, 2)}\n` : buildFleetTable(plans));
  return 0;
}
