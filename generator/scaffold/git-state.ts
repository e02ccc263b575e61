import { EnvironmentError } from "../errors.js";
import { findOnPath, run } from "../exec/spawn.js";

/** What `berth init --empty` must know of git before it deletes hand-written files. */
export interface GitState {
  /** Paths with uncommitted changes or untracked (`git status --porcelain`), empty in a clean tree. */
  dirty: string[];
  /** The commit checked out, undefined in a repository without commits. */
  head?: string;
  /** Lists the cluster and app folder names a commit holds (the example fleet's, for init --empty). */
  foldersAt(commit: string): Promise<{ clusters: string[]; apps: string[] }>;
  /**
   * The files git tracks under clusters/, apps/ and secrets/ (repository-relative to `root`): the
   * only ones `init --empty` may remove, since `git checkout` brings them back. Gitignored files
   * (a `*.local` kubeconfig, a sealing key kept beside a cluster) are not in it and stay.
   */
  tracked: ReadonlySet<string>;
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
  const names = async (commit: string, dir: string) => {
    const r = await run(git, ["ls-tree", "--name-only", commit, `${dir}/`], { env, cwd: root, timeoutMs: 60_000 });
    if (r.code !== 0) throw new EnvironmentError(`cannot list ${dir}/ of commit ${commit.slice(0, 7)}: ${r.stderr.trim()}`, "fetch the full history (git fetch --unshallow)");
    return r.stdout.split("\n").filter((l) => l !== "").map((l) => l.slice(dir.length + 1));
  };
  const listed = await run(git, ["ls-files", "-z", "--", "clusters", "apps", "secrets"], { env, cwd: root, timeoutMs: 60_000 });
  if (listed.code !== 0) throw new EnvironmentError(`cannot list the files git tracks: ${listed.stderr.trim()}`, "run berth init in a clone of berth's repository");
  return {
    tracked: new Set(listed.stdout.split("\0").filter((f) => f !== "")),
    foldersAt: async (commit) => ({ clusters: await names(commit, "clusters"), apps: await names(commit, "apps") }),
    dirty: status.stdout.split("\n").filter((l) => l.trim() !== "").map((l) => l.slice(3)),
    head: head.code === 0 ? head.stdout.trim() : undefined,
  };
}
