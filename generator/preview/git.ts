import { spawn } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
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
 * Writes the fleet folder of commit `sha` into `into` as Argo CD's checkout has it: every blob of
 * the tree, read raw with `git ls-tree -r` and `git cat-file --batch` (argv-spawned, no shell).
 * Unlike `git archive`, no `.gitattributes` export-ignore or export-subst and no filter can hide
 * or change a file. Symlinks stay symlinks (the loader then refuses those that leave the
 * repository); submodules are left out. Returns false when the folder does not exist at that commit.
 */
export async function materialise(repo: GitRepo, sha: string, into: string): Promise<boolean> {
  mkdirSync(into, { recursive: true });
  const tree = repo.prefix ? `${sha}:${repo.prefix.replace(/\/$/, "")}` : `${sha}^{tree}`;
  const exists = await git(repo, ["cat-file", "-t", tree]);
  if (exists.code !== 0 || exists.stdout.trim() !== "tree") return false;
  const listing = await git(repo, ["ls-tree", "-r", "-z", "--full-tree", tree]);
  if (listing.code !== 0) throw new EnvironmentError(`could not list ${shortSha(sha)} of the repository: ${firstLine(listing.stderr || listing.spawnError || "")}`, "check that the repository is not corrupt (`git fsck`)");
  const blobs: Array<{ mode: string; oid: string; path: string }> = [];
  for (const record of listing.stdout.split("\0")) {
    const m = /^(\d{6}) (\w+) ([0-9a-f]{40,64})\t(.+)$/s.exec(record);
    if (!m || m[2] !== "blob") continue;
    const path = m[4]!;
    // git never stores these, but a crafted tree object could: nothing may land outside `into`.
    if (path.split("/").some((seg) => seg === "" || seg === "." || seg === ".." || seg.toLowerCase() === ".git")) continue;
    blobs.push({ mode: m[1]!, oid: m[3]!, path });
  }
  const problem = await catFileBatch(repo, blobs.map((b) => b.oid), (i, content) => {
    const { mode, path } = blobs[i]!;
    const target = join(into, path);
    mkdirSync(dirname(target), { recursive: true });
    if (mode === "120000") symlinkSync(content.toString("utf8"), target);
    else writeFileSync(target, content, { mode: mode === "100755" ? 0o755 : 0o644 });
  });
  if (problem) throw new EnvironmentError(`could not read ${shortSha(sha)} of the repository: ${problem}`, "check that the repository is not corrupt (`git fsck`) and that the temp folder is writable");
  return true;
}

/**
 * Streams the objects `oids` out of one `git cat-file --batch` process, calling `each` with every
 * object's raw content in order. Resolves to undefined on success, else a one-line reason.
 */
function catFileBatch(repo: GitRepo, oids: readonly string[], each: (index: number, content: Buffer) => void): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(repo.git, ["cat-file", "--batch"], { cwd: repo.top, env: repo.env, stdio: ["pipe", "pipe", "pipe"], shell: false });
    const err: Buffer[] = [];
    let problem: string | undefined;
    const timer = setTimeout(() => {
      problem ??= `timed out after ${TIMEOUT_MS / 1000}s`;
      child.kill("SIGKILL");
    }, TIMEOUT_MS);
    let index = 0;
    let header: Buffer = Buffer.alloc(0);
    let size = -1;
    let body: Buffer[] = [];
    let bodyLength = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      let rest = chunk;
      while (rest.length > 0 && problem === undefined) {
        if (size < 0) {
          const nl = rest.indexOf(10);
          if (nl < 0) {
            header = Buffer.concat([header, rest]);
            return;
          }
          const line = Buffer.concat([header, rest.subarray(0, nl)]).toString("utf8");
          header = Buffer.alloc(0);
          rest = rest.subarray(nl + 1);
          const m = / (\w+) (\d+)$/.exec(line);
          if (!m) {
            problem = `unexpected object header "${line.slice(0, 80)}"`;
            child.kill("SIGKILL");
            return;
          }
          size = Number(m[2]);
        }
        // The body, then one newline.
        const take = Math.min(rest.length, size + 1 - bodyLength);
        body.push(rest.subarray(0, take));
        bodyLength += take;
        rest = rest.subarray(take);
        if (bodyLength === size + 1) {
          const content = Buffer.concat(body).subarray(0, size);
          body = [];
          bodyLength = 0;
          size = -1;
          try {
            each(index++, content);
          } catch (e) {
            problem = (e as Error).message;
            child.kill("SIGKILL");
          }
        }
      }
    });
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (e) => (problem ??= `git: ${e.message}`));
    child.stdin.on("error", () => undefined);
    child.stdin.end(oids.map((o) => `${o}\n`).join(""));
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) problem ??= `git cat-file exited with ${code}: ${firstLine(Buffer.concat(err).toString("utf8"))}`;
      if (problem === undefined && index !== oids.length) problem = `git cat-file returned ${index} of ${oids.length} objects`;
      resolve(problem);
    });
  });
}

function git(repo: GitRepo, args: string[]) {
  return run(repo.git, args, { env: repo.env, cwd: repo.root, timeoutMs: TIMEOUT_MS });
}

function firstLine(s: string): string {
  return s.trim().split("\n")[0] ?? "";
}

