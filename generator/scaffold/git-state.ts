import { EnvironmentError } from "../errors.js";
import { findOnPath, run } from "../render/exec.js";

/** What `berth init --empty` must know of git before it deletes hand-written files. */
export interface GitState {
  /** Paths with uncommitted changes or untracked (`git status --porcelain`), empty in a clean tree. */
  dirty: string[];
  /** The commit checked out, undefined in a repository without commits. */
  head?: string;
}

/** Reads the state of the git repository at `root`; undefined when `root` is not in one. */
export async function readGitState(root: string, callerEnv: Readonly<Record<string, string | undefined>>): Promise<GitState | undefined> {
  const env: Record<string, string> = { PATH: callerEnv.PATH ?? process.env.PATH ?? "", LC_ALL: "C", GIT_TERMINAL_PROMPT: "0" };
  const home = callerEnv.HOME ?? process.env.HOME;
  if (home) env.HOME = home;
  const git = findOnPath("git", env.PATH);
  if (!git) throw new EnvironmentError("git is not on PATH: berth init checks the repository's state with git", "install git, or add it to PATH");
  const status = await run(git, ["status", "--porcelain", "--untracked-files=all", "--", "."], { env, cwd: root, timeoutMs: 60_000 });
  if (status.code !== 0) return undefined;
  const head = await run(git, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], { env, cwd: root, timeoutMs: 60_000 });
  return {
    dirty: status.stdout.split("\n").filter((l) => l.trim() !== "").map((l) => l.slice(3)),
    head: head.code === 0 ? head.stdout.trim() : undefined,
  };
}
