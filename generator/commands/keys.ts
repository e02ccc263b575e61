import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../errors.js";
import { layout } from "../layout.js";
import { generateSealingKeyPair, sealingKeySecret } from "../sealer/index.js";
import { certificateFingerprint, FETCH_CERT_HINT, readCertificateText, shortFingerprint } from "../secrets/certificate.js";
import { checkKeyOutPath, insideRepository, writePrivateKey } from "../secrets/key-file.js";
import { readSealedFiles } from "../secrets/sealed-files.js";
import { writeFileAtomic } from "../write/atomic.js";
import { toYaml } from "../yaml/canonical.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleet, requireCluster } from "./load.js";

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
        hint: `pass --force to replace it; every SealedSecret under ${layout.secretsDir}/${opts.cluster}/ must then be resealed, and the old key stays needed until they are`,
      },
    ]);
  }
  const keyPath = resolve(io.cwd, opts.out);
  const problem = checkKeyOutPath(opts.root, keyPath, opts.out);
  if (problem) throw new UserError([problem]);

  const pair = await generateSealingKeyPair({ now: io.now?.() ?? new Date() });
  // The key first: a committed certificate whose key was never saved would be worthless.
  writePrivateKey(keyPath, pair.privateKeyPem);
  writeFileAtomic(join(opts.root, certFile), pair.certPem);

  const fingerprint = certificateFingerprint(pair.certPem)!;
  io.stdout.write(`${certFile}: new sealing certificate ${shortFingerprint(fingerprint)} (RSA-4096, valid 10 years)\n`);
  io.stdout.write(`${opts.out}: private key (mode 0600); back it up outside the repository, it is the only copy\n`);
  io.stdout.write(`install it on the cluster before the controller starts: berth keys secret --cluster ${opts.cluster} --key ${opts.out} | kubectl apply -f -\n`);
  if (previous !== undefined) {
    const stale = readSealedFiles(opts.root, opts.cluster).files.filter((f) => f.parsed?.sealedWith !== fingerprint);
    io.stdout.write(
      `replaced certificate ${shortFingerprint(certificateFingerprint(previous))}: ${stale.length} SealedSecret${stale.length === 1 ? "" : "s"} under ${layout.secretsDir}/${opts.cluster}/ ` +
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
  const certFile = layout.sealingCert(opts.cluster);
  const certText = readCertificateText(opts.root, opts.cluster);
  if (certText === undefined) {
    throw new UserError([{ file: certFile, line: 0, col: 0, message: `cluster "${opts.cluster}" has no sealing certificate`, hint: FETCH_CERT_HINT(opts.cluster) }]);
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certText);
  } catch (e) {
    throw new UserError([{ file: certFile, line: 0, col: 0, message: `is not a PEM certificate: ${(e as Error).message}`, hint: FETCH_CERT_HINT(opts.cluster) }]);
  }

  const keyPath = resolve(io.cwd, opts.key);
  const keyProblem = (message: string, hint: string) => new UserError([{ file: opts.key, line: 0, col: 0, message, hint }]);
  if (!existsSync(keyPath)) throw keyProblem("--key: the file does not exist", "give the private key file written by `berth keys generate --out`, or restored from its backup");
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(keyPath));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw keyProblem(`--key: not an unencrypted PEM private key (${code ?? (e as Error).message})`, "give the RSA private key (-----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----) without a passphrase");
  }
  if (key.asymmetricKeyType !== "rsa") throw keyProblem(`--key: the key is ${key.asymmetricKeyType ?? "of an unknown type"}, not RSA`, "Sealed Secrets keys are RSA");
  if (!cert.checkPrivateKey(key)) {
    throw new UserError([
      {
        file: certFile,
        line: 0,
        col: 0,
        message: `the key ${opts.key} does not belong to cluster "${opts.cluster}"'s certificate (${shortFingerprint(certificateFingerprint(certText))})`,
        hint: "give the key generated together with this certificate; installing another key would leave every SealedSecret of this cluster unreadable",
      },
    ]);
  }
  if (insideRepository(opts.root, keyPath)) {
    io.stderr.write(`warning: ${opts.key} is inside the repository; move it out before it gets committed\n`);
  }
  const privateKeyPem = key.export({ type: "pkcs1", format: "pem" }).toString();
  io.stdout.write(toYaml(sealingKeySecret({ certPem: cert.toString(), privateKeyPem })));
  return 0;
}
