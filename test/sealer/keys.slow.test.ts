import "reflect-metadata";
import { X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { beforeAll, describe, expect, it } from "vitest";
import {
  generateSealingKeyPair,
  parseSealingCertificate,
  sealValue,
  sealingKeySecret,
  type SealingKeyPair,
} from "../../generator/sealer/index.js";
import { NOW } from "./fixtures.js";
import { unseal } from "./unseal.js";

let plain: SealingKeyPair;
let named: SealingKeyPair;

beforeAll(async () => {
  // Two RSA-4096 generations run in parallel on the libuv pool.
  [plain, named] = await Promise.all([
    generateSealingKeyPair({ now: new Date("2026-03-01T12:00:00.789Z") }),
    generateSealingKeyPair({ now: NOW, commonName: "sealed-secret" }),
  ]);
});

describe("generateSealingKeyPair", () => {
  it("makes a certificate berth accepts, RSA-4096, valid for 3650 days from now", () => {
    const r = parseSealingCertificate(plain.certPem, { now: NOW, file: "cert.pem" });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.modulusBits).toBe(4096);
    expect(r.value.notBefore.toISOString()).toBe("2026-03-01T12:00:00.000Z");
    expect(r.value.notAfter.getTime() - r.value.notBefore.getTime()).toBe(3650 * 24 * 3600 * 1000);
    expect(r.value.subject).toBe("");
  });

  it("self-signs like the controller: subject = issuer, CA, encipherOnly, SHA256-RSA, serial < 2^128", async () => {
    const cert = new x509.X509Certificate(named.certPem);
    expect(cert.subject).toBe("CN=sealed-secret");
    expect(cert.issuer).toBe(cert.subject);
    expect(await cert.isSelfSigned()).toBe(true);
    expect(new X509Certificate(named.certPem).verify(new X509Certificate(named.certPem).publicKey)).toBe(true);
    expect(cert.signatureAlgorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5", hash: { name: "SHA-256" } });

    const usage = cert.getExtension(x509.KeyUsagesExtension);
    expect(usage?.usages).toBe(x509.KeyUsageFlags.encipherOnly);
    expect(usage?.critical).toBe(true);
    const basic = cert.getExtension(x509.BasicConstraintsExtension);
    expect(basic?.ca).toBe(true);
    expect(basic?.pathLength).toBeUndefined();
    expect(basic?.critical).toBe(true);

    expect(BigInt(`0x${cert.serialNumber}`)).toBeLessThan(2n ** 128n);
    expect(BigInt(`0x${cert.serialNumber}`)).toBeGreaterThan(0n);
    expect(new x509.X509Certificate(plain.certPem).serialNumber).not.toBe(cert.serialNumber);
  });

  it("returns the private key as PKCS#1, and it opens values sealed with the certificate", () => {
    expect(plain.privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const r = parseSealingCertificate(plain.certPem, { now: NOW, file: "cert.pem" });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const sealed = sealValue({ cert: r.value, namespace: "shop", name: "db", scope: "strict", value: Buffer.from("hunter2") });
    expect(unseal(sealed, plain.privateKeyPem, "shop/db").toString()).toBe("hunter2");
    expect(() => unseal(sealed, named.privateKeyPem, "shop/db")).toThrow();
  });
});

describe("sealingKeySecret", () => {
  it("builds the controller's kubernetes.io/tls key Secret", () => {
    const fingerprint = new X509Certificate(plain.certPem).fingerprint256.replaceAll(":", "").toLowerCase();
    const secret = sealingKeySecret(plain);
    expect(secret).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: `sealed-secrets-key-${fingerprint.slice(0, 12)}`,
        namespace: "kube-system",
        labels: { "sealedsecrets.bitnami.com/sealed-secrets-key": "active" },
      },
      type: "kubernetes.io/tls",
      data: { "tls.crt": expect.any(String), "tls.key": expect.any(String) },
    });
    expect(Buffer.from(secret.data["tls.crt"], "base64").toString()).toBe(plain.certPem);
    expect(Buffer.from(secret.data["tls.key"], "base64").toString()).toBe(plain.privateKeyPem);
    expect(sealingKeySecret(named).metadata.name).not.toBe(secret.metadata.name);
  });

  it("takes an explicit name and namespace", () => {
    expect(sealingKeySecret({ ...plain, name: "my-key", namespace: "sealed-secrets" }).metadata).toMatchObject({
      name: "my-key",
      namespace: "sealed-secrets",
    });
  });

  it("refuses a private key that does not match the certificate", () => {
    expect(() => sealingKeySecret({ certPem: plain.certPem, privateKeyPem: named.privateKeyPem })).toThrow(/does not belong/);
  });
});
