import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fail, type Result } from "../errors.js";
import { layout } from "../layout.js";
import { parseSealingCertificate, type SealingCertificate } from "../sealer/index.js";

export const FETCH_CERT_HINT = (cluster: string) =>
  `fetch the controller's certificate (kubeseal --fetch-cert --controller-namespace kube-system --controller-name sealed-secrets > ${layout.sealingCert(cluster)}) ` +
  `or create a key pair before the cluster exists (berth keys generate --cluster ${cluster} --out <path outside the repository>)`;

/** The cluster's committed certificate, checked for sealing (present, RSA, within its validity period). */
export function loadSealingCertificate(root: string, cluster: string, now: Date): Result<SealingCertificate> {
  const file = layout.sealingCert(cluster);
  const text = readCertificateText(root, cluster);
  if (text === undefined) {
    return fail([{ file, line: 0, col: 0, message: `cluster "${cluster}" has no sealing certificate`, hint: FETCH_CERT_HINT(cluster) }]);
  }
  return parseSealingCertificate(text, { now, file });
}

export function readCertificateText(root: string, cluster: string): string | undefined {
  const abs = join(root, layout.sealingCert(cluster));
  return existsSync(abs) ? readFileSync(abs, "utf8") : undefined;
}

/**
 * The fingerprint (SHA-256 of the DER certificate, as recorded in berth.dev/sealed-with) of the
 * first certificate in the text, without checking validity: an expired certificate still names
 * the key its values were sealed for.
 */
export function certificateFingerprint(pem: string): string | undefined {
  const block = /-----BEGIN CERTIFICATE-----\r?\n?([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!block) return undefined;
  const der = Buffer.from((block[1] ?? "").replace(/\s+/g, ""), "base64");
  return der.length > 0 ? createHash("sha256").update(der).digest("hex") : undefined;
}

/** The first 12 hex digits of a fingerprint, as shown in messages. */
export const shortFingerprint = (fingerprint: string | undefined) => (fingerprint ? fingerprint.slice(0, 12) : "(none)");
