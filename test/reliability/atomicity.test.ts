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
      await generateAndKill(root, Math.floor(next() * fullRun * 1.1));
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
