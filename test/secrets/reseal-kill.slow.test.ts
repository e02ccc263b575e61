import { spawn } from "node:child_process";
import { createPrivateKey } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSealedSecret, generateSealingKeyPair, parseSealingCertificate, sealValue, type SealingKeyPair } from "../../generator/sealer/index.js";
import { toYaml } from "../../generator/yaml/canonical.js";
import { makeRepo, readTree, removeRepo } from "../helpers/repo.js";
import { unseal } from "../sealer/unseal.js";
import { fingerprintOf, fleetWithCerts, NOW } from "../secrets/helpers.js";

const BIN = fileURLToPath(new URL("../../bin/berth.js", import.meta.url));
const FILES = 12;
const ITEMS = 2;
let A: SealingKeyPair, B: SealingKeyPair;
let keyDir: string;
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeRepo));
beforeAll(async () => {
  [A, B] = await Promise.all([generateSealingKeyPair({ now: NOW }), generateSealingKeyPair({ now: NOW })]);
  keyDir = mkdtempSync(join(tmpdir(), "berth-keys-"));
  dirs.push(keyDir);
  writeFileSync(join(keyDir, "a.key"), A.privateKeyPem, { mode: 0o600 });
});

const value = (file: number, item: number) => `value-${file}-${item}`;

/** cluster dev: FILES SealedSecrets sealed with A (now listed), B active. */
function fleet(): string {
  const cert = parseSealingCertificate(A.certPem, { now: NOW, file: "a.pem" });
  if (!cert.ok) throw new Error("cert");
  const tree: Record<string, string> = fleetWithCerts({ dev: B.certPem, prod: B.certPem });
  tree[`clusters/dev/sealing-certs/${fingerprintOf(A.certPem).slice(0, 12)}.pem`] = A.certPem;
  for (let f = 0; f < FILES; f++) {
    const name = `s${String(f).padStart(2, "0")}`;
    const encryptedData: Record<string, string> = {};
    for (let i = 0; i < ITEMS; i++) encryptedData[`k${i}`] = sealValue({ cert: cert.value, namespace: "data", name, scope: "strict", value: Buffer.from(value(f, i)) });
    tree[`secrets/dev/data/${name}.yaml`] = toYaml(buildSealedSecret({ name, namespace: "data", scope: "strict", type: "Opaque", encryptedData, certFingerprint: cert.value.fingerprint }));
  }
  const root = makeRepo(tree);
  dirs.push(root);
  return root;
}

/** `berth seal --reseal dev --key a.key` as a real process, SIGKILLed after `delayMs`. */
function resealAndKill(root: string, delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "seal", "--reseal", "dev", "--key", join(keyDir, "a.key")], { cwd: root, stdio: "ignore", env: { PATH: process.env.PATH } });
    const timer = delayMs === Infinity ? undefined : setTimeout(() => child.kill("SIGKILL"), delayMs);
    child.on("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** "old" when byte-identical to the original, "new" when every value opens with B to the same plaintext; else throws. */
function stateOf(original: string, text: string, f: number): "old" | "new" {
  if (text === original) return "old";
  const doc = parse(text);
  const keyB = createPrivateKey(B.privateKeyPem);
  for (let i = 0; i < ITEMS; i++) expect(unseal(doc.spec.encryptedData[`k${i}`], keyB, `data/${doc.metadata.name}`).toString()).toBe(value(f, i));
  expect(doc.metadata.annotations["berth.dev/sealed-with"]).toBe(fingerprintOf(B.certPem));
  return "new";
}

describe("berth seal --reseal killed at random points", () => {
  // Generous: the machine running the suite may be loaded; nothing here measures speed.
  it("leaves every file either old or new (and each opens with a key the controller holds); the next run completes it", { timeout: 600_000 }, async () => {
    const root = fleet();
    const original = readTree(root, "secrets");
    const started = Date.now();
    // A full run on a copy, for its duration.
    const timing = fleet();
    await resealAndKill(timing, Infinity);
    const full = Date.now() - started;
    expect(Object.values(readTree(timing, "secrets")).every((t, f) => stateOf(Object.values(original)[f]!, t, f) === "new")).toBe(true);

    const seen = new Set<string>();
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 6; round++) {
      await resealAndKill(root, Math.floor(next() * full * 0.9));
      const now = readTree(root, "secrets");
      // A kill between a temp file's write and its rename leaves that temp file (under its own
      // hidden name, cleaned by the next writer): every target is still whole, old or new.
      expect(Object.keys(now).filter((n) => !n.includes(".berth-tmp-"))).toEqual(Object.keys(original));
      const states = Object.keys(original).map((file, f) => stateOf(original[file]!, now[file]!, f));
      seen.add(states.includes("old") && states.includes("new") ? "mixed" : states[0]!);
    }
    // Some kill landed mid-run: the test exercised a partly re-sealed cluster.
    expect(seen.has("mixed") || seen.has("old")).toBe(true);
    await resealAndKill(root, Infinity);
    const done = readTree(root, "secrets");
    Object.keys(original).forEach((file, f) => expect(stateOf(original[file]!, done[file]!, f)).toBe("new"));
    // Temp files of killed writers are cleaned by the next writer of the same folder.
    expect(Object.keys(readTree(root, "secrets/dev/data")).filter((n) => n.includes("berth-tmp"))).toEqual([]);
  });
});
