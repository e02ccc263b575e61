import { createPrivateKey, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { parseSealingCertificate } from "../../generator/sealer/index.js";
import { makeRepo, readTree, removeRepo } from "../helpers/repo.js";
import { unseal } from "../sealer/unseal.js";
import { expectUserError, fingerprintOf, fleetWithCerts, LATER, run } from "./helpers.js";

const root = makeRepo(fleetWithCerts({}));
const outside = mkdtempSync(join(tmpdir(), "berth-keys-"));
afterAll(() => {
  removeRepo(root);
  rmSync(outside, { recursive: true, force: true });
});

const CERT = "clusters/dev/sealing-cert.pem";

describe("berth keys generate", () => {
  it("refuses a key path inside the repository, also through a symlink, and a missing folder; writes nothing", async () => {
    symlinkSync(root, join(outside, "link-to-repo"));
    mkdirSync(join(root, "keys"));
    const before = readTree(root);
    const generate = (out: string, cwd?: string) => run(root, ["keys", "generate", "--cluster", "dev", "--out", out], { cwd });
    // A missing last folder (which berth would create) is resolved through its parent: still inside.
    for (const out of [join(root, "keys/dev.pem"), join(outside, "link-to-repo/dev.pem"), join(outside, "link-to-repo/keys/dev.pem"), root, join(root, "new-keys/dev.pem"), join(outside, "link-to-repo/new-keys/dev.pem")]) {
      expectUserError(await generate(out), root, before, "--out is inside the repository", "write the key outside the repository");
    }
    expectUserError(await generate("keys/dev.pem"), root, before, "keys/dev.pem:1:1: --out is inside the repository");
    expectUserError(await generate(join(outside, "no/such/dir/dev.pem")), root, before, "--out: the folder does not exist", `mkdir -p -m 0700 ${join(outside, "no/such/dir")}`);
    expect(existsSync(join(outside, "no"))).toBe(false);
    writeFileSync(join(outside, "taken.pem"), "old key\n");
    expectUserError(await generate(join(outside, "taken.pem")), root, before, "--out already exists; berth never overwrites a key file");
    expect(readFileSync(join(outside, "taken.pem"), "utf8")).toBe("old key\n");
    expectUserError(await run(root, ["keys", "generate", "--cluster", "nope", "--out", join(outside, "x.pem")]), root, before, 'no cluster named "nope"');
    expect(existsSync(join(outside, "x.pem"))).toBe(false);
  });

  let firstKey: string;
  it("writes the certificate into the repository and the private key, mode 0600, only to --out, creating its missing folder 0700 (issue 25, item 18)", async () => {
    // As the README and `berth new cluster` suggest: --out ~/.berth/dev-sealing.key, before ~/.berth exists.
    firstKey = join(outside, ".berth/dev-1.pem");
    const r = await run(root, ["keys", "generate", "--cluster", "dev", "--out", firstKey]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(`${join(outside, ".berth")}: created the folder (mode 0700) for the key`);
    expect(statSync(join(outside, ".berth")).mode & 0o777).toBe(0o700);
    expect(r.stdout).toMatch(/^clusters\/dev\/sealing-cert\.pem: new sealing certificate [0-9a-f]{12} \(RSA-4096, valid 10 years\)\n/m);
    expect(r.stdout).toContain(`berth keys secret --cluster dev --key ${firstKey} | kubectl apply -f -`);
    expect(r.stdout).not.toContain("PRIVATE KEY");
    expect(statSync(firstKey).mode & 0o777).toBe(0o600);
    const keyPem = readFileSync(firstKey, "utf8");
    expect(keyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const certPem = readFileSync(join(root, CERT), "utf8");
    const cert = parseSealingCertificate(certPem, { now: LATER, file: CERT });
    expect(cert.ok && cert.value.modulusBits).toBe(4096);
    expect(new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    // Nothing key-like was left in the repository.
    for (const [file, content] of Object.entries(readTree(root))) expect(content, file).not.toContain("PRIVATE KEY");
  });

  it("refuses to replace the certificate without --force", async () => {
    const before = readTree(root);
    expectUserError(await run(root, ["keys", "generate", "--cluster", "dev", "--out", join(outside, "dev-x.pem")]), root, before, /clusters\/dev\/sealing-cert\.pem:1:1: cluster "dev" already has a sealing certificate \([0-9a-f]{12}\)/, "fix: to change the key of a running cluster, rotate it instead (berth keys rotate dev --out <new key file> --context <context>");
    expect(existsSync(join(outside, "dev-x.pem"))).toBe(false);
  });

  it("berth keys secret prints the kube-system Secret the controller loads, once the key matches the certificate", async () => {
    const r = await run(root, ["keys", "secret", "--cluster", "dev", "--key", firstKey]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const secret = parse(r.stdout) as { apiVersion: string; kind: string; type: string; metadata: { name: string; namespace: string; labels: Record<string, string> }; data: Record<string, string> };
    const certPem = readFileSync(join(root, CERT), "utf8");
    expect(secret).toMatchObject({
      apiVersion: "v1",
      kind: "Secret",
      type: "kubernetes.io/tls",
      metadata: { name: `sealed-secrets-key-${fingerprintOf(certPem).slice(0, 12)}`, namespace: "kube-system", labels: { "sealedsecrets.bitnami.com/sealed-secrets-key": "active" } },
    });
    const tlsCrt = Buffer.from(secret.data["tls.crt"]!, "base64").toString();
    const tlsKey = Buffer.from(secret.data["tls.key"]!, "base64").toString();
    expect(fingerprintOf(tlsCrt)).toBe(fingerprintOf(certPem));
    expect(tlsKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(createPrivateKey(tlsKey).export({ type: "pkcs8", format: "der" })).toEqual(createPrivateKey(readFileSync(firstKey)).export({ type: "pkcs8", format: "der" }));

    const before = readTree(root);
    writeFileSync(join(outside, "garbage.pem"), "not a key\n");
    expectUserError(await run(root, ["keys", "secret", "--cluster", "dev", "--key", join(outside, "garbage.pem")]), root, before, "--key: not an unencrypted PEM private key");
    expectUserError(await run(root, ["keys", "secret", "--cluster", "dev", "--key", join(outside, "missing.pem")]), root, before, "--key: the file does not exist");
    expectUserError(await run(root, ["keys", "secret", "--cluster", "prod", "--key", firstKey]), root, before, 'clusters/prod/sealing-cert.pem:1:1: cluster "prod" has no sealing certificate');
  });

  it("after --force, secrets sealed with the old certificate are stale in `berth secrets status`, and the old key no longer matches", async () => {
    const seal = (args: string[]) => run(root, ["seal", "--cluster", "dev", ...args]);
    expect((await seal(["--namespace", "data", "--name", "postgres-credentials", "--from-literal", "postgres-password=pw"])).code).toBe(0);
    expect((await seal(["--namespace", "shop-staging", "--name", "shop-db", "--from-literal", "password=pw"])).code).toBe(0);
    const sealed = parse(readFileSync(join(root, "secrets/dev/shop-staging/shop-db.yaml"), "utf8")) as { spec: { encryptedData: { password: string } } };
    expect(unseal(sealed.spec.encryptedData.password, createPrivateKey(readFileSync(firstKey)), "shop-staging/shop-db").toString()).toBe("pw");

    const okStatus = await run(root, ["secrets", "status", "--cluster", "dev"]);
    expect(okStatus.code, okStatus.stdout).toBe(0);
    expect(okStatus.stdout).toMatch(/^dev +ok +data\/postgres-credentials +[0-9a-f]{12} active \(unverified\) +postgres-password; consumed by postgres$/m);

    const secondKey = join(outside, "dev-2.pem");
    const r = await run(root, ["keys", "generate", "--cluster", "dev", "--out", secondKey, "--force"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/replaced certificate [0-9a-f]{12}: 2 SealedSecrets under secrets\/dev\/ must be resealed with the new certificate \(berth secrets status --cluster dev lists them\)/);

    const stale = await run(root, ["secrets", "status", "--cluster", "dev"]);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/^dev +stale +data\/postgres-credentials +[0-9a-f]{12} unknown \(unverified\) +sealed with certificate [0-9a-f]{12}, the cluster's is [0-9a-f]{12}; reseal every key: berth seal --cluster dev --namespace data --name postgres-credentials --from-literal postgres-password=<value>$/m);
    expect(stale.stdout).toMatch(/^dev +stale +shop-staging\/shop-db /m);
    expect(stale.stdout).toContain("2 secrets: 2 stale");
    // The CI gate fails on them too: the controller holding the new key could not open them.
    const gate = await run(root, ["validate", "--cluster", "dev"]);
    expect(gate.code).toBe(1);
    expect(gate.stderr).toMatch(/secrets\/dev\/data\/postgres-credentials\.yaml:1:1: is sealed with certificate [0-9a-f]{12} \(berth\.dev\/sealed-with, unverified: give --key to open it\), not cluster "dev"'s active certificate [0-9a-f]{12} \(clusters\/dev\/sealing-cert\.pem, clusters\/dev\/sealing-certs\/\): its controller cannot open it\n  fix: re-seal it with the key that sealed it: berth seal --reseal dev --key <the private key of [0-9a-f]{12}>; or seal every value again: berth seal --cluster dev --namespace data --name postgres-credentials --from-literal postgres-password=<value>/);

    const before = readTree(root);
    expectUserError(await run(root, ["keys", "secret", "--cluster", "dev", "--key", firstKey]), root, before, `clusters/dev/sealing-cert.pem:1:1: the key ${firstKey} does not belong to cluster "dev"'s certificate`);

    // Resealing every key brings the file up to date.
    expect((await seal(["--namespace", "shop-staging", "--name", "shop-db", "--from-literal", "password=pw2"])).code).toBe(0);
    const after = await run(root, ["secrets", "status", "--cluster", "dev"]);
    expect(after.stdout).toMatch(/^dev +ok +shop-staging\/shop-db /m);
    expect(after.stdout).toContain("2 secrets: 1 stale, 1 ok");
  });
});
