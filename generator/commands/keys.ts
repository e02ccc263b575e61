import { dirname, join, resolve } from "node:path";
import { UserError } from "../errors.js";
import { layout } from "../layout.js";
import { generateSealingKeyPair } from "../sealer/index.js";
import { certificateFingerprint, readCertificateText, shortFingerprint } from "../secrets/cluster-certificate.js";
import { checkKeyOutPath, writePrivateKey } from "../secrets/key-file.js";
import { loadSealingKey } from "../secrets/sealing-key.js";
import { readSealedFiles } from "../secrets/sealed-files.js";
import { writeFileAtomic } from "../write/atomic.js";
import { acquireWriteLock } from "../write/lock.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleet, requireCluster } from "../read/checked-fleet.js";

export interface KeysGenerateOptions {
  root: string;
  cluster: string;
  /** Where the private key goes: outside the repository, a new file. */
  out: string;
  /** Replace an existing committed certificate. */
  force: boolean;
}

/**
 * Creates a sealing key pair the way the controller does, so a cluster can be sealed for before
 * it exists: the certificate goes into the repository, the private key only to --out (mode 0600).
 */
export async function runKeysGenerate(opts: KeysGenerateOptions, io: CommandIO): Promise<ExitCode> {
  const lock = acquireWriteLock(opts.root, io.env);
  try {
    return await generateKeys(opts, io);
  } finally {
    lock.release();
  }
}

async function generateKeys(opts: KeysGenerateOptions, io: CommandIO): Promise<ExitCode> {
  const fleet = loadCheckedFleet(opts.root);
  requireCluster(fleet, opts.cluster);
  const certFile = layout.sealingCert(opts.cluster);
  const previous = readCertificateText(opts.root, opts.cluster);
  if (previous !== undefined && !opts.force) {
    throw new UserError([
      {
        file: certFile,
        line: 0,
        col: 0,
        message: `cluster "${opts.cluster}" already has a sealing certificate (${shortFingerprint(certificateFingerprint(previous))})`,
        hint: `to change the key of a running cluster, rotate it instead (berth keys rotate ${opts.cluster} --out <new key file> --context <context>: installed and verified before the certificate changes, the old one stays listed); --force replaces the certificate outright, for a cluster that does not run yet`,
      },
    ]);
  }
  const keyPath = resolve(io.cwd, opts.out);
  const problem = checkKeyOutPath(opts.root, keyPath, opts.out);
  if (problem) throw new UserError([problem]);

  const pair = await generateSealingKeyPair({ now: io.now?.() ?? new Date() });
  // The key first: a committed certificate whose key was never saved would be worthless.
  const createdDir = writePrivateKey(keyPath, pair.privateKeyPem);
  writeFileAtomic(join(opts.root, certFile), pair.certPem);

  const fingerprint = certificateFingerprint(pair.certPem)!;
  if (createdDir !== undefined) io.stdout.write(`${dirname(opts.out)}: created the folder (mode 0700) for the key\n`);
  io.stdout.write(`${certFile}: new sealing certificate ${shortFingerprint(fingerprint)} (RSA-4096, valid 10 years)\n`);
  io.stdout.write(`${opts.out}: private key (mode 0600); back it up outside the repository, it is the only copy\n`);
  io.stdout.write(`install it on the cluster before the controller starts: berth keys secret --cluster ${opts.cluster} --key ${opts.out} | kubectl apply -f -\n`);
  if (previous !== undefined) {
    const stale = readSealedFiles(opts.root, opts.cluster).files.filter((f) => f.parsed?.sealedWith !== fingerprint);
    io.stdout.write(
      `replaced certificate ${shortFingerprint(certificateFingerprint(previous))}: ${stale.length} SealedSecret${stale.length === 1 ? "" : "s"} under ${layout.secretsClusterDir(opts.cluster)}/ ` +
        `must be resealed with the new certificate (berth secrets status --cluster ${opts.cluster} lists them); keep the old key installed until they are\n`,
    );
  }
  return 0;
}

export interface KeysSecretOptions {
  root: string;
  cluster: string;
  /** The private key file made by `berth keys generate` (or restored from a backup). */
  key: string;
}

/** Prints the kube-system Secret the controller loads its key from, after checking it matches the committed certificate. */
export function runKeysSecret(opts: KeysSecretOptions, io: CommandIO): ExitCode {
  const fleet = loadCheckedFleet(opts.root);
  requireCluster(fleet, opts.cluster);
  const loaded = loadSealingKey(opts.root, opts.cluster, opts.key, io.cwd);
  for (const warning of loaded.warnings) io.stderr.write(`warning: ${warning}\n`);
  io.stdout.write(loaded.yaml);
  return 0;
}
