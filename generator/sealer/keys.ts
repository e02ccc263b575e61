import { createHash, createPrivateKey, randomBytes, webcrypto, X509Certificate } from "node:crypto";
import { x509 } from "./x509.js";

/** A sealing key as the controller would have generated it. */
export interface SealingKeyPair {
  certPem: string;
  /** PKCS#1 ("RSA PRIVATE KEY"), the encoding the controller stores in tls.key. */
  privateKeyPem: string;
}

/** The controller's key Secret; only ever printed for `kubectl apply`, never written to the repository. */
export interface SealingKeySecret {
  apiVersion: "v1";
  kind: "Secret";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  type: "kubernetes.io/tls";
  data: { "tls.crt": string; "tls.key": string };
}

export const SEALING_KEY_LABEL = "sealedsecrets.bitnami.com/sealed-secrets-key";

// Controller defaults: --key-size 4096, --key-ttl 10*365*24h (a duration, not calendar years).
const KEY_BITS = 4096;
const VALIDITY_MS = 10 * 365 * 24 * 60 * 60 * 1000;

/**
 * Generates a key pair and self-signed certificate matching the controller's own: random serial
 * below 2^128, subject = issuer = CN (empty by default, like --my-cn), critical key usage
 * encipherOnly, critical basic constraints CA, SHA256-RSA signature.
 */
export async function generateSealingKeyPair(opts: { now: Date; commonName?: string }): Promise<SealingKeyPair> {
  const algorithm = {
    name: "RSASSA-PKCS1-v1_5",
    hash: "SHA-256",
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: KEY_BITS,
  };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  // X.509 times have whole seconds; truncate so the returned certificate says exactly `now`.
  const notBefore = new Date(Math.floor(opts.now.getTime() / 1000) * 1000);
  const lib = x509();
  const cert = await lib.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16).toString("hex"),
    name: opts.commonName ? [{ CN: [opts.commonName] }] : [],
    notBefore,
    notAfter: new Date(notBefore.getTime() + VALIDITY_MS),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new lib.KeyUsagesExtension(lib.KeyUsageFlags.encipherOnly, true),
      new lib.BasicConstraintsExtension(true, undefined, true),
      await lib.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  const privateKeyPem = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" })
    .export({ type: "pkcs1", format: "pem" })
    .toString();
  return { certPem: cert.toString("pem") + "\n", privateKeyPem };
}

/**
 * The Secret the controller loads a sealing key from (label value `active`, type kubernetes.io/tls).
 * The default name is derived from the certificate, so a second key never overwrites the first:
 * losing an old key makes everything sealed with it unreadable.
 */
export function sealingKeySecret(args: {
  certPem: string;
  privateKeyPem: string;
  name?: string;
  namespace?: string;
}): SealingKeySecret {
  const cert = new X509Certificate(args.certPem);
  // The controller does not check this; a mismatch would only show up when unsealing fails.
  if (!cert.checkPrivateKey(createPrivateKey(args.privateKeyPem))) {
    throw new Error("the private key does not belong to the certificate");
  }
  const fingerprint = createHash("sha256").update(cert.raw).digest("hex");
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: args.name ?? `sealed-secrets-key-${fingerprint.slice(0, 12)}`,
      namespace: args.namespace ?? "kube-system",
      labels: { [SEALING_KEY_LABEL]: "active" },
    },
    type: "kubernetes.io/tls",
    data: {
      "tls.crt": Buffer.from(args.certPem, "utf8").toString("base64"),
      "tls.key": Buffer.from(args.privateKeyPem, "utf8").toString("base64"),
    },
  };
}
