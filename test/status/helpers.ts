import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runStatus, defaultStatusDeps, type StatusOptions } from "../../generator/commands/status.js";
import { findOnPath } from "../../generator/exec/spawn.js";
import { application, captureIO, fakeWorld, list, type FakeState, type FakeWorld } from "../bootstrap/fake-tools.js";
import { makeRepo, readTree, removeRepo } from "../helpers/repo.js";

/**
 * `berth status` against the recording fake kubectl (no cluster on the test machine; the e2e runs
 * it against a real Argo CD): the fleet is test/golden/notify's, committed to a Git repository
 * with fixed dates (so its commit is always the same).
 */
const FLEET = fileURLToPath(new URL("../golden/notify/input", import.meta.url));

export function setup(state: Partial<FakeState>, cleanup: Array<() => void>): { root: string; world: FakeWorld; sha: string } {
  const root = makeRepo(readTree(FLEET));
  const world = fakeWorld({ contexts: ["hq", "edge"], ...state });
  cleanup.push(() => removeRepo(root), () => world.remove());
  // git for the fleet's commit, next to the fakes (no real kubectl is reachable).
  const gitDir = join(world.dir, "git");
  mkdirSync(gitDir);
  symlinkSync(findOnPath("git", process.env.PATH)!, join(gitDir, "git"));
  world.env.PATH = `${world.bin}:${gitDir}`;
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t", GIT_AUTHOR_DATE: "2026-12-01T12:00:00Z", GIT_COMMITTER_DATE: "2026-12-01T12:00:00Z" } }).toString().trim();
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "fleet");
  return { root, world, sha: git("rev-parse", "HEAD") };
}

/** Every Application berth expects on hq, Synced and Healthy at `sha`. */
export function hqApps(sha: string, override: Record<string, Record<string, unknown>> = {}) {
  const names = ["root", "argo-cd", "metrics", "sealed-secrets", "secrets-argocd"];
  return list(names.map((n) => override[n] ?? application(n, "Synced", "Healthy", { sync: { status: "Synced", revision: n === "sealed-secrets" ? "2.17.3" : sha } })));
}

export async function status(root: string, world: FakeWorld, opts: Partial<StatusOptions> = {}) {
  const cap = captureIO(root, world.env);
  let t = 0;
  const deps = { ...defaultStatusDeps(), now: () => t, sleep: async (ms: number) => void (t += ms), pollIntervalMs: 5_000 };
  const code = await runStatus({ root, format: "human", ...opts }, cap.io, deps);
  return { code, stdout: cap.stdout(), stderr: cap.stderr(), log: world.log() };
}

/** The fake's successive answers to `kubectl get applications` (the last one repeats). */
export function setApps(world: FakeWorld, answers: unknown[]): void {
  answers.forEach((a, i) => writeFileSync(join(world.dir, "apps", `${i}.json`), JSON.stringify(a)));
  writeFileSync(join(world.dir, "apps-count"), String(answers.length));
  writeFileSync(join(world.dir, "apps-index"), "0");
}
