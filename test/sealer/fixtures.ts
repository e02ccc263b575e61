/** Test certificates made directly with @peculiar/x509, independent of berth's key generation. */
import "reflect-metadata";
import { createPrivateKey, webcrypto, type KeyObject } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { toYaml } from "../../generator/yaml/canonical.js";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const NOW = new Date("2026-03-01T12:00:00Z");

export interface TestCert {
  certPem: string;
  privateKey: KeyObject;
}

export async function makeCert(opts: {
  key: { rsaBits: number } | "ec-p256";
  notBefore?: Date;
  notAfter?: Date;
  cn?: string;
}): Promise<TestCert> {
  const algorithm =
    opts.key === "ec-p256"
      ? { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" }
      : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: opts.key.rsaBits };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: `CN=${opts.cn ?? "test"}`,
    notBefore: opts.notBefore ?? new Date("2026-01-01T00:00:00Z"),
    notAfter: opts.notAfter ?? new Date("2036-01-01T00:00:00Z"),
    signingAlgorithm: algorithm,
    keys: keys as unknown as CryptoKeyPair,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  return { certPem: cert.toString("pem"), privateKey: createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }) };
}

/** Objects as a YAML stream behind a comment, as a person or another tool may leave a file. */
export const commentedStream = (objects: readonly unknown[], sources: readonly string[]): string =>
  `# ${sources.join(", ") || "hand-edited"}\n${objects.map((o) => `---\n${toYaml(o)}`).join("")}`;
