import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { findOnPath } from "../exec/spawn.js";
import { EnvironmentError, UserError } from "../errors.js";
import { run } from "../exec/spawn.js";

/** The git repository a fleet lives in: its top level and the fleet's folder inside it. */
export interface GitRepo {
  git: string;
  env: Record<string, string>;
  /** The folder berth was pointed at (--root). */
  root: string;
  /** The repository's top level. */
  top: string;
  /** The fleet's folder relative to the repository's top level, "" or "sub/dir/". */
  prefix: string;
}

const TIMEOUT_MS = 120_000;

/**
 * Finds git and the repository around `root`. git runs with the caller's environment minus the
 * variables that would point it at another repository (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE…),
 * with messages in English so they can be recognised.
 */
export async function openRepo(root: string, callerEnv: Readonly<Record<string, string | undefined>>): Promise<GitRepo> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(callerEnv)) if (v !== undefined && !/^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|NAMESPACE|CEILING_DIRECTORIES)$/.test(k)) env[k] = v;
  env.PATH ??= process.env.PATH ?? "";
  if (env.HOME === undefined && process.env.HOME !== undefined) env.HOME = process.env.HOME;
  env.LC_ALL = "C";
  env.GIT_TERMINAL_PROMPT = "0";
  const git = findOnPath("git", env.PATH);
  if (!git) throw new EnvironmentError("git is not on PATH: berth preview reads both revisions from the repository's git", "install git, or add it to PATH");
  const r = await run(git, ["rev-parse", "--show-toplevel", "--show-prefix"], { env, cwd: root, timeoutMs: TIMEOUT_MS });
  if (r.code !== 0) {
    throw new EnvironmentError(
      `${root} is not inside a git repository: ${firstLine(r.stderr || r.spawnError || "")}`,
      "run berth preview inside a clone of the fleet repository (or pass --root <clone>)",
    );
  }
  const [top = root, prefix = ""] = r.stdout.split("\n");
  return { git, env, root, top, prefix: prefix.trim() };
}

/** The full SHA of a commit, or a UserError naming the revision and how to get it. */
export async function resolveRevision(repo: GitRepo, rev: string, option: "--base" | "--head"): Promise<string> {
  const hint = `check the name with \`git log --oneline\` or \`git branch -a\`; a remote branch may need \`git fetch origin <branch>\` first (in CI: actions/checkout with fetch-depth: 0)`;
  const problem = (message: string) => new UserError([{ file: ".git", line: 0, col: 0, message, hint }]);
  if (rev.trim() === "" || rev.startsWith("-")) throw problem(`${option} "${rev}" is not a revision`);
  const r = await git(repo, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
  if (r.code !== 0 || !/^[0-9a-f]{40,64}$/.test(r.stdout.trim())) throw problem(`${option} "${rev}" is not a commit in this repository`);
  return r.stdout.trim();
}

/** The commit the working tree is on, or undefined in a repository without commits. */
export async function currentCommit(repo: GitRepo): Promise<string | undefined> {
  const r = await git(repo, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

export const shortSha = (sha: string | undefined) => sha?.slice(0, 7);

/**
 * Writes the fleet folder of commit `sha` into `into` (`git archive <sha>:<prefix> | tar -x`, two
 * argv-spawned processes, no shell). Returns false when the folder does not exist at that commit.
 */
export async function materialise(repo: GitRepo, sha: string, into: string): Promise<boolean> {
  mkdirSync(into, { recursive: true });
  const tree = `${sha}:${repo.prefix.replace(/\/$/, "")}`;
  const exists = await git(repo, ["cat-file", "-t", repo.prefix ? tree : sha]);
  if (exists.code !== 0) return false;
  const tar = findOnPath("tar", repo.env.PATH);
  if (!tar) throw new EnvironmentError("tar is not on PATH: berth preview unpacks the base revision with `git archive | tar -x`", "install tar, or add it to PATH");
  const result = await pipe(
    { file: repo.git, args: ["archive", "--format=tar", repo.prefix ? tree : sha], cwd: repo.top },
    { file: tar, args: ["-x", "-f", "-", "-C", into], cwd: into },
    repo.env,
  );
  if (result) throw new EnvironmentError(`could not unpack ${shortSha(sha)} of the repository: ${result}`, "check that the repository is not corrupt (`git fsck`) and that the temp folder is writable");
  return true;
}

function git(repo: GitRepo, args: string[]) {
  return run(repo.git, args, { env: repo.env, cwd: repo.root, timeoutMs: TIMEOUT_MS });
}

/** Runs `a | b`; resolves to undefined on success, else a one-line reason. */
function pipe(
  a: { file: string; args: string[]; cwd: string },
  b: { file: string; args: string[]; cwd: string },
  env: Record<string, string>,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const pa = spawn(a.file, a.args, { cwd: a.cwd, env, stdio: ["ignore", "pipe", "pipe"], shell: false });
    const pb = spawn(b.file, b.args, { cwd: b.cwd, env, stdio: ["pipe", "ignore", "pipe"], shell: false });
    const errA: Buffer[] = [];
    const errB: Buffer[] = [];
    let problem: string | undefined;
    let open = 2;
    const timer = setTimeout(() => {
      problem ??= `timed out after ${TIMEOUT_MS / 1000}s`;
      pa.kill("SIGKILL");
      pb.kill("SIGKILL");
    }, TIMEOUT_MS);
    const done = (who: string, code: number | null, err: Buffer[]) => {
      if (code !== 0) problem ??= `${who} exited with ${code}: ${firstLine(Buffer.concat(err).toString("utf8"))}`;
      if (--open === 0) {
        clearTimeout(timer);
        resolve(problem);
      }
    };
    pa.stderr.on("data", (d: Buffer) => errA.push(d));
    pb.stderr.on("data", (d: Buffer) => errB.push(d));
    pa.on("error", (e) => (problem ??= `git: ${e.message}`));
    pb.on("error", (e) => (problem ??= `tar: ${e.message}`));
    pb.stdin.on("error", () => undefined);
    pa.stdout.pipe(pb.stdin);
    pa.on("close", (code) => done("git archive", code, errA));
    pb.on("close", (code) => done("tar", code, errB));
  });
}

function firstLine(s: string): string {
  return s.trim().split("\n")[0] ?? "";
}

