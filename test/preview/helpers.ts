import { execFileSync } from "node:child_process";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berthWithEnv, makeRepo, writeTree, type CliRun } from "../helpers/repo.js";

/** Fixed dates, so commit SHAs (printed in the preview) are the same on every run. */
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z",
  GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

export function git(root: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@e", "-c", "commit.gpgsign=false", ...args], { cwd: root, env: GIT_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs berth in-process with PATH (git, tar) and the bundled helm/kubectl. */
export function berthIn(root: string, ...args: string[]): Promise<CliRun> {
  return berthWithEnv(root, { PATH: process.env.PATH, HOME: process.env.HOME, BERTH_TOOLS: "bundled" }, ...args);
}

/** Generates the committed output, stages everything and commits. */
export async function commitAll(root: string, message: string): Promise<void> {
  const gen = await berthIn(root, "generate");
  if (gen.code !== 0) throw new Error(`generate failed: ${gen.stderr}`);
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", message);
}

/** A git repository holding the fixture fleet (with its generated output) in one commit on main. */
export async function fixtureRepo(extra: Record<string, string> = {}): Promise<string> {
  const root = makeRepo({ ...fixtureFleet(), ...extra });
  git(root, "init", "-q", "-b", "main");
  await commitAll(root, "base");
  return root;
}

/** Writes files into the working tree (created or replaced). */
export function edit(root: string, files: Record<string, string>): void {
  writeTree(root, files);
}
