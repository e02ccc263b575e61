import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSealingCertificate } from "../../generator/sealer/index.js";
import type { Diagnostic } from "../../generator/errors.js";
import { makeCert, NOW, type TestCert } from "./fixtures.js";

const file = "clusters/prod/sealing-cert.pem";

function diagnosticOf(pem: string, now = NOW): Diagnostic {
  const r = parseSealingCertificate(pem, { now, file });
  if (r.ok) throw new Error("expected a diagnostic");
  expect(r.diagnostics).toHaveLength(1);
  const d = r.diagnostics[0]!;
  expect(d.file).toBe(file);
  expect(d.hint).toBeTruthy();
  return d;
}

describe("parseSealingCertificate", () => {
  let rsa: TestCert;
  beforeAll(async () => {
    rsa = await makeCert({ key: { rsaBits: 2048 }, cn: "sealed-secret" });
  });

  it("accepts an RSA certificate and reports its details", () => {
    const r = parseSealingCertificate(rsa.certPem, { now: NOW, file });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const node = new X509Certificate(rsa.certPem);
    expect(r.value.fingerprint).toBe(node.fingerprint256.replaceAll(":", "").toLowerCase());
    expect(r.value.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(r.value.publicKey.asymmetricKeyType).toBe("rsa");
    expect(r.value.modulusBits).toBe(2048);
    expect(r.value.subject).toBe("CN=sealed-secret");
    expect(r.value.notBefore.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(r.value.notAfter.toISOString()).toBe("2036-01-01T00:00:00.000Z");
    expect(r.value.pem.trim()).toBe(rsa.certPem.trim());
  });

  it("uses the first certificate of a file with other blocks, like kubeseal", async () => {
    const other = await makeCert({ key: "ec-p256" });
    const text = `# fetched 2026-03-01\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n${rsa.certPem}\n${other.certPem}\n`;
    const r = parseSealingCertificate(text, { now: NOW, file });
    expect(r.ok && r.value.pem.trim()).toBe(rsa.certPem.trim());
  });

  it("accepts CRLF line endings", () => {
    expect(parseSealingCertificate(rsa.certPem.replaceAll("\n", "\r\n"), { now: NOW, file }).ok).toBe(true);
  });

  it("rejects text that is not PEM", () => {
    const d = diagnosticOf("hello, this is not a certificate\n");
    expect(d).toMatchObject({ line: 0, col: 0 });
    expect(d.message).toMatch(/not a PEM certificate/);
    expect(d.hint).toMatch(/kubeseal --fetch-cert/);
  });

  it("rejects a public key instead of a certificate, pointing at the block", () => {
    const d = diagnosticOf("\n\n-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n");
    expect(d).toMatchObject({ line: 3, col: 1 });
    expect(d.message).toMatch(/found a "PUBLIC KEY" block/);
  });

  it("rejects a CERTIFICATE block that does not decode", () => {
    const d = diagnosticOf("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
    expect(d).toMatchObject({ line: 1, col: 1 });
    expect(d.message).toMatch(/cannot be decoded/);
  });

  it("rejects an expired certificate", async () => {
    const expired = await makeCert({
      key: { rsaBits: 2048 },
      notBefore: new Date("2015-01-01T00:00:00Z"),
      notAfter: new Date("2025-01-01T00:00:00Z"),
    });
    const d = diagnosticOf(expired.certPem);
    expect(d.message).toBe("the certificate expired on 2025-01-01T00:00:00.000Z");
    expect(d.hint).toMatch(/kubeseal --fetch-cert/);
  });

  it("rejects a certificate that is not valid yet", () => {
    const d = diagnosticOf(rsa.certPem, new Date("2025-12-31T23:59:59Z"));
    expect(d.message).toBe("the certificate is not valid before 2026-01-01T00:00:00.000Z");
    expect(d.hint).toMatch(/clock/);
  });

  it("treats the validity bounds as inclusive", () => {
    expect(parseSealingCertificate(rsa.certPem, { now: new Date("2026-01-01T00:00:00Z"), file }).ok).toBe(true);
    expect(parseSealingCertificate(rsa.certPem, { now: new Date("2036-01-01T00:00:00Z"), file }).ok).toBe(true);
  });

  it("rejects an EC certificate", async () => {
    const ec = await makeCert({ key: "ec-p256" });
    const d = diagnosticOf(ec.certPem);
    expect(d.message).toBe("the certificate's key is ec, not RSA");
    expect(d.hint).toMatch(/RSA/);
  });

  it("rejects an RSA key shorter than 2048 bits", async () => {
    const weak = await makeCert({ key: { rsaBits: 1024 } });
    const d = diagnosticOf(weak.certPem);
    expect(d.message).toBe("the certificate's RSA key has 1024 bits, fewer than 2048");
    expect(d.hint).toMatch(/4096/);
  });
});
