import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bigFleet } from "../helpers/big-fleet.js";
import { berth, makeRepo, readTree, removeRepo, writeTree } from "../helpers/repo.js";

const BIN = fileURLToPath(new URL("../../bin/berth.js", import.meta.url));
const CLUSTERS = ["alpha", "beta"];
const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));

/** The generated folder of each cluster, as produced by a clean run for the given revision. */
async function expected(revision: string): Promise<Record<string, Record<string, string>>> {
  const root = makeRepo(bigFleet(80, revision));
  repos.push(root);
  expect((await berth(root, "generate")).code).toBe(0);
  return Object.fromEntries(CLUSTERS.map((c) => [c, readTree(root, `clusters/${c}/argocd`)]));
}

function generatedState(root: string, cluster: string): Record<string, string> | undefined {
  const dir = `clusters/${cluster}/argocd`;
  return existsSync(join(root, dir)) ? readTree(root, dir) : undefined;
}

/** Starts `berth generate` as a real process and SIGKILLs it after `delayMs`. */
function generateAndKill(root: string, delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "generate"], { cwd: root, stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), delayMs);
    child.on("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe("berth generate killed at random points", () => {
  let versions: Record<string, Record<string, Record<string, string>>>;
  beforeAll(async () => {
    versions = { v1: await expected("v1"), v2: await expected("v2") };
  });

  it("leaves each cluster's folder wholly old or wholly new, and the next run completes it", async () => {
    const root = makeRepo(bigFleet(80, "v1"));
    repos.push(root);
    expect((await berth(root, "generate")).code).toBe(0);
    // Time one full run, then spread the kill points over 0-110% of it.
    writeTree(root, Object.fromEntries(CLUSTERS.map((c) => [`clusters/${c}/cluster.yaml`, bigFleet(80, "v2")[`clusters/${c}/cluster.yaml`]!])));
    const started = Date.now();
    await generateAndKill(root, 60_000);
    const fullRun = Date.now() - started;
    let target = "v2";
    const seen = new Set<string>();
    // Deterministic pseudo-random kill points.
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 14; round++) {
      const previous = target;
      target = target === "v1" ? "v2" : "v1";
      writeTree(root, Object.fromEntries(CLUSTERS.map((c) => [`clusters/${c}/cluster.yaml`, bigFleet(80, target)[`clusters/${c}/cluster.yaml`]!])));
      // The first round is killed at once and the last runs to completion, so both outcomes occur
      // however slow a loaded machine makes the runs; the rounds between probe random points.
      await generateAndKill(root, round === 0 ? 0 : round === 13 ? 60_000 : Math.floor(next() * fullRun * 1.1));
      for (const cluster of CLUSTERS) {
        const state = generatedState(root, cluster);
        if (state === undefined) {
          // Killed between the two renames of a swap: the complete old folder waits beside it.
          expect(existsSync(join(root, `clusters/${cluster}/.argocd.prev`))).toBe(true);
          seen.add("between-renames");
          continue;
        }
        const match = [previous, target].find((v) => JSON.stringify(state) === JSON.stringify(versions[v]![cluster]));
        expect(match, `clusters/${cluster}/argocd is a mix of two versions after round ${round}`).toBeDefined();
        seen.add(match === target ? "new" : "old");
      }
      // Whatever was interrupted, the next run converges to the target.
      const rerun = await berth(root, "generate");
      expect(rerun.code).toBe(0);
      for (const cluster of CLUSTERS) expect(generatedState(root, cluster)).toEqual(versions[target]![cluster]);
      expect(existsSync(join(root, "clusters/alpha/.argocd.next"))).toBe(false);
    }
    // The kill points must actually land inside runs, on both sides of the swap.
    expect(seen).toContain("old");
    expect(seen).toContain("new");
  }, 120_000);
});

describe("berth seal killed at random points", () => {
  it("leaves the secrets file wholly old or wholly new, never partial; the next run removes abandoned temp files", async () => {
    const { generateSealingKeyPair } = await import("../../generator/sealer/index.js");
    const { certPem } = await generateSealingKeyPair({ now: new Date() });
    const { fixtureFleet } = await import("../helpers/fleet-fixture.js");
    const root = makeRepo({ ...fixtureFleet(), "clusters/dev/sealing-cert.pem": certPem });
    repos.push(root);
    const file = "secrets/dev/data/postgres-credentials.yaml";
    const keys = Array.from({ length: 40 }, (_, i) => `key-${String(i).padStart(2, "0")}`);
    const sealArgs = ["seal", "--cluster", "dev", "--namespace", "data", "--name", "postgres-credentials", ...keys.flatMap((k) => ["--random", k]), "--random", "postgres-password"];
    const seal = (delayMs: number) =>
      new Promise<void>((resolve) => {
        const child = spawn(process.execPath, [BIN, ...sealArgs], { cwd: root, stdio: "ignore" });
        const timer = setTimeout(() => child.kill("SIGKILL"), delayMs);
        child.on("exit", () => (clearTimeout(timer), resolve()));
      });
    const started = Date.now();
    await seal(60_000);
    const fullRun = Date.now() - started;
    const { parse } = await import("yaml");
    let previous = readTree(root, "secrets/dev/data")[file]!;
    let seed = 11;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const outcomes = new Set<string>();
    for (let round = 0; round < 12; round++) {
      await seal(round === 0 ? 0 : round === 11 ? 60_000 : Math.floor(fullRun * (0.2 + next() * 1.3)));
      // A run killed before its rename may leave its temp file; the next run removes it.
      const files = readTree(root, "secrets/dev/data");
      expect(Object.keys(files).filter((f) => !f.includes(".berth-tmp-"))).toEqual([file]);
      const now = files[file]!;
      const doc = parse(now) as { spec: { encryptedData: Record<string, string> } };
      expect(Object.keys(doc.spec.encryptedData).sort()).toEqual([...keys, "postgres-password"].sort());
      if (now === previous) outcomes.add("old");
      else {
        const before = (parse(previous) as typeof doc).spec.encryptedData;
        // A completed run re-seals every key: all ciphertexts change together.
        for (const k of keys) expect(doc.spec.encryptedData[k]).not.toBe(before[k]);
        outcomes.add("new");
      }
      previous = now;
    }
    expect(outcomes).toContain("old");
    expect(outcomes).toContain("new");
    await seal(60_000);
    expect(Object.keys(readTree(root, "secrets/dev/data"))).toEqual([file]);
  }, 60_000);
});
