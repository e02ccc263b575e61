import type { Finding } from "../findings/finding.js";
import type { AttachData, ReportFindings } from "../findings/report.js";
import { layout } from "../layout.js";
import { readKeysForClusters } from "../secrets/private-keys.js";
import { FAILING_STATES, formatStatus, secretsStatus, type SecretStatusRow } from "../secrets/status.js";
import type { CommandIO, ExitCode } from "./context.js";
import { requireCluster } from "../read/checked-fleet.js";
import { loadCheckedFleetCached } from "../cache/cached-fleet.js";

export interface SecretsStatusOptions {
  root: string;
  cluster?: string;
  /** --key: private key files that open the SealedSecrets, instead of trusting their annotation. */
  keys?: readonly string[];
}

/**
 * Per cluster: secrets sealed with a certificate that is no longer the cluster's, secrets an app
 * consumes that are not sealed (or lack keys), and sealed secrets nothing consumes.
 * Exit 1 when anything is missing, stale or invalid; unused secrets alone do not fail.
 */
export function runSecretsStatus(opts: SecretsStatusOptions, io: CommandIO, report: ReportFindings = () => {}, attach: AttachData = () => {}): ExitCode {
  const fleet = loadCheckedFleetCached(opts.root, io.env);
  requireCluster(fleet, opts.cluster);
  const clusters = fleet.clusters.map((c) => c.name).filter((c) => opts.cluster === undefined || c === opts.cluster);
  const keys = readKeysForClusters(opts.root, io.cwd, opts.keys ?? [], clusters);
  const status = secretsStatus(opts.root, fleet, io.now?.() ?? new Date(), opts.cluster, keys);
  io.stdout.write(formatStatus(status));
  // --format json: the table's rows and notes, not only the findings.
  attach("secrets", status.rows);
  attach("notes", status.notes);
  report(status.rows.filter((r) => r.state !== "ok").map(rowFinding));
  return status.rows.some((r) => FAILING_STATES.has(r.state)) ? 1 : 0;
}

/** A row as a finding on its sealed file (or, for a secret not sealed yet, where it should be). */
function rowFinding(r: SecretStatusRow): Finding {
  const [ns, name, ...rest] = r.secret.split("/");
  const file = rest.length === 0 && name !== undefined ? layout.sealedSecretFile(r.cluster, ns!, name) : r.secret;
  const texts = r.findings.filter((f) => f.state !== "ok").map((f) => f.text);
  return {
    file,
    line: 1,
    col: 1,
    severity: FAILING_STATES.has(r.state) ? "error" : "warning",
    message: `${r.cluster}: ${r.secret} is ${r.state}: ${texts.join("; ")}`,
    fix: null,
  };
}
