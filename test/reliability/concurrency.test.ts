import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bigFleet } from "../helpers/big-fleet.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, readTree, removeRepo, writeTree } from "../helpers/repo.js";

/**
 * Two berth runs at once, as real processes (issue 11, item 1): writers are serialised by
 * `<root>/.berth.lock`; the loser exits 2 naming the holder, and the output is always whole.
 */
const BIN = fileURLToPath(new URL("../../bin/berth.js", import.meta.url));
const CLUSTERS = ["alpha", "beta"];
const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));

interface Exit {
  code: number | null;
  stderr: string;
}

function berthProcess(root: string, args: string[]): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

/** Either it ran, or it stopped at the lock without touching anything. */
function expectRanOrLockedOut(r: Exit): "ran" | "locked out" {
  if (r.code === 0) return "ran";
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/another berth is writing in .+ \(pid \d+\); nothing was written/);
  return "locked out";
}

describe("two berth generate at once", () => {
  let versions: Record<string, Record<string, Record<string, string>>>;
  beforeAll(async () => {
    versions = {};
    for (const v of ["v1", "v2"]) {
      const root = makeRepo(bigFleet(30, v));
      repos.push(root);
      expect((await berth(root, "generate")).code).toBe(0);
      versions[v] = Object.fromEntries(CLUSTERS.map((c) => [c, readTree(root, `clusters/${c}/argocd`)]));
    }
  });

  it("never leave a partial or missing clusters/<c>/argocd/, and never fail on each other's temp folders", async () => {
    const root = makeRepo(bigFleet(30, "v1"));
    repos.push(root);
    let target = "v1";
    for (let round = 0; round < 5; round++) {
      target = target === "v1" ? "v2" : "v1";
      writeTree(root, Object.fromEntries(CLUSTERS.map((c) => [`clusters/${c}/cluster.yaml`, bigFleet(30, target)[`clusters/${c}/cluster.yaml`]!])));
      const runs = await Promise.all([berthProcess(root, ["generate"]), berthProcess(root, ["generate"])]);
      const outcomes = runs.map(expectRanOrLockedOut);
      expect(outcomes, `round ${round}`).toContain("ran");
      for (const c of CLUSTERS) expect(readTree(root, `clusters/${c}/argocd`), `clusters/${c}/argocd after round ${round}`).toEqual(versions[target]![c]);
      for (const c of CLUSTERS) expect(readdirSync(join(root, "clusters", c)).sort()).toEqual(["argocd", "cluster.yaml"]);
      expect(existsSync(join(root, ".berth.lock"))).toBe(false);
    }
  }, 120_000);
});

describe("two berth seal of one file at once", () => {
  it("never lose a key: every run that exits 0 has its key in the file", async () => {
    const { generateSealingKeyPair } = await import("../../generator/sealer/index.js");
    const { certPem } = await generateSealingKeyPair({ now: new Date() });
    const tree: Record<string, string> = { ...fixtureFleet(), "clusters/dev/sealing-cert.pem": certPem };
    delete tree["secrets/dev/data/postgres-credentials.yaml"];
    const root = makeRepo(tree);
    repos.push(root);
    const file = join(root, "secrets/dev/data/postgres-credentials.yaml");
    const expected = new Set<string>();
    for (let round = 0; round < 4; round++) {
      // Many keys per run keep each run's read-merge-write window wide enough to overlap.
      const keys = ["a", "b"].map((who) => Array.from({ length: 30 }, (_, i) => `${who}-${round}-${i}`));
      const runs = await Promise.all(keys.map((ks) => berthProcess(root, ["seal", "--cluster", "dev", "--namespace", "data", "--name", "postgres-credentials", ...ks.flatMap((k) => ["--random", k])])));
      runs.forEach((r, i) => {
        if (expectRanOrLockedOut(r) === "ran") for (const k of keys[i]!) expected.add(k);
      });
      const sealed = Object.keys((parse(readTree(root, "secrets/dev/data")["secrets/dev/data/postgres-credentials.yaml"]!) as any).spec.encryptedData);
      expect(sealed.sort(), `round ${round}`).toEqual([...expected].sort());
    }
    expect(existsSync(file)).toBe(true);
  }, 120_000);
});

describe("the write lock", () => {
  it("names a live holder and exits 2; takes over from a dead one", async () => {
    const root = makeRepo(fixtureFleet());
    repos.push(root);
    const holder = spawn("sleep", ["30"]);
    try {
      writeFileSync(join(root, ".berth.lock"), `${holder.pid}\n`);
      const before = readTree(root, "clusters");
      const locked = await berthProcess(root, ["generate"]);
      expect(locked.code).toBe(2);
      expect(locked.stderr).toContain(`another berth is writing in ${root} (pid ${holder.pid})`);
      expect(locked.stderr).toContain(`remove ${join(root, ".berth.lock")}`);
      expect(readTree(root, "clusters")).toEqual(before);
    } finally {
      holder.kill("SIGKILL");
    }
    const dead = spawnSync("true").pid;
    writeFileSync(join(root, ".berth.lock"), `${dead}\n`);
    const run = await berthProcess(root, ["generate"]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(root, ".berth.lock"))).toBe(false);
    expect(readdirSync(root).filter((n) => n.startsWith(".berth.lock"))).toEqual([]);
  }, 60_000);
});
