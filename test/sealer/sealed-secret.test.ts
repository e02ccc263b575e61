import { describe, expect, it } from "vitest";
import { buildSealedSecret, parseSealedSecretFile, type ParsedSealedSecret } from "../../generator/sealer/index.js";
import type { Diagnostic } from "../../generator/errors.js";
import { toYaml } from "../../generator/yaml/canonical.js";
import { commentedStream } from "./fixtures.js";

const FP = "ab".repeat(32);
// Structurally valid sealed values (prefix 4, 4 "RSA" bytes, 16-byte "tag"); parsing cannot decrypt.
const fakeSealed = (fill: number): string => Buffer.concat([Buffer.from([0, 4]), Buffer.alloc(20, fill)]).toString("base64");
const V1 = fakeSealed(1);
const V2 = fakeSealed(2);
const file = "secrets/prod/db.yaml";

describe("buildSealedSecret", () => {
  it("builds kubeseal's shape for a strict secret", () => {
    expect(
      buildSealedSecret({
        name: "db",
        namespace: "shop",
        scope: "strict",
        type: "Opaque",
        encryptedData: { user: V1, password: V2 },
        certFingerprint: FP,
        labels: { app: "shop" },
      }),
    ).toEqual({
      apiVersion: "bitnami.com/v1alpha1",
      kind: "SealedSecret",
      metadata: { name: "db", namespace: "shop", annotations: { "berth.dev/sealed-with": FP } },
      spec: {
        encryptedData: { password: V2, user: V1 },
        template: { metadata: { name: "db", namespace: "shop", labels: { app: "shop" } }, type: "Opaque" },
      },
    });
  });

  it.each([
    ["namespace-wide", "sealedsecrets.bitnami.com/namespace-wide"],
    ["cluster-wide", "sealedsecrets.bitnami.com/cluster-wide"],
  ] as const)("puts the %s annotation on the object and its template", (scope, annotation) => {
    const s = buildSealedSecret({ name: "db", namespace: "shop", scope, type: "Opaque", encryptedData: { a: V1 }, certFingerprint: FP });
    expect(s.metadata.annotations).toEqual({ [annotation]: "true", "berth.dev/sealed-with": FP });
    expect(s.spec.template).toEqual({ metadata: { name: "db", namespace: "shop", annotations: { [annotation]: "true" } }, type: "Opaque" });
  });

  it("sorts encryptedData keys and keeps a __proto__ key as data", () => {
    const encryptedData = Object.fromEntries([["b", V1], ["__proto__", V2], ["a", V1]]);
    const s = buildSealedSecret({ name: "db", namespace: "shop", scope: "strict", type: "Opaque", encryptedData, certFingerprint: FP });
    expect(Object.keys(s.spec.encryptedData)).toEqual(["__proto__", "a", "b"]);
    expect(Object.getPrototypeOf(s.spec.encryptedData)).toBe(Object.prototype);
  });
});

function parsed(text: string): ParsedSealedSecret {
  const r = parseSealedSecretFile(text, file);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value;
}

function problems(text: string): Diagnostic[] {
  const r = parseSealedSecretFile(text, file);
  if (r.ok) throw new Error("expected diagnostics");
  for (const d of r.diagnostics) expect(d.file).toBe(file);
  return r.diagnostics;
}

const VALID = `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: db
  namespace: shop
  annotations:
    sealedsecrets.bitnami.com/namespace-wide: "true"
spec:
  encryptedData:
    password: ${V1}
    user: ${V2}
  template:
    metadata:
      name: db
      namespace: shop
    type: Opaque
`;

describe("parseSealedSecretFile", () => {
  it("reads what buildSealedSecret and the canonical writer produce", () => {
    const built = buildSealedSecret({
      name: "db",
      namespace: "shop",
      scope: "cluster-wide",
      type: "Opaque",
      encryptedData: { a: V1 },
      certFingerprint: FP,
    });
    const p = parsed(commentedStream([built], ["secrets/prod/db.env"]));
    expect(p.secret).toEqual(built);
    expect(p.scope).toBe("cluster-wide");
    expect(p.sealedWith).toBe(FP);
  });

  it("reads a kubeseal-style file and records positions", () => {
    const p = parsed(VALID);
    expect(p.scope).toBe("namespace-wide");
    expect(p.sealedWith).toBeUndefined();
    expect(p.positions.name).toEqual({ line: 4, col: 9 });
    expect(p.positions.namespace).toEqual({ line: 5, col: 14 });
    expect(p.positions.scope).toEqual({ line: 7, col: 5 });
    expect(p.positions.keys.get("user")).toEqual({ line: 11, col: 5 });
  });

  it("derives the scope like the controller: exactly \"true\", cluster-wide first", () => {
    const withAnnotations = (a: string): string => VALID.replace('    sealedsecrets.bitnami.com/namespace-wide: "true"\n', a);
    expect(parsed(withAnnotations('    sealedsecrets.bitnami.com/namespace-wide: "false"\n')).scope).toBe("strict");
    expect(parsed(withAnnotations("    other: x\n")).scope).toBe("strict");
    expect(
      parsed(withAnnotations('    sealedsecrets.bitnami.com/namespace-wide: "true"\n    sealedsecrets.bitnami.com/cluster-wide: "true"\n')).scope,
    ).toBe("cluster-wide");
    const withoutAnnotations = VALID.replace(/ {2}annotations:\n.*\n/, "");
    expect(parsed(withoutAnnotations).scope).toBe("strict");
  });

  it("reports YAML syntax errors with their position", () => {
    const [d, ...rest] = problems("apiVersion: bitnami.com/v1alpha1\nkind: [SealedSecret\n");
    expect(rest).toHaveLength(0);
    expect(d!.message).toMatch(/^not valid YAML/);
    expect(d!.line).toBeGreaterThan(0);
  });

  it("reports duplicate keys", () => {
    const [d] = problems(VALID.replace("    user:", "    password:"));
    expect(d).toMatchObject({ line: 11, col: 5 });
    expect(d!.message).toMatch(/not valid YAML.*[Uu]nique/);
  });

  it("rejects an empty file and several documents", () => {
    expect(problems("# nothing\n")[0]).toMatchObject({ line: 0, col: 0, message: "the file holds no object" });
    const [d] = problems(`${VALID}---\n${VALID}`);
    expect(d).toMatchObject({ line: 18, col: 1 });
    expect(d!.message).toBe("expected one SealedSecret, found 2 YAML documents");
    expect(d!.hint).toBeTruthy();
  });

  it("rejects other kinds", () => {
    const [d] = problems("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n");
    expect(d).toMatchObject({ line: 1, col: 13, message: "expected a bitnami.com/v1alpha1 SealedSecret, found v1 Secret" });
    expect(problems("- a\n- b\n")[0]!.message).toMatch(/YAML mapping/);
  });

  it("rejects a missing spec.encryptedData", () => {
    const [d] = problems(VALID.replace(/ {2}encryptedData:\n(?: {4}.*\n)+/, ""));
    expect(d).toMatchObject({ line: 8, col: 1, message: "spec.encryptedData is missing or not a mapping" });
  });

  it("rejects non-string, malformed and badly named items", () => {
    const text = VALID.replace(`    user: ${V2}\n`, `    user: 12345\n    bad/key: ${V2}\n    url: ${V2.replaceAll("A", "-")}\n    short: AAAAAAAA\n`);
    const ds = problems(text);
    expect(ds.map((d) => [d.line, d.col, d.message])).toEqual([
      [11, 11, "encryptedData.user must be a string"],
      [12, 5, 'encryptedData key "bad/key" may contain only letters, digits, \'-\', \'_\' and \'.\''],
      [13, 10, "encryptedData.url is not padded standard base64 (the controller rejects base64url and unpadded values)"],
      [14, 12, "encryptedData.short is truncated: 6 bytes, but its prefix announces 0 RSA bytes plus a 16-byte tag"],
    ]);
    for (const d of ds) expect(d.hint).toBeTruthy();
  });

  it("rejects invalid names, a wrongly cased scope annotation and spec.data", () => {
    const text = VALID.replace("name: db\n  namespace: shop", "name: DB\n  namespace: shop_ns")
      .replace('namespace-wide: "true"', 'namespace-wide: "True"')
      .replace("spec:\n", "spec:\n  data: AAAA\n");
    expect(problems(text).map((d) => [d.line, d.message])).toEqual([
      [4, expect.stringMatching(/^metadata.name "DB" must consist of lowercase/)],
      [5, expect.stringMatching(/^metadata.namespace "shop_ns" must consist of lowercase/)],
      [7, 'annotation sealedsecrets.bitnami.com/namespace-wide is "True"; the controller only honours exactly "true"'],
      [9, "spec.data (the deprecated whole-Secret format) is not supported"],
    ]);
  });

  it("rejects a missing namespace and non-string annotations", () => {
    const ds = problems(VALID.replace("  namespace: shop\n", "").replace('"true"', "true"));
    expect(ds.map((d) => d.message)).toEqual([
      "metadata.namespace must be a string",
      "annotation sealedsecrets.bitnami.com/namespace-wide must be a string",
    ]);
  });

  it("round-trips through the canonical writer unchanged", () => {
    const p = parsed(VALID);
    expect(parsed(toYaml(p.secret)).secret).toEqual(p.secret);
  });
});
