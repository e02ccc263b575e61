import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bigFleet } from "../helpers/big-fleet.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, readTree, removeRepo, writeTree } from "../helpers/repo.js";
import { acquireWriteLock, lockPath } from "../../generator/write/lock.js";

/**
 * Two berth runs at once, as real processes (issue 11, item 1): writers are serialised by
 * the write lock (generator/write/lock.ts); the loser exits 2 naming the holder, and the output is always whole.
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
      expect(existsSync(lockPath(root, process.env))).toBe(false);
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
    git(root, "init", "-q");
    const lock = lockPath(root, process.env);
    // Inside the git directory: git never lists it, even when a killed writer leaves it behind.
    expect(lock.startsWith(join(realpathSync(root), ".git") + "/")).toBe(true);
    const holder = spawn("sleep", ["30"]);
    try {
      writeFileSync(lock, `${holder.pid}\n`);
      expect(git(root, "status", "--porcelain", "--untracked-files=all", "--ignored")).not.toContain("lock");
      const before = readTree(root, "clusters");
      const locked = await berthProcess(root, ["generate"]);
      expect(locked.code).toBe(2);
      expect(locked.stderr).toContain(`another berth is writing in ${root} (pid ${holder.pid})`);
      expect(locked.stderr).toContain(`remove ${lock}`);
      expect(readTree(root, "clusters")).toEqual(before);
    } finally {
      holder.kill("SIGKILL");
    }
    const dead = spawnSync("true").pid;
    writeFileSync(lock, `${dead}\n`);
    const run = await berthProcess(root, ["generate"]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
    expect(readdirSync(dirname(lock))).toEqual([]);
    expect(readdirSync(root).filter((n) => n.includes("lock"))).toEqual([]);
  }, 60_000);

  it("is per work tree and per fleet folder: a linked worktree and a fleet in a subfolder each have their own, all in git's folder", () => {
    const root = makeRepo({ "fleet/README": "x\n" });
    repos.push(root);
    git(root, "init", "-q", "-b", "main");
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "c");
    git(root, "worktree", "add", "-q", join(root, "wt"));
    const top = lockPath(root, {});
    const sub = lockPath(join(root, "fleet"), {});
    const linked = lockPath(join(root, "wt"), {});
    expect(new Set([top, sub, linked]).size).toBe(3);
    for (const p of [top, sub]) expect(p.startsWith(join(realpathSync(root), ".git/berth/"))).toBe(true);
    expect(linked.startsWith(join(realpathSync(root), ".git/worktrees/wt/berth/"))).toBe(true);
  });

  it("outside git, in the user's cache folder, named after the fleet's path", () => {
    const root = makeRepo({});
    const cache = makeRepo({});
    repos.push(root, cache);
    expect(dirname(lockPath(root, { XDG_CACHE_HOME: cache }))).toBe(join(cache, "berth", "locks"));
  });

  it("three writers meeting one stale lock: exactly one takes it over, in every interleaving of their steps", () => {
    const root = makeRepo({});
    repos.push(root);
    git(root, "init", "-q");
    const path = lockPath(root, {});
    const points = ["stale-read", "takeover-won"] as const;
    // Writer 1 lets writer 2 run at one of its steps, writer 2 lets writer 3 run at one of its
    // steps (nested, so the inner one acts while the outer one holds what it read): every pair.
    for (const first of points) {
      for (const second of points) {
        writeFileSync(path, "999999\n"); // a dead writer's lock
        const alive = new Set<number>();
        const outcome = new Map<number, string>();
        const at = [first, second];
        const writer = (i: number) => {
          const pid = 101 + i;
          alive.add(pid);
          let ran = false;
          const step = (point: string) => {
            if (i + 1 < 3 && !ran && point === at[i]) {
              ran = true;
              writer(i + 1);
            }
          };
          try {
            acquireWriteLock(root, {}, { pid, alive: (p) => alive.has(p), unique: () => `${pid}-${Math.random().toString(36).slice(2)}`, step });
            outcome.set(pid, "holds");
          } catch (e) {
            expect((e as Error).message).toMatch(/another berth is writing in .+ \(pid 10[123]\)|other berth runs keep taking it/);
            outcome.set(pid, "out");
          }
        };
        writer(0);
        const holders = [...outcome].filter(([, o]) => o === "holds").map(([pid]) => pid);
        expect(holders, `writer 2 at ${first}, writer 3 at ${second}`).toHaveLength(1);
        expect(readFileSync(path, "utf8")).toBe(`${holders[0]}\n`);
        expect(readdirSync(dirname(path))).toEqual([basename(path)]);
      }
    }
  });
});

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}
