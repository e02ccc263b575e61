import { createPublicKey, randomBytes } from "node:crypto";
import { encryptSecretItem } from "@linode/kubeseal-encrypt";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSealingCertificate, sealValue, type SealingCertificate, type SealingScope } from "../../generator/sealer/index.js";
import { makeCert, NOW, type TestCert } from "./fixtures.js";
import { layout, unseal } from "./unseal.js";

let key: TestCert;
let cert: SealingCertificate;

beforeAll(async () => {
  key = await makeCert({ key: { rsaBits: 4096 } });
  const r = parseSealingCertificate(key.certPem, { now: NOW, file: "cert.pem" });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  cert = r.value;
});

const seal = (scope: SealingScope, value: string | Buffer, namespace = "myns", name = "myname"): string =>
  sealValue({ cert, namespace, name, scope, value: Buffer.from(value) });

const opens = (sealed: string, label: string): boolean => {
  try {
    unseal(sealed, key.privateKey, label);
    return true;
  } catch {
    return false;
  }
};

describe("sealValue", () => {
  it.each([
    ["strict", "myns/myname"],
    ["namespace-wide", "myns"],
    ["cluster-wide", ""],
  ] as const)("%s values open with label %j", (scope, label) => {
    const sealed = seal(scope, "s3cr3t ✓");
    expect(unseal(sealed, key.privateKey, label).toString("utf8")).toBe("s3cr3t ✓");
  });

  it("writes kubeseal's layout in padded standard base64", () => {
    const value = randomBytes(37);
    const sealed = seal("strict", value);
    expect(sealed).toMatch(/^Ag[A-Za-z0-9+/]*={0,2}$/);
    expect(sealed.length % 4).toBe(0);
    const parts = layout(sealed);
    expect(parts.prefix).toBe(512);
    expect(parts.total).toBe(2 + 512 + value.length + 16);
  });

  it("seals empty and binary values", () => {
    expect(layout(seal("strict", Buffer.alloc(0))).total).toBe(2 + 512 + 16);
    expect(unseal(seal("strict", Buffer.alloc(0)), key.privateKey, "myns/myname")).toEqual(Buffer.alloc(0));
    const binary = Buffer.from([0, 255, 128, 10, 13, 0]);
    expect(unseal(seal("cluster-wide", binary), key.privateKey, "")).toEqual(binary);
  });

  // What the controller computes from the SealedSecret it finds in the cluster (EncryptionLabel).
  const controllerLabel = (scope: SealingScope, namespace: string, name: string): string =>
    scope === "cluster-wide" ? "" : scope === "namespace-wide" ? namespace : `${namespace}/${name}`;
  const moved = (scope: SealingScope, namespace: string, name: string): boolean =>
    opens(seal(scope, "v", "myns", "myname"), controllerLabel(scope, namespace, name));

  it("strict values fail to unseal after a namespace or name change", () => {
    expect(moved("strict", "myns", "myname")).toBe(true);
    expect(moved("strict", "otherns", "myname")).toBe(false);
    expect(moved("strict", "myns", "othername")).toBe(false);
    // The slash matters: the label is not plain concatenation.
    expect(opens(seal("strict", "v"), "mynsmyname")).toBe(false);
  });

  it("namespace-wide values survive a rename but not a namespace change", () => {
    expect(moved("namespace-wide", "myns", "myname")).toBe(true);
    expect(moved("namespace-wide", "myns", "othername")).toBe(true);
    expect(moved("namespace-wide", "otherns", "myname")).toBe(false);
  });

  it("cluster-wide values survive both", () => {
    expect(moved("cluster-wide", "otherns", "othername")).toBe(true);
  });

  it("values do not unseal under another scope's label", () => {
    expect(opens(seal("strict", "v"), controllerLabel("namespace-wide", "myns", "myname"))).toBe(false);
    expect(opens(seal("namespace-wide", "v"), controllerLabel("cluster-wide", "myns", "myname"))).toBe(false);
    expect(opens(seal("cluster-wide", "v"), controllerLabel("strict", "myns", "myname"))).toBe(false);
  });

  it("ignores namespace and name for cluster-wide values", () => {
    const sealed = sealValue({ cert, namespace: "", name: "", scope: "cluster-wide", value: Buffer.from("v") });
    expect(unseal(sealed, key.privateKey, "").toString()).toBe("v");
  });

  it("refuses a strict seal without namespace or name", () => {
    expect(() => sealValue({ cert, namespace: "", name: "n", scope: "strict", value: Buffer.from("v") })).toThrow(/namespace/);
    expect(() => sealValue({ cert, namespace: "ns", name: "", scope: "strict", value: Buffer.from("v") })).toThrow(/name/);
    expect(() => sealValue({ cert, namespace: "", name: "n", scope: "namespace-wide", value: Buffer.from("v") })).toThrow(/namespace/);
  });

  it("uses the injected randomness as the session key", () => {
    const sessionKey = Buffer.alloc(32, 7);
    const randomBytes = (n: number): Buffer => sessionKey.subarray(0, n);
    const a = sealValue({ cert, namespace: "myns", name: "myname", scope: "strict", value: Buffer.from("same"), randomBytes });
    const b = sealValue({ cert, namespace: "myns", name: "myname", scope: "strict", value: Buffer.from("same"), randomBytes });
    // OAEP is randomized, so only the AES part (same key, zero nonce, same plaintext) repeats.
    expect(layout(a).aes).toEqual(layout(b).aes);
    expect(layout(a).rsa).not.toEqual(layout(b).rsa);
    expect(unseal(a, key.privateKey, "myns/myname").toString()).toBe("same");
  });

  it("round-trips arbitrary values, namespaces and names", () => {
    const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
    const scopes = fc.constantFrom<SealingScope>("strict", "namespace-wide", "cluster-wide");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), dnsLabel, dnsLabel, scopes, (value, ns, name, scope) => {
        const sealed = sealValue({ cert, namespace: ns, name, scope, value: Buffer.from(value) });
        const label = scope === "strict" ? `${ns}/${name}` : scope === "namespace-wide" ? ns : "";
        expect(unseal(sealed, key.privateKey, label)).toEqual(Buffer.from(value));
        expect(layout(sealed).total).toBe(2 + 512 + value.length + 16);
      }),
      { numRuns: 40, seed: 20260301 },
    );
  });
});

describe("cross-check with @linode/kubeseal-encrypt", () => {
  // Its public API seals namespace-wide only (label = namespace) and wants an SPKI public key.
  it("produces the same layout and both open with the same unsealer", async () => {
    const spki = createPublicKey(key.certPem).export({ type: "spki", format: "pem" }).toString();
    const value = "correct horse battery staple";
    const theirs = await encryptSecretItem(spki, "myns", value);
    const ours = seal("namespace-wide", value, "myns", "any-name");

    for (const sealed of [theirs, ours]) {
      expect(sealed).toMatch(/^Ag[A-Za-z0-9+/]*={0,2}$/);
      expect(sealed.length % 4).toBe(0);
      const parts = layout(sealed);
      expect(parts.prefix).toBe(512);
      expect(parts.rsa.length).toBe(512);
      expect(parts.aes.length).toBe(Buffer.byteLength(value) + 16);
      expect(parts.total).toBe(2 + 512 + Buffer.byteLength(value) + 16);
      expect(unseal(sealed, key.privateKey, "myns").toString("utf8")).toBe(value);
      expect(opens(sealed, "otherns")).toBe(false);
    }
    expect(theirs.length).toBe(ours.length);
  });
});
