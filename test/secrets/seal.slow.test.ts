import { createPrivateKey, randomBytes, type KeyObject } from "node:crypto";
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateSealingKeyPair, parseSealingCertificate, sealValue, type SealingKeyPair } from "../../generator/sealer/index.js";
import { makeRepo, readTree, removeRepo, writeTree } from "../helpers/repo.js";
import { makeCert } from "../sealer/fixtures.js";
import { unseal } from "../sealer/unseal.js";
import { expectNoPlaintext, expectUserError, fingerprintOf, fleetWithCerts, NOW, run } from "./helpers.js";

let pair: SealingKeyPair;
let key: KeyObject;
const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));

beforeAll(async () => {
  pair = await generateSealingKeyPair({ now: NOW });
  key = createPrivateKey(pair.privateKeyPem);
});

function repo(extra: Record<string, string> = {}): string {
  const root = makeRepo({ ...fleetWithCerts({ dev: pair.certPem, prod: pair.certPem }), ...extra });
  repos.push(root);
  return root;
}

interface Sealed {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: { encryptedData: Record<string, string>; template: { metadata: { annotations?: Record<string, string> }; type: string } };
}
const readSealed = (root: string, file: string) => parse(readFileSync(join(root, file), "utf8")) as Sealed;
const PG = ["--cluster", "dev", "--namespace", "data", "--name", "postgres-credentials"];
const PG_FILE = "secrets/dev/data/postgres-credentials.yaml";

describe("berth seal", () => {
  it("seals every kind of input into a SealedSecret the controller's decryption opens (strict)", async () => {
    const root = repo();
    const dir = mkdtempSync(join(tmpdir(), "berth-seal-input-"));
    try {
      writeFileSync(join(dir, "ca.crt"), "file-value\n");
      writeFileSync(join(dir, "more.env"), "# comment\n\nuser=admin\n  host=db.internal\n");
      const r = await run(root, ["seal", ...PG, "--from-literal", "postgres-password=s3cret=with=equals", "--from-file", `ca=${join(dir, "ca.crt")}`, "--from-file", join(dir, "ca.crt"), "--from-env-file", join(dir, "more.env"), "--from-stdin", "token"], { stdin: "stdin-value" });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${PG_FILE}: sealed ca, ca.crt, host, postgres-password, token, user (cluster dev, strict, Opaque)\n`);

      const s = readSealed(root, PG_FILE);
      expect(s.metadata).toEqual({ name: "postgres-credentials", namespace: "data", annotations: { "berth.dev/sealed-with": fingerprintOf(pair.certPem) } });
      expect(s.spec.template).toEqual({ metadata: { name: "postgres-credentials", namespace: "data" }, type: "Opaque" });
      const open = (k: string) => unseal(s.spec.encryptedData[k]!, key, "data/postgres-credentials").toString("utf8");
      expect(Object.keys(s.spec.encryptedData)).toEqual(["ca", "ca.crt", "host", "postgres-password", "token", "user"]);
      expect(open("ca.crt")).toBe("file-value\n");
      expect(open("postgres-password")).toBe("s3cret=with=equals");
      expect(open("ca")).toBe("file-value\n");
      expect(open("user")).toBe("admin");
      expect(open("host")).toBe("db.internal");
      expect(open("token")).toBe("stdin-value");
      // Strict: the value is bound to namespace and name.
      expect(() => unseal(s.spec.encryptedData.user!, key, "data/other-name")).toThrow();
      expect(() => unseal(s.spec.encryptedData.user!, key, "other-ns/postgres-credentials")).toThrow();
      expect(() => unseal(s.spec.encryptedData.user!, key, "data")).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--random seals fresh random values that are never shown", async () => {
    const root = repo();
    const r = await run(root, ["seal", ...PG, "--random", "postgres-password", "--random", "api-key:48"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${PG_FILE}: sealed api-key, postgres-password (cluster dev, strict, Opaque)\n`);
    const s = readSealed(root, PG_FILE);
    const pw = unseal(s.spec.encryptedData["postgres-password"]!, key, "data/postgres-credentials").toString("utf8");
    const api = unseal(s.spec.encryptedData["api-key"]!, key, "data/postgres-credentials").toString("utf8");
    expect(pw).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(api).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(r.stdout + r.stderr).not.toContain(pw);
    const again = await run(root, ["seal", ...PG, "--random", "postgres-password"]);
    expect(unseal(readSealed(root, PG_FILE).spec.encryptedData["postgres-password"]!, key, "data/postgres-credentials").toString("utf8")).not.toBe(pw);
    expect(again.code).toBe(0);
    const bad = await run(root, ["seal", ...PG, "--random", "x:8"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--random x:8: expected <key> or <key>:<bytes> with 16 to 512 bytes");
  });

  it("namespace-wide and cluster-wide: annotations on the object and its template, matching labels", async () => {
    const root = repo();
    expect((await run(root, ["seal", ...PG, "--scope", "namespace-wide", "--from-literal", "postgres-password=nw"])).code).toBe(0);
    const nw = readSealed(root, PG_FILE);
    expect(nw.metadata.annotations?.["sealedsecrets.bitnami.com/namespace-wide"]).toBe("true");
    expect(nw.spec.template.metadata.annotations).toEqual({ "sealedsecrets.bitnami.com/namespace-wide": "true" });
    expect(unseal(nw.spec.encryptedData["postgres-password"]!, key, "data").toString()).toBe("nw");
    expect(() => unseal(nw.spec.encryptedData["postgres-password"]!, key, "data/postgres-credentials")).toThrow();

    const cw = ["--cluster", "prod", "--namespace", "shop-prod", "--name", "shop-db", "--scope", "cluster-wide", "--from-literal", "password=cw"];
    expect((await run(root, ["seal", ...cw])).code).toBe(0);
    const s = readSealed(root, "secrets/prod/shop-prod/shop-db.yaml");
    expect(s.metadata.annotations?.["sealedsecrets.bitnami.com/cluster-wide"]).toBe("true");
    expect(s.spec.template.metadata.annotations).toEqual({ "sealedsecrets.bitnami.com/cluster-wide": "true" });
    expect(unseal(s.spec.encryptedData.password!, key, "").toString()).toBe("cw");
  });

  it("merges: existing keys keep their ciphertext byte for byte, a re-sealed key changes, comments survive", async () => {
    const root = repo();
    expect((await run(root, ["seal", ...PG, "--scope", "namespace-wide", "--from-literal", "a=1", "--from-literal", "b=2"])).code).toBe(0);
    const first = readFileSync(join(root, PG_FILE), "utf8");
    writeFileSync(join(root, PG_FILE), `# rotated by ops, 2026-02\n${first}`);
    const line = (text: string, k: string) => text.split("\n").find((l) => l.trimStart().startsWith(`${k}: `))!;

    const r = await run(root, ["seal", ...PG, "--from-literal", "c=3"]);
    expect(r.stdout).toBe(`${PG_FILE}: sealed c; kept a, b (cluster dev, namespace-wide, Opaque)\n`);
    const second = readFileSync(join(root, PG_FILE), "utf8");
    expect(second.startsWith("# rotated by ops, 2026-02\n")).toBe(true);
    expect(line(second, "a")).toBe(line(first, "a"));
    expect(line(second, "b")).toBe(line(first, "b"));
    expect(Object.keys(readSealed(root, PG_FILE).spec.encryptedData)).toEqual(["a", "b", "c"]);

    expect((await run(root, ["seal", ...PG, "--from-literal", "b=two"])).code).toBe(0);
    const third = readFileSync(join(root, PG_FILE), "utf8");
    expect(line(third, "a")).toBe(line(first, "a"));
    expect(line(third, "c")).toBe(line(second, "c"));
    expect(line(third, "b")).not.toBe(line(first, "b"));
    const s = readSealed(root, PG_FILE);
    expect(["a", "b", "c"].map((k) => unseal(s.spec.encryptedData[k]!, key, "data").toString())).toEqual(["1", "two", "3"]);
    // Re-running with the same input only re-encrypts that key: the rest of the file is unchanged.
    const diff = third.split("\n").filter((l, i) => l !== second.split("\n")[i]);
    expect(diff).toEqual([line(third, "b")]);
  });

  it("merges into a file kubeseal wrote (JSON, no berth.dev/sealed-with) once every key is re-sealed", async () => {
    const cert = parseSealingCertificate(pair.certPem, { now: NOW, file: "cert.pem" });
    if (!cert.ok) throw new Error("test certificate rejected");
    const old = sealValue({ cert: cert.value, namespace: "data", name: "postgres-credentials", scope: "strict", value: Buffer.from("o") });
    const kubeseal = {
      kind: "SealedSecret",
      apiVersion: "bitnami.com/v1alpha1",
      metadata: { name: "postgres-credentials", namespace: "data", creationTimestamp: null },
      spec: { template: { metadata: { name: "postgres-credentials", namespace: "data", creationTimestamp: null }, type: "Opaque" }, encryptedData: { old } },
    };
    const root = repo({ [PG_FILE]: `${JSON.stringify(kubeseal, null, 2)}\n` });
    const before = readTree(root);
    expectUserError(await run(root, ["seal", ...PG, "--from-literal", "new=n"]), root, before, "the existing values were sealed with an unknown certificate (no berth.dev/sealed-with annotation)");
    const r = await run(root, ["seal", ...PG, "--from-literal", "new=n", "--from-literal", "old=o2"]);
    expect(r.code, r.stderr).toBe(0);
    const s = readSealed(root, PG_FILE);
    expect(s.metadata.annotations).toEqual({ "berth.dev/sealed-with": fingerprintOf(pair.certPem) });
    expect(Object.keys(s.spec.encryptedData)).toEqual(["new", "old"]);
    expect(unseal(s.spec.encryptedData.old!, key, "data/postgres-credentials").toString()).toBe("o2");
    expect((s.metadata as Record<string, unknown>).creationTimestamp).toBeNull();
    // kubeseal's JSON (no comments to keep) becomes canonical YAML, like a file berth wrote.
    expect(readFileSync(join(root, PG_FILE), "utf8")).toMatch(/^apiVersion: bitnami\.com\/v1alpha1\nkind: SealedSecret\nmetadata:\n/);
  });

  it("uses the type the consuming app declares for a new file, and keeps an existing file's type", async () => {
    const shop = fleetWithCerts({})["apps/shop/app.yaml"]!.replace("{ name: shop-db, keys: [password] }", "{ name: shop-db, keys: [password], type: kubernetes.io/basic-auth }");
    const root = repo({ "apps/shop/app.yaml": shop });
    const args = ["--cluster", "prod", "--namespace", "shop-prod", "--name", "shop-db"];
    expect((await run(root, ["seal", ...args, "--from-literal", "password=x"])).stdout).toContain("(cluster prod, strict, kubernetes.io/basic-auth)");
    expect((await run(root, ["seal", ...args, "--from-literal", "username=y"])).stdout).toContain("kept password (cluster prod, strict, kubernetes.io/basic-auth)");
    expect(readSealed(root, "secrets/prod/shop-prod/shop-db.yaml").spec.template.type).toBe("kubernetes.io/basic-auth");
  });

  it("--all-clusters seals the same input for every cluster whose apps consume the secret in that namespace", async () => {
    const root = repo();
    const r = await run(root, ["seal", "--all-clusters", "--namespace", "data", "--name", "postgres-credentials", "--from-stdin", "postgres-password"], { stdin: "shared" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      "secrets/dev/data/postgres-credentials.yaml: sealed postgres-password (cluster dev, strict, Opaque)\n" +
        "secrets/prod/data/postgres-credentials.yaml: sealed postgres-password (cluster prod, strict, Opaque)\n",
    );
    for (const c of ["dev", "prod"]) {
      const s = readSealed(root, `secrets/${c}/data/postgres-credentials.yaml`);
      expect(unseal(s.spec.encryptedData["postgres-password"]!, key, "data/postgres-credentials").toString()).toBe("shared");
    }
    // shop-db in shop-prod is consumed on prod only (dev runs shop in staging).
    const shop = await run(root, ["seal", "--all-clusters", "--namespace", "shop-prod", "--name", "shop-db", "--from-literal", "password=p"]);
    expect(shop.stdout).toBe("secrets/prod/shop-prod/shop-db.yaml: sealed password (cluster prod, strict, Opaque)\n");
    expect(Object.keys(readTree(root, "secrets"))).toEqual([
      "secrets/dev/data/postgres-credentials.yaml",
      "secrets/prod/data/postgres-credentials.yaml",
      "secrets/prod/shop-prod/shop-db.yaml",
    ]);
  });

  it("notes a stdin value ending in a newline, an unconsumed secret and keys the apps still need, without values", async () => {
    const root = repo();
    const r = await run(root, ["seal", "--cluster", "dev", "--namespace", "data", "--name", "extra", "--from-stdin", "k"], { stdin: "v4lue\n" });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("note: the value of k read from stdin ends with a newline");
    expect(r.stderr).toContain("note: no app on cluster dev consumes data/extra");
    const lacking = await run(root, ["seal", ...PG, "--from-literal", "user=u5er"]);
    expect(lacking.stderr).toContain(`note: ${PG_FILE} still lacks postgres-password, needed by postgres on cluster dev`);
    expect(r.stdout + r.stderr + lacking.stdout + lacking.stderr).not.toMatch(/v4lue|u5er/);
  });
});

describe("berth seal: bad input is an error with file:line:col, and nothing is written", () => {
  const cases: [string, string[], (string | RegExp)[], Record<string, string>?][] = [
    ["a key that is not a valid Secret key", [...PG, "--from-literal", "bad key=x"], [`${PG_FILE}:1:1: key "bad key" (--from-literal) may contain only letters`]],
    ["a key of '..'", [...PG, "--from-literal", "..=x"], ["must not be '..'"]],
    ["a literal without '=' (its text is not echoed)", [...PG, "--from-literal", "hunter2hunter2"], ["--from-literal needs key=value"]],
    ["the same key twice", [...PG, "--from-literal", "a=1", "--from-stdin", "a"], ['key "a" is given twice (--from-literal and --from-stdin)']],
    ["no value at all", [...PG], ["nothing to seal"]],
    ["--from-stdin twice", [...PG, "--from-stdin", "a", "--from-stdin", "b"], ["--from-stdin is given 2 times, but stdin holds one value"]],
    ["a namespace that is not a DNS label", ["--cluster", "dev", "--namespace", "Data", "--name", "x", "--from-literal", "a=1"], ['secrets/dev/Data:1:1: --namespace "Data" must consist of lowercase']],
    ["a name that is not a DNS subdomain", ["--cluster", "dev", "--namespace", "data", "--name", "Bad_Name", "--from-literal", "a=1"], ['secrets/dev/data/Bad_Name.yaml:1:1: --name "Bad_Name"']],
    ["an unreadable --from-file", [...PG, "--from-file", "pw=does/not/exist.txt"], ["does/not/exist.txt:1:1: --from-file: cannot read the file (ENOENT)"]],
    ["an unreadable --from-env-file", [...PG, "--from-env-file", "nope.env"], ["nope.env:1:1: --from-env-file: cannot read the file (ENOENT)"]],
    ["an env file line without '='", [...PG, "--from-env-file", "input.env"], ["input.env:3:3: expected KEY=VALUE"], { "input.env": "a=1\n\n  hunter2hunter2\n" }],
    ["an env file key that is not a Secret key", [...PG, "--from-env-file", "input.env"], ["input.env:2:1: the key before '=' (3 characters from column 1) is not a valid Secret key: it may contain only"], { "input.env": "a=1\nb c=2\n" }],
    ["an unknown cluster", ["--cluster", "dve", "--namespace", "data", "--name", "x", "--from-literal", "a=1"], ['no cluster named "dve"', "did you mean --cluster dev?"]],
    ["neither --cluster nor --all-clusters", ["--namespace", "data", "--name", "x", "--from-literal", "a=1"], ["say which cluster to seal for"]],
    ["--all-clusters for a secret nothing consumes", ["--all-clusters", "--namespace", "data", "--name", "nobody-uses-it", "--from-literal", "a=1"], ['apps:1:1: no app on any cluster consumes secret "nobody-uses-it"']],
    ["a missing certificate", [...PG, "--from-literal", "a=1"], ['clusters/dev/sealing-cert.pem:1:1: cluster "dev" has no sealing certificate', "berth keys generate --cluster dev"], { "clusters/dev/sealing-cert.pem": "" }],
    ["a certificate file without a certificate", [...PG, "--from-literal", "a=1"], ["clusters/dev/sealing-cert.pem:1:1: not a PEM certificate"], { "clusters/dev/sealing-cert.pem": "hello\n" }],
    ["an existing file that is not a SealedSecret", [...PG, "--from-literal", "a=1"], [/secrets\/dev\/data\/postgres-credentials\.yaml:1:\d+: expected a bitnami\.com\/v1alpha1 SealedSecret, found v1 ConfigMap/], { [PG_FILE]: "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: postgres-credentials, namespace: data }\ndata: { a: b }\n" }],
    ["an existing file that is not YAML", [...PG, "--from-literal", "a=1"], [/secrets\/dev\/data\/postgres-credentials\.yaml:\d+:\d+: not valid YAML/], { [PG_FILE]: "apiVersion: bitnami.com/v1alpha1\nkind: [SealedSecret\n" }],
    ["a directory where the file goes", [...PG, "--from-literal", "a=1"], [`${PG_FILE}:1:1: is not a file`], { [`${PG_FILE}/x`]: "" }],
  ];
  for (const [title, args, expected, extra] of cases) {
    it(title, async () => {
      const tree = { ...(extra ?? {}) };
      const root = repo();
      writeTree(root, tree);
      if (tree["clusters/dev/sealing-cert.pem"] === "") rmSync(join(root, "clusters/dev/sealing-cert.pem"));
      const before = readTree(root);
      const r = await run(root, ["seal", ...args], { stdin: "stdin-secret-value" });
      expectUserError(r, root, before, ...expected);
      expect(r.stderr).not.toMatch(/hunter2|stdin-secret-value/);
    });
  }

  it("an expired certificate, a certificate not yet valid, and a non-RSA certificate", async () => {
    const root = repo();
    const before = readTree(root);
    const seal = (now: Date) => run(root, ["seal", ...PG, "--from-literal", "a=1"], { now });
    expectUserError(await seal(new Date("2037-01-01T00:00:00Z")), root, before, /clusters\/dev\/sealing-cert\.pem:1:1: the certificate expired on 2036-/);
    expectUserError(await seal(new Date("2025-01-01T00:00:00Z")), root, before, "the certificate is not valid before 2026-03-01");
    const ec = await makeCert({ key: "ec-p256" });
    writeFileSync(join(root, "clusters/dev/sealing-cert.pem"), ec.certPem);
    const ecBefore = readTree(root);
    expectUserError(await seal(NOW), root, ecBefore, "the certificate's key is ec, not RSA");
  });

  it("an existing file whose scope, type, namespace or name differs", async () => {
    const root = repo();
    expect((await run(root, ["seal", ...PG, "--from-literal", "a=1"])).code).toBe(0);
    const before = readTree(root);
    expectUserError(await run(root, ["seal", ...PG, "--scope", "cluster-wide", "--from-literal", "b=1"]), root, before, `${PG_FILE}:3:1: the existing SealedSecret is strict, but cluster-wide was requested`);
    expectUserError(await run(root, ["seal", ...PG, "--type", "kubernetes.io/tls", "--from-literal", "b=1"]), root, before, /secrets\/dev\/data\/postgres-credentials\.yaml:\d+:\d+: the existing SealedSecret has type Opaque, but --type kubernetes\.io\/tls was requested/);
    writeFileSync(join(root, PG_FILE), readFileSync(join(root, PG_FILE), "utf8").replace("namespace: data", "namespace: other"));
    const moved = readTree(root);
    expectUserError(await run(root, ["seal", ...PG, "--from-literal", "b=1"]), root, moved, /postgres-credentials\.yaml:\d+:\d+: the existing SealedSecret is in namespace "other", not "data"/);
  });

  it("refuses to mix certificates in one file: after a certificate change every key must be re-sealed", async () => {
    const root = repo();
    expect((await run(root, ["seal", ...PG, "--from-literal", "a=1", "--from-literal", "b=2"])).code).toBe(0);
    const other = await makeCert({ key: { rsaBits: 2048 } });
    writeFileSync(join(root, "clusters/dev/sealing-cert.pem"), other.certPem);
    const before = readTree(root);
    expectUserError(await run(root, ["seal", ...PG, "--from-literal", "a=9"]), root, before, /postgres-credentials\.yaml:5:\d+: the existing values were sealed with certificate [0-9a-f]{12}, not with cluster "dev"'s current certificate [0-9a-f]{12}; sealing only a would leave b on the old certificate/, "re-seal every key in one run (also give a value for b)");
    const ok = await run(root, ["seal", ...PG, "--from-literal", "a=9", "--from-literal", "b=8"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readSealed(root, PG_FILE).metadata.annotations?.["berth.dev/sealed-with"]).toBe(fingerprintOf(other.certPem));
  });

  it("reports problems of every cluster at once with --all-clusters, and writes none of them", async () => {
    const root = repo();
    rmSync(join(root, "clusters/prod/sealing-cert.pem"));
    const before = readTree(root);
    expectUserError(await run(root, ["seal", "--all-clusters", "--namespace", "data", "--name", "postgres-credentials", "--from-literal", "postgres-password=x"]), root, before, 'clusters/prod/sealing-cert.pem:1:1: cluster "prod" has no sealing certificate');
  });
});

describe("plaintext never reaches the disk or the output", () => {
  it("does not echo the value of a mistyped --option=value", async () => {
    const root = repo();
    const r = await run(root, ["seal", ...PG, "--from-literl=password=hunter2hunter2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--from-literl=…'");
    expect(r.stderr).not.toContain("hunter2");
  });

  it("leaves no trace of the values in the repository or in files created under the temp directory", async () => {
    const started = Date.now() - 1000;
    const root = repo();
    const literal = `lit-${randomBytes(12).toString("hex")}`;
    const piped = `pipe-${randomBytes(12).toString("hex")}`;
    const outputs: string[] = [];
    for (const args of [
      ["seal", ...PG, "--from-literal", `postgres-password=${literal}`, "--from-stdin", "piped"],
      ["seal", "--all-clusters", "--namespace", "shop-prod", "--name", "shop-db", "--scope", "namespace-wide", "--from-literal", `password=${literal}`],
      ["seal", ...PG, "--from-literal", `extra=${literal}`],
      ["secrets", "status"],
      ["validate"],
    ]) {
      const r = await run(root, args, { stdin: piped });
      outputs.push(r.stdout, r.stderr);
    }
    expectNoPlaintext([literal, piped], outputs, root, started, "a sealed value");
  });
});
