import { createHash, X509Certificate, type KeyObject } from "node:crypto";
import { fail, ok, type Diagnostic, type Result } from "../errors.js";
import { x509 } from "./x509.js";
import type * as X509 from "@peculiar/x509";

/** The controller's public certificate, checked and ready to seal with. */
export interface SealingCertificate {
  /** The certificate alone, re-encoded as PEM (other blocks in the file are dropped). */
  pem: string;
  publicKey: KeyObject;
  /** Lowercase hex SHA-256 of the DER certificate. */
  fingerprint: string;
  modulusBits: number;
  notBefore: Date;
  notAfter: Date;
  /** RFC 4514-style subject, e.g. "CN=sealed-secret, O=sealed-secret"; "" when empty. */
  subject: string;
}

const MIN_RSA_BITS = 2048;
const FETCH_HINT =
  "fetch the controller's certificate: " +
  "kubeseal --fetch-cert --controller-namespace kube-system --controller-name sealed-secrets > <file>";
const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n?([\s\S]*?)-----END \1-----/g;

/**
 * Checks the certificate the way kubeseal does before sealing (first certificate in the file,
 * RSA key, within its validity period), plus a minimum key size.
 */
export function parseSealingCertificate(
  pem: string,
  opts: { now: Date; file: string },
): Result<SealingCertificate> {
  const at = (line: number, message: string, hint: string): Result<SealingCertificate> =>
    fail([{ file: opts.file, line, col: line > 0 ? 1 : 0, message, hint } satisfies Diagnostic]);

  const blocks = [...pem.matchAll(BLOCK)];
  const block = blocks.find((b) => b[1] === "CERTIFICATE");
  if (!block) {
    const other = blocks[0];
    if (other) {
      return at(
        lineOf(pem, other.index),
        `expected a PEM certificate, found a "${other[1]}" block`,
        `berth seals with the controller's certificate, not a key; ${FETCH_HINT}`,
      );
    }
    return at(0, "not a PEM certificate (no -----BEGIN CERTIFICATE----- block)", FETCH_HINT);
  }
  const line = lineOf(pem, block.index);

  const der = Buffer.from((block[2] ?? "").replace(/\s+/g, ""), "base64");
  let node: X509Certificate;
  let parsed: X509.X509Certificate;
  let publicKey: KeyObject;
  try {
    node = new X509Certificate(der);
    parsed = new (x509().X509Certificate)(der);
    publicKey = node.publicKey;
  } catch (e) {
    return at(line, `the CERTIFICATE block cannot be decoded: ${(e as Error).message}`, FETCH_HINT);
  }

  if (publicKey.asymmetricKeyType !== "rsa") {
    return at(
      line,
      `the certificate's key is ${publicKey.asymmetricKeyType ?? "of an unknown type"}, not RSA`,
      `Sealed Secrets only seals with RSA keys; use the sealed-secrets controller's certificate (${FETCH_HINT})`,
    );
  }
  const modulusBits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (modulusBits < MIN_RSA_BITS) {
    return at(
      line,
      `the certificate's RSA key has ${modulusBits} bits, fewer than ${MIN_RSA_BITS}`,
      "use a controller key of at least 2048 bits (the controller generates 4096-bit keys by default)",
    );
  }

  const { notBefore, notAfter } = parsed;
  if (opts.now.getTime() > notAfter.getTime()) {
    return at(
      line,
      `the certificate expired on ${notAfter.toISOString()}`,
      `the controller renews its key regularly; ${FETCH_HINT}`,
    );
  }
  if (opts.now.getTime() < notBefore.getTime()) {
    return at(
      line,
      `the certificate is not valid before ${notBefore.toISOString()}`,
      "check this machine's clock; if it is right, the controller's clock is ahead: " +
        "fetch the certificate again once the controller is fixed",
    );
  }

  return ok({
    pem: node.toString(),
    publicKey,
    fingerprint: createHash("sha256").update(node.raw).digest("hex"),
    modulusBits,
    notBefore,
    notAfter,
    subject: parsed.subject,
  });
}

function lineOf(text: string, index: number | undefined): number {
  if (index === undefined) return 0;
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
