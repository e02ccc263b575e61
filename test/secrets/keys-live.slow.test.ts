import { createPrivateKey, X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKeysRemove, runKeysRotate } from "../../generator/commands/keys-live.js";
import type { CommandIO } from "../../generator/commands/context.js";
import { ExitError } from "../../generator/errors.js";
import { generateSealingKeyPair, type SealingKeyPair } from "../../generator/sealer/index.js";
import { makeRepo, readTree, removeRepo } from "../helpers/repo.js";
import { unseal } from "../sealer/unseal.js";
import { fakeCluster, fakeLiveDeps, type FakeCluster } from "./fake-controller.js";
import { fingerprintOf, fleetWithCerts, NOW, run } from "./helpers.js";

let A: SealingKeyPair;
let dir: string;
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeRepo));
beforeAll(async () => {
  A = await generateSealingKeyPair({ now: NOW });
  dir = mkdtempSync(join(tmpdir(), "berth-keys-"));
  dirs.push(dir);
  writeFileSync(join(dir, "a.key"), A.privateKeyPem, { mode: 0o600 });
});

function io(root: string): CommandIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: root, env: {}, now: () => NOW, out: () => out, err: () => err };
}

/** dev sealed with A; a cluster whose controller holds A. */
async function setup(): Promise<{ root: string; cluster: FakeCluster }> {
  const root = makeRepo(fleetWithCerts({ dev: A.certPem, prod: A.certPem }));
  dirs.push(root);
  expect((await run(root, ["seal", "dev", "--namespace", "data", "--name", "postgres-credentials", "--from-stdin", "postgres-password"], { stdin: "pg-value", now: NOW })).code).toBe(0);
  const cluster = fakeCluster();
  cluster.keySecrets.set("sealed-secrets-key-a", { crt: A.certPem, key: A.privateKeyPem });
  await fakeLiveDeps(cluster).runner("kubectl", ["-n", "kube-system", "rollout", "restart", "deployment/sealed-secrets-controller"], { env: {}, cwd: root, timeoutMs: 1 });
  return { root, cluster };
}

describe("berth keys rotate (against a scripted controller; the e2e runs the real one)", () => {
  it("installs the key and proves the controller holds it before the repository names it; then lists the old certificate and re-seals", async () => {
    const { root, cluster } = await setup();
    const deps = fakeLiveDeps(cluster);
    const out = join(dir, "rotated.key");
    const o = io(root);
    const code = await runKeysRotate({ root, cluster: "dev", out, resealKeys: [join(dir, "a.key")], timeoutMs: 60_000 }, o, deps);
    expect(code, o.err()).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const active = readFileSync(join(root, "clusters/dev/sealing-cert.pem"), "utf8");
    expect(new X509Certificate(active).checkPrivateKey(createPrivateKey(readFileSync(out)))).toBe(true);
    expect(readFileSync(join(root, `clusters/dev/sealing-certs/${fingerprintOf(A.certPem).slice(0, 12)}.pem`), "utf8")).toBe(A.certPem);
    // Order: key Secret applied, controller restarted, canary applied and read, canary removed.
    const steps = cluster.log.map((l) => l.split(" ").slice(0, 4).join(" "));
    const at = (s: string) => steps.findIndex((l, i) => i > 0 && l.includes(s));
    expect(at("apply --server-side")).toBeLessThan(at("rollout restart"));
    expect(cluster.keySecrets.size).toBe(2);
    expect(cluster.sealed.size).toBe(0); // the canary is gone
    expect(o.out()).toContain("verified: the controller opened a canary SealedSecret sealed with");
    // Re-sealed in the same run: opens with the new key only.
    const doc = parse(readFileSync(join(root, "secrets/dev/data/postgres-credentials.yaml"), "utf8"));
    expect(unseal(doc.spec.encryptedData["postgres-password"], createPrivateKey(readFileSync(out)), "data/postgres-credentials").toString()).toBe("pg-value");
    expect(o.out()).toContain("1 SealedSecret of cluster dev re-sealed with the active certificate");

    // keys remove: the listing goes, the key Secret goes, the controller restarts.
    const restarts = cluster.restarts;
    const r = io(root);
    expect(await runKeysRemove({ root, cluster: "dev", certificate: fingerprintOf(A.certPem).slice(0, 12), keys: [out], timeoutMs: 60_000 }, r, deps), r.err()).toBe(0);
    expect(existsSync(join(root, `clusters/dev/sealing-certs/${fingerprintOf(A.certPem).slice(0, 12)}.pem`))).toBe(false);
    expect([...cluster.keySecrets.keys()]).toEqual([`sealed-secrets-key-${fingerprintOf(active).slice(0, 12)}`]);
    expect(cluster.restarts).toBe(restarts + 1);
    expect(r.out()).toContain("(1 SealedSecret, verified by opening them)");
  });

  it("changes nothing in the repository when the controller does not open the canary", async () => {
    const { root, cluster } = await setup();
    cluster.reloadOnRestart = false;
    const before = readTree(root);
    const out = join(dir, "unloaded.key");
    const o = io(root);
    await expect(runKeysRotate({ root, cluster: "dev", out, resealKeys: [], timeoutMs: 30_000 }, o, fakeLiveDeps(cluster))).rejects.toThrow(ExitError);
    expect(readTree(root)).toEqual(before);
    expect(o.err()).toContain("the repository is unchanged");
    expect(existsSync(out)).toBe(true); // the new key is kept: it is installed on the cluster
  });
});
