import { beforeAll, describe, expect, it } from "vitest";
import {
  buildSealedSecret,
  mergeSealedSecret,
  parseSealedSecretFile,
  parseSealingCertificate,
  sealValue,
  type ParsedSealedSecret,
  type SealingCertificate,
  type SealingScope,
} from "../../generator/sealer/index.js";
import { commentedStream, makeCert, NOW, type TestCert } from "./fixtures.js";
import { unseal } from "./unseal.js";

const file = "secrets/prod/db.yaml";
let key: TestCert;
let cert: SealingCertificate;

beforeAll(async () => {
  key = await makeCert({ key: { rsaBits: 2048 } });
  const r = parseSealingCertificate(key.certPem, { now: NOW, file: "cert.pem" });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  cert = r.value;
});

const sealAll = (values: Record<string, string>, scope: SealingScope = "strict"): Record<string, string> =>
  Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, sealValue({ cert, namespace: "shop", name: "db", scope, value: Buffer.from(v) })]),
  );

function existing(scope: SealingScope, values: Record<string, string>): ParsedSealedSecret {
  const encryptedData = sealAll(values, scope);
  const built = buildSealedSecret({ name: "db", namespace: "shop", scope, type: "Opaque", encryptedData, certFingerprint: "old" });
  const r = parseSealedSecretFile(commentedStream([built], []), file);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value;
}

const update = { name: "db", namespace: "shop", scope: "strict" as SealingScope, type: "Opaque", fingerprint: "new" };

describe("mergeSealedSecret", () => {
  it("keeps untouched ciphertext byte-identical and replaces re-sealed items", () => {
    const before = existing("strict", { user: "admin", password: "old-pass", host: "db.local" });
    const newEncryptedData = sealAll({ password: "new-pass", port: "5432" });
    const r = mergeSealedSecret(before, { ...update, newEncryptedData });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const data = r.value.spec.encryptedData;

    expect(Object.keys(data)).toEqual(["host", "password", "port", "user"]);
    expect(data.user).toBe(before.secret.spec.encryptedData.user);
    expect(data.host).toBe(before.secret.spec.encryptedData.host);
    expect(data.password).toBe(newEncryptedData.password);
    expect(data.password).not.toBe(before.secret.spec.encryptedData.password);
    const open = (k: string): string => unseal(data[k]!, key.privateKey, "shop/db").toString();
    expect([open("user"), open("password"), open("port"), open("host")]).toEqual(["admin", "new-pass", "5432", "db.local"]);
    expect(r.value.metadata.annotations?.["berth.dev/sealed-with"]).toBe("new");
  });

  it("does not modify the existing object", () => {
    const before = existing("strict", { user: "admin" });
    const snapshot = structuredClone(before.secret);
    mergeSealedSecret(before, { ...update, newEncryptedData: sealAll({ user: "root" }) });
    expect(before.secret).toEqual(snapshot);
  });

  it("changes nothing, not even the fingerprint, when nothing is re-sealed", () => {
    const before = existing("strict", { user: "admin" });
    const r = mergeSealedSecret(before, { ...update, newEncryptedData: {} });
    expect(r.ok && r.value).toEqual(before.secret);
  });

  it("keeps what a human added to the template and the type requested", () => {
    const text = commentedStream(
      [
        {
          ...existing("namespace-wide", { a: "1" }).secret,
          spec: {
            encryptedData: sealAll({ a: "1" }, "namespace-wide"),
            template: { metadata: { labels: { team: "payments" } }, immutable: true },
          },
        },
      ],
      [],
    );
    const parsed = parseSealedSecretFile(text, file);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
    const r = mergeSealedSecret(parsed.value, { ...update, scope: "namespace-wide", type: "kubernetes.io/basic-auth", newEncryptedData: {} });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.spec.template).toEqual({
      metadata: {
        name: "db",
        namespace: "shop",
        labels: { team: "payments" },
        annotations: { "sealedsecrets.bitnami.com/namespace-wide": "true" },
      },
      immutable: true,
      type: "kubernetes.io/basic-auth",
    });
  });

  it("refuses a scope change, pointing at the scope annotation", () => {
    const before = existing("namespace-wide", { a: "1" });
    const r = mergeSealedSecret(before, { ...update, scope: "cluster-wide", newEncryptedData: sealAll({ b: "2" }, "cluster-wide") });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      file,
      line: before.positions.scope.line,
      message: "the existing SealedSecret is namespace-wide, but cluster-wide was requested",
    });
    expect(r.diagnostics[0]!.line).toBeGreaterThan(0);
    expect(r.diagnostics[0]!.hint).toMatch(/delete secrets\/prod\/db.yaml/);
  });

  it("refuses a strict-to-scoped change, pointing at metadata", () => {
    const before = existing("strict", { a: "1" });
    const r = mergeSealedSecret(before, { ...update, scope: "namespace-wide", newEncryptedData: {} });
    expect(!r.ok && r.diagnostics.map((d) => d.message)).toEqual(["the existing SealedSecret is strict, but namespace-wide was requested"]);
  });

  it("refuses another name or namespace", () => {
    const before = existing("strict", { a: "1" });
    const r = mergeSealedSecret(before, { ...update, name: "db2", namespace: "shop2", newEncryptedData: {} });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics.map((d) => [d.line, d.col, d.message])).toEqual([
      [before.positions.namespace.line, before.positions.namespace.col, 'the existing SealedSecret is in namespace "shop", not "shop2"'],
      [before.positions.name.line, before.positions.name.col, 'the existing SealedSecret is named "db", not "db2"'],
    ]);
    for (const d of r.diagnostics) expect(d.hint).toBeTruthy();
  });

  it("handles an item called __proto__ as data", () => {
    const [a, b] = [sealAll({ a: "1" }).a!, sealAll({ b: "2" }).b!];
    const text = [
      "apiVersion: bitnami.com/v1alpha1",
      "kind: SealedSecret",
      "metadata: { name: db, namespace: shop }",
      `spec: { encryptedData: { __proto__: ${a}, a: ${a} } }`,
    ].join("\n");
    const parsed = parseSealedSecretFile(text, file);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
    expect(Object.keys(parsed.value.secret.spec.encryptedData)).toEqual(["__proto__", "a"]);
    const r = mergeSealedSecret(parsed.value, { ...update, newEncryptedData: Object.fromEntries([["__proto__", b]]) });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(Object.entries(r.value.spec.encryptedData)).toEqual([["__proto__", b], ["a", a]]);
    expect(Object.getPrototypeOf(r.value.spec.encryptedData)).toBe(Object.prototype);
  });
});
