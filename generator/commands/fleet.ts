import { planFleet } from "../plan/plan-cluster.js";
import { buildFleetTable } from "../plan/fleet-table.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleetCached, requireCluster } from "../read/checked-fleet.js";

export interface FleetOptions {
  root: string;
  cluster?: string;
}

/** Prints a Markdown table of which systems run on which cluster, in which namespaces. */
export function runFleet(opts: FleetOptions, io: CommandIO): ExitCode {
  const fleet = loadCheckedFleetCached(opts.root, io.env);
  requireCluster(fleet, opts.cluster);
  io.stdout.write(buildFleetTable(planFleet(fleet, opts.cluster)));
  return 0;
}
