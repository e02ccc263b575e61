import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "../errors.js";
import { layout } from "../layout.js";
import { sealingKeySecret } from "../sealer/index.js";
import { toYaml } from "../yaml/canonical.js";
import { certificateFingerprint, FETCH_CERT_HINT, readCertificateText } from "./cluster-certificate.js";
import { insideRepository } from "./key-file.js";

export interface LoadedSealingKey {
  /** The Secret, as YAML for `kubectl apply -f -`. Holds the private key: memory only. */
  yaml: string;
  secretName: string;
  fingerprint: string;
  warnings: string[];
  /** The private key itself, for opening the repository credentials in memory (bootstrap). */
  key: KeyObject;
}

/**
 * The sealing key Secret from --key, checked against the committed certificate as `berth keys secret` and
 * `berth bootstrap` both need it: a key that does not belong to the certificate would leave every
 * committed SealedSecret of the cluster unreadable.
 */
export function loadSealingKey(root: string, cluster: string, keyArg: string, cwd: string): LoadedSealingKey {
  const certFile = layout.sealingCert(cluster);
  const certText = readCertificateText(root, cluster);
  if (certText === undefined) {
    throw new UserError([{ file: certFile, line: 0, col: 0, message: `cluster "${cluster}" has no sealing certificate, so --key cannot be checked`, hint: FETCH_CERT_HINT(cluster) }]);
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certText);
  } catch (e) {
    throw new UserError([{ file: certFile, line: 0, col: 0, message: `is not a PEM certificate: ${(e as Error).message}`, hint: FETCH_CERT_HINT(cluster) }]);
  }
  const keyPath = resolve(cwd, keyArg);
  const problem = (message: string, hint: string) => new UserError([{ file: keyArg, line: 0, col: 0, message, hint }]);
  if (!existsSync(keyPath) || !statSync(keyPath).isFile()) {
    throw problem("--key: the file does not exist", "give the private key file written by `berth keys generate --out`, or restored from its backup");
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(keyPath));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw problem(`--key: not an unencrypted PEM private key (${code ?? (e as Error).message})`, "give the RSA private key (-----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----) without a passphrase");
  }
  if (key.asymmetricKeyType !== "rsa") throw problem(`--key: the key is ${key.asymmetricKeyType ?? "of an unknown type"}, not RSA`, "Sealed Secrets keys are RSA");
  const fingerprint = certificateFingerprint(certText) ?? "";
  if (!cert.checkPrivateKey(key)) {
    throw new UserError([
      {
        file: certFile,
        line: 0,
        col: 0,
        message: `the key ${keyArg} does not belong to cluster "${cluster}"'s certificate (${fingerprint.slice(0, 12)})`,
        hint: "give the key generated together with this certificate; installing another key would leave every SealedSecret of this cluster unreadable",
      },
    ]);
  }
  const warnings = insideRepository(root, keyPath) ? [`${keyArg} is inside the repository; move it out before it gets committed`] : [];
  const secret = sealingKeySecret({ certPem: cert.toString(), privateKeyPem: key.export({ type: "pkcs1", format: "pem" }).toString() });
  return { yaml: toYaml(secret), secretName: secret.metadata.name, fingerprint, warnings, key };
}
