import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sortDiagnostics, UserError, type Diagnostic } from "../errors.js";
import { layout } from "../layout.js";
import { parseSealedSecretFile } from "../sealer/index.js";
import { loadSealingCertificate, shortFingerprint } from "../secrets/cluster-certificate.js";
import { readClusterCerts } from "../secrets/cluster-certs.js";
import { readGivenKeys } from "../secrets/private-keys.js";
import { decideReseal, resealFile, type ResealDecision } from "../secrets/reseal-plan.js";
import { readSealedFiles } from "../secrets/sealed-files.js";
import { writeFileAtomic } from "../write/atomic.js";
import { acquireWriteLock } from "../write/lock.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleet, requireCluster } from "../read/checked-fleet.js";

export interface ResealOptions {
  root: string;
  cluster: string;
  /** Private key files (outside the repository) of the certificates the values were sealed with. */
  keys: readonly string[];
}

/**
 * `berth seal --reseal <cluster> --key OLD`: every SealedSecret of the cluster sealed with an older
 * certificate is opened in memory with the given keys and sealed again, value by value, to the
 * active certificate, keeping name, namespace, scope, template and comments. Every file is decided
 * first (a problem anywhere: nothing is written); then each is replaced by one atomic rename, so a
 * run killed at any point leaves each file old or new, and both open with a key the controller holds.
 */
export async function runReseal(opts: ResealOptions, io: CommandIO): Promise<ExitCode> {
  const lock = acquireWriteLock(opts.root, io.env);
  try {
    return resealLocked(opts, io);
  } finally {
    lock.release();
  }
}

/** The re-sealing itself, for a caller that holds the write lock (`keys rotate`). */
export function resealLocked(opts: ResealOptions, io: CommandIO): ExitCode {
  const fleet = loadCheckedFleet(opts.root);
  requireCluster(fleet, opts.cluster);
  const cert = loadSealingCertificate(opts.root, opts.cluster, io.now?.() ?? new Date());
  if (!cert.ok) throw new UserError(cert.diagnostics);
  const certs = readClusterCerts(opts.root, opts.cluster);
  if (opts.keys.length === 0) {
    throw new UserError([{ file: layout.secretsClusterDir(opts.cluster), line: 0, col: 0, message: "--reseal needs the private key of the certificate the values were sealed with", hint: `berth seal --reseal ${opts.cluster} --key <old private key file, outside the repository>` }]);
  }
  const keys = readGivenKeys(opts.root, io.cwd, opts.keys, certs);
  const { files, diagnostics } = readSealedFiles(opts.root, opts.cluster);
  const problems: Diagnostic[] = [...diagnostics, ...certs.diagnostics];
  const decisions: ResealDecision[] = [];
  for (const f of files) {
    if (!f.parsed) continue;
    const d = decideReseal(f.file, f.parsed, certs, keys);
    if (d.problem) problems.push(d.problem);
    if (d.decision) decisions.push(d.decision);
  }
  if (problems.length > 0) throw new UserError(sortDiagnostics(problems));

  const active = shortFingerprint(cert.value.fingerprint);
  let resealed = 0;
  for (const d of decisions) {
    if (d.action === "keep") {
      io.stdout.write(`${d.file}: kept, ${d.why}\n`);
      continue;
    }
    // Read again under the lock (it is held), so the file written is the file opened.
    const abs = join(opts.root, d.file);
    const text = readFileSync(abs, "utf8");
    const parsed = parseSealedSecretFile(text, d.file);
    if (!parsed.ok) throw new UserError(parsed.diagnostics);
    writeFileAtomic(abs, resealFile(text, parsed.value, cert.value, keys));
    resealed++;
    io.stdout.write(`${d.file}: re-sealed ${d.items.join(", ")} (${d.from.map(shortFingerprint).join(", ")} -> ${active})\n`);
  }
  io.stdout.write(`${resealed} SealedSecret${resealed === 1 ? "" : "s"} of cluster ${opts.cluster} re-sealed with the active certificate ${active}; commit and push them\n`);
  return 0;
}
