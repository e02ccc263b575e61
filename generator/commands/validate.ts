import { sortDiagnostics, formatDiagnostic, type Diagnostic } from "../errors.js";
import { planFleet } from "../plan/plan-cluster.js";
import { checkGeneratedObjects } from "../validate/generated-objects.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleet, requireCluster } from "./load.js";

export interface ValidateOptions {
  root: string;
  cluster?: string;
}

/** Input schemas and cross-references (via loading), then every generated object. */
export function runValidate(opts: ValidateOptions, io: CommandIO): ExitCode {
  const fleet = loadCheckedFleet(opts.root);
  requireCluster(fleet, opts.cluster);
  const plans = planFleet(fleet, opts.cluster);
  const problems: Diagnostic[] = [];
  for (const plan of plans) problems.push(...checkGeneratedObjects(plan.files));
  if (problems.length > 0) {
    for (const d of sortDiagnostics(problems)) io.stderr.write(`${formatDiagnostic(d)}\n`);
    io.stderr.write(`${problems.length} problem${problems.length === 1 ? "" : "s"} found\n`);
    return 1;
  }
  const objects = plans.reduce((n, p) => n + p.files.length, 0);
  io.stdout.write(`valid: ${fleet.clusters.length} clusters, ${fleet.apps.size} apps, ${objects} generated objects\n`);
  return 0;
}
