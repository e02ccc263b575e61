import { FAILING_STATES, formatStatus, secretsStatus } from "../secrets/status.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleet, requireCluster } from "./checked-fleet.js";

export interface SecretsStatusOptions {
  root: string;
  cluster?: string;
}

/**
 * Per cluster: secrets sealed with a certificate that is no longer the cluster's, secrets an app
 * consumes that are not sealed (or lack keys), and sealed secrets nothing consumes.
 * Exit 1 when anything is missing, stale or invalid; unused secrets alone do not fail.
 */
export function runSecretsStatus(opts: SecretsStatusOptions, io: CommandIO): ExitCode {
  const fleet = loadCheckedFleet(opts.root);
  requireCluster(fleet, opts.cluster);
  const status = secretsStatus(opts.root, fleet, io.now?.() ?? new Date(), opts.cluster);
  io.stdout.write(formatStatus(status));
  return status.rows.some((r) => FAILING_STATES.has(r.state)) ? 1 : 0;
}
