import { createPrivateKey } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateSealingKeyPair, type SealingKeyPair } from "../../generator/sealer/index.js";
import { makeRepo, readTree, removeRepo } from "../helpers/repo.js";
import { unseal } from "../sealer/unseal.js";
import { expectNoPlaintext, fingerprintOf, fleetWithCerts, NOW, run } from "./helpers.js";

/**
 * Certificates over time (issue 23): listed certificates, validate and secrets status deciding who
 * sealed a SealedSecret (opened with --key, else the annotation marked unverified), and
 * `seal --reseal`. Three real key pairs: A (old), B (new), C (another cluster's, never listed).
 */
let A: SealingKeyPair, B: SealingKeyPair, C: SealingKeyPair;
let keyDir: string;
const keyFile = (name: string) => join(keyDir, `${name}.key`);
const short = (p: SealingKeyPair) => fingerprintOf(p.certPem).slice(0, 12);
const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));
beforeAll(async () => {
  [A, B, C] = await Promise.all([generateSealingKeyPair({ now: NOW }), generateSealingKeyPair({ now: NOW }), generateSealingKeyPair({ now: NOW })]);
  keyDir = mkdtempSync(join(tmpdir(), "berth-keys-"));
  for (const [n, p] of [["A", A], ["B", B], ["C", C]] as const) writeFileSync(keyFile(n), p.privateKeyPem, { mode: 0o600 });
});
afterAll(() => removeRepo(keyDir));

const VALUES = { pg: "pg-Secret-Value-1", shop: "shop-Secret-Value-2", wide: "cluster-wide-Value-3" };

/** dev sealed with `sealer`'s certificate (three files, one cluster-wide with a template label and a comment), then `active` made active. */
async function sealedRepo(sealer: SealingKeyPair, opts: { active: SealingKeyPair; listed: SealingKeyPair[] }): Promise<string> {
  const root = makeRepo(fleetWithCerts({ dev: sealer.certPem, prod: sealer.certPem }));
  repos.push(root);
  const seal = async (args: string[], stdin: string) => {
    const r = await run(root, ["seal", "--cluster", "dev", ...args], { stdin });
    expect(r.code, r.stderr).toBe(0);
  };
  await seal(["--namespace", "data", "--name", "postgres-credentials", "--from-stdin", "postgres-password"], VALUES.pg);
  await seal(["--namespace", "shop-staging", "--name", "shop-db", "--from-stdin", "password"], VALUES.shop);
  await seal(["--namespace", "data", "--name", "wide", "--scope", "cluster-wide", "--from-stdin", "token"], VALUES.wide);
  const wide = join(root, "secrets/dev/data/wide.yaml");
  const doc = parse(readFileSync(wide, "utf8"));
  expect(doc.spec.template.metadata.annotations["sealedsecrets.bitnami.com/cluster-wide"]).toBe("true");
  writeFileSync(wide, `# rotated with the cluster's key\n${readFileSync(wide, "utf8").replace("    type: Opaque", "    type: Opaque\n    immutable: true")}`);
  writeFileSync(join(root, "clusters/dev/sealing-cert.pem"), opts.active.certPem);
  mkdirSync(join(root, "clusters/dev/sealing-certs"), { recursive: true });
  for (const l of opts.listed) writeFileSync(join(root, `clusters/dev/sealing-certs/${short(l)}.pem`), l.certPem);
  return root;
}

const opened = (root: string, file: string, item: string, key: SealingKeyPair) => {
  const doc = parse(readFileSync(join(root, file), "utf8"));
  const scope = doc.metadata.annotations?.["sealedsecrets.bitnami.com/cluster-wide"] === "true" ? "" : `${doc.metadata.namespace}/${doc.metadata.name}`;
  return unseal(doc.spec.encryptedData[item], createPrivateKey(key.privateKeyPem), scope).toString("utf8");
};

describe("listed certificates: validate and secrets status", () => {
  it("accepts SealedSecrets sealed with a listed certificate, and fails on any other with the re-seal command", async () => {
    const root = await sealedRepo(A, { active: B, listed: [A] });
    const ok = await run(root, ["validate", "--cluster", "dev"]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);

    const unlisted = await sealedRepo(A, { active: B, listed: [] });
    const bad = await run(unlisted, ["validate", "--cluster", "dev"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      `secrets/dev/data/postgres-credentials.yaml:1:1: is sealed with certificate ${short(A)} (berth.dev/sealed-with, unverified: give --key to open it), not cluster "dev"'s active certificate ${short(B)} (clusters/dev/sealing-cert.pem, clusters/dev/sealing-certs/): its controller cannot open it\n` +
        `  fix: re-seal it with the key that sealed it: berth seal --reseal dev --key <the private key of ${short(A)}>; or seal every value again: berth seal --cluster dev --namespace data --name postgres-credentials --from-literal postgres-password=<value>`,
    );
  });

  it("does not trust the annotation when keys are given: a forged berth.dev/sealed-with is caught by opening the values", async () => {
    // Sealed with C (never listed), annotation edited to claim the listed A.
    const root = await sealedRepo(C, { active: B, listed: [A] });
    const file = join(root, "secrets/dev/data/postgres-credentials.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(fingerprintOf(C.certPem), fingerprintOf(A.certPem)));
    const trusting = await run(root, ["secrets", "status", "dev"]);
    expect(trusting.stdout).toMatch(new RegExp(`^dev +ok +data/postgres-credentials +${short(A)} listed \\(unverified\\) `, "m"));

    const checked = await run(root, ["validate", "dev", "--key", keyFile("A"), "--key", keyFile("B")]);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('secrets/dev/data/postgres-credentials.yaml:1:1: no key of cluster "dev" opens encryptedData postgres-password (opened with --key for every certificate of the cluster): its controller cannot open it');
    const status = await run(root, ["secrets", "status", "dev", "--key", keyFile("A"), "--key", keyFile("B")]);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^dev +stale +data\/postgres-credentials +no key of the cluster \(verified\) +no key of the cluster opens postgres-password; seal every key again: berth seal --cluster dev/m);
  });

  it("secrets status shows which certificate sealed each SealedSecret, verified with --key", async () => {
    const root = await sealedRepo(A, { active: B, listed: [A] });
    const unverified = await run(root, ["secrets", "status", "dev"]);
    expect(unverified.code, unverified.stdout).toBe(0);
    expect(unverified.stdout).toMatch(/^CLUSTER +STATE +SECRET +SEALED WITH +DETAIL$/m);
    expect(unverified.stdout).toMatch(new RegExp(`^dev +ok +shop-staging/shop-db +${short(A)} listed \\(unverified\\) +password; consumed by shop-staging$`, "m"));
    const verified = await run(root, ["secrets", "status", "dev", "--key", keyFile("A")]);
    expect(verified.stdout).toMatch(new RegExp(`^dev +ok +shop-staging/shop-db +${short(A)} listed \\(verified\\) `, "m"));
  });

  it("refuses a key of no certificate of the cluster, and a key inside the repository", async () => {
    const root = await sealedRepo(A, { active: B, listed: [A] });
    const other = await run(root, ["secrets", "status", "dev", "--key", keyFile("C")]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("--key: the key belongs to no certificate of cluster \"dev\"");
    copyFileSync(keyFile("A"), join(root, "a.key"));
    const inside = await run(root, ["seal", "--reseal", "dev", "--key", "a.key"]);
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain("a.key:1:1: --key: the private key is inside the repository's git work tree");
  });
});

describe("renewal policy", () => {
  it("secrets status notes a certificate older than its profile's rotation period (cloud 90 days; kind none)", async () => {
    const root = await sealedRepo(A, { active: A, listed: [] });
    const day = 86_400_000;
    const late = await run(root, ["secrets", "status"], { now: new Date(NOW.getTime() + 91 * day) });
    expect(late.stdout).toContain("note: prod: the active sealing certificate is 91 days old; the cloud profile rotates every 90 days: berth keys rotate prod --out <new key file> --context <context> --key <current key file>\n");
    expect(late.stdout).not.toContain("note: dev:");
    const early = await run(root, ["secrets", "status"], { now: new Date(NOW.getTime() + 89 * day) });
    expect(early.stdout).not.toContain("rotates every");
  });
});

describe("berth seal --reseal", () => {
  it("opens every value with the old key and seals it to the active certificate, keeping names, scopes, templates and comments", async () => {
    const root = await sealedRepo(A, { active: B, listed: [A] });
    const before = readTree(root, "secrets");
    const r = await run(root, ["seal", "--reseal", "dev", "--key", keyFile("A")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`secrets/dev/data/wide.yaml: re-sealed token (${short(A)} -> ${short(B)})`);
    expect(r.stdout).toContain(`3 SealedSecrets of cluster dev re-sealed with the active certificate ${short(B)}`);
    expect(opened(root, "secrets/dev/data/postgres-credentials.yaml", "postgres-password", B)).toBe(VALUES.pg);
    expect(opened(root, "secrets/dev/shop-staging/shop-db.yaml", "password", B)).toBe(VALUES.shop);
    expect(opened(root, "secrets/dev/data/wide.yaml", "token", B)).toBe(VALUES.wide);
    expect(() => opened(root, "secrets/dev/data/wide.yaml", "token", A)).toThrow();
    // Everything but the ciphertext and the sealed-with annotation is as it was.
    const strip = (t: string) => t.replace(/^(\s+\S+: )Ag\S+$/gm, "$1<sealed>").replaceAll(fingerprintOf(A.certPem), "<fp>").replaceAll(fingerprintOf(B.certPem), "<fp>");
    const after = readTree(root, "secrets");
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const f of Object.keys(before)) expect(strip(after[f]!), f).toBe(strip(before[f]!));
    expect(after["secrets/dev/data/wide.yaml"]).toMatch(/^# rotated with the cluster's key\n/);
    expect(after["secrets/dev/data/wide.yaml"]).toContain("immutable: true");

    // Again: nothing left to do; each file is shown as kept, verified when the new key is given.
    const again = await run(root, ["seal", "--reseal", "dev", "--key", keyFile("A"), "--key", keyFile("B")]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`secrets/dev/data/wide.yaml: kept, already sealed with the active certificate ${short(B)} (verified)`);
    expect(again.stdout).toContain("0 SealedSecrets of cluster dev re-sealed");
    const status = await run(root, ["secrets", "status", "dev", "--key", keyFile("B")]);
    expect(status.stdout).toMatch(new RegExp(`^dev +ok +data/postgres-credentials +${short(B)} active \\(verified\\) `, "m"));
    expect(status.stdout).not.toContain(short(A));
  });

  it("leaves no trace of the opened values in the repository, in temp files or in the output", async () => {
    const started = Date.now() - 1000;
    const root = await sealedRepo(A, { active: B, listed: [A] });
    const outputs: string[] = [];
    for (const args of [
      ["seal", "--reseal", "dev", "--key", keyFile("A")],
      ["secrets", "status", "dev", "--key", keyFile("A"), "--key", keyFile("B")],
      ["validate", "dev", "--key", keyFile("B")],
    ]) {
      const r = await run(root, args);
      expect(r.code, r.stderr).toBe(0);
      outputs.push(r.stdout, r.stderr);
    }
    expectNoPlaintext(Object.values(VALUES), outputs, root, started, "an opened value");
  });

  it("writes nothing when a value opens with none of the given keys", async () => {
    const root = await sealedRepo(A, { active: B, listed: [A] });
    // One more value sealed with C into an A file: a file re-sealing could not complete.
    const mixed = await sealedRepo(C, { active: B, listed: [A] });
    const foreign = parse(readFileSync(join(mixed, "secrets/dev/data/postgres-credentials.yaml"), "utf8")).spec.encryptedData["postgres-password"];
    const file = join(root, "secrets/dev/data/postgres-credentials.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("    postgres-password: ", `    other: ${foreign}\n    postgres-password: `));
    const before = readTree(root);
    const r = await run(root, ["seal", "--reseal", "dev", "--key", keyFile("A")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`secrets/dev/data/postgres-credentials.yaml:1:1: encryptedData other opens with none of the given keys (${short(A)}), and other values of the file need re-sealing`);
    expect(r.stderr).toContain("fix: give the key that sealed it too (--key, repeatable), or seal every value again: berth seal --cluster dev --namespace data --name postgres-credentials --from-literal other=<value> --from-literal postgres-password=<value>");
    expect(readTree(root)).toEqual(before);
  });

  it("keys remove refuses while anything is sealed with the certificate, before touching any cluster", async () => {
    const root = await sealedRepo(A, { active: B, listed: [A] });
    const before = readTree(root);
    const r = await run(root, ["keys", "remove", "dev", "--certificate", short(A), "--context", "dev"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`secrets/dev/data/wide.yaml:1:1: may be sealed with certificate ${short(A)} (${short(A)} listed (unverified)): removing its key would leave it unopenable`);
    expect(r.stderr).toContain(`fix: re-seal first: berth seal --reseal dev --key <private key of ${short(A)}>, commit and push (or, if they are not, pass --key <private key of ${short(A)}> to open them and check)`);
    expect(readTree(root)).toEqual(before);
    const active = await run(root, ["keys", "remove", "dev", "--certificate", short(B), "--context", "dev"]);
    expect(active.code).toBe(1);
    expect(active.stderr).toContain(`certificate ${short(B)} is the active one`);
  });
});

describe("berth seal --reseal: command line", () => {
  it("takes only --key: a value source or a Secret name with --reseal is refused (exit 2), nothing written", async () => {
    const root = makeRepo(fleetWithCerts({ dev: A.certPem }));
    repos.push(root);
    const before = readTree(root);
    const r = await run(root, ["seal", "--reseal", "dev", "--key", keyFile("A"), "--from-literal", "x=hunter2hunter2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--reseal re-seals every SealedSecret of one cluster with the values they hold; it takes only --key (remove --from-literal)");
    expect(r.stderr).not.toContain("hunter2");
    const missing = await run(root, ["seal", "dev", "--name", "x"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--namespace <namespace>' not specified");
    expect(readTree(root)).toEqual(before);
  });
});
