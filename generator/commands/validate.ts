import { sortDiagnostics, UserError, type Diagnostic } from "../errors.js";
import { planFleet } from "../plan/plan-cluster.js";
import { formatCpu, formatMemory } from "../model/quantity.js";
import { checkBudget, clusterBudget } from "../validate/budget.js";
import { checkConnectionPools } from "../validate/connection-pools.js";
import { checkGeneratedObjects } from "../validate/generated-objects.js";
import { findPlaintextCredentials, findPrivateKeys } from "../validate/hygiene.js";
import { checkSecrets } from "../secrets/check.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleet, requireCluster } from "./checked-fleet.js";

export interface ValidateOptions {
  root: string;
  cluster?: string;
}

/**
 * Everything that can be checked without a cluster: input schemas and cross-references (while
 * loading), every generated object, resource budgets, connection pools, sealed secrets, and the
 * repository's hygiene (private keys, plaintext credentials).
 */
export function runValidate(opts: ValidateOptions, io: CommandIO): ExitCode {
  const fleet = loadCheckedFleet(opts.root);
  requireCluster(fleet, opts.cluster);
  const plans = planFleet(fleet, opts.cluster);
  const problems: Diagnostic[] = [...findPrivateKeys(opts.root), ...findPlaintextCredentials(opts.root)];
  for (const plan of plans) {
    problems.push(...checkGeneratedObjects(plan.files));
    problems.push(...checkBudget(fleet, plan.cluster), ...checkConnectionPools(fleet, plan.cluster));
  }
  // Sealed secrets: consumed secrets sealed per cluster and namespace, secrets/ well-formed, no plaintext Secrets.
  problems.push(...checkSecrets(opts.root, fleet, opts.cluster));
  if (problems.length > 0) throw new UserError(sortDiagnostics(problems));
  const objects = plans.reduce((n, p) => n + p.files.length, 0);
  io.stdout.write(`valid: ${plans.length} cluster${plans.length === 1 ? "" : "s"}, ${fleet.apps.size} apps, ${objects} generated objects\n`);
  for (const plan of plans) {
    const b = clusterBudget(fleet, plan.cluster);
    const pct = (x: { requested: number; capacity: number }) => Math.round((100 * x.requested) / x.capacity);
    io.stdout.write(
      `  ${plan.cluster.name}: requests ${formatMemory(b.memory.requested)} of ${formatMemory(b.memory.capacity)} memory (${pct(b.memory)}%), ${formatCpu(b.cpu.requested)} of ${formatCpu(b.cpu.capacity)} CPU (${pct(b.cpu)}%)\n`,
    );
  }
  return 0;
}
