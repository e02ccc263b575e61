import { findOnPath } from "../exec/spawn.js";
import { EnvironmentError, UserError } from "../errors.js";
import { run } from "../exec/spawn.js";
import { layout } from "../layout.js";
import type { RevisionFiles } from "./write-revision.js";
import { catFileBatch, lazyBlobs } from "./blobs.js";
import type { LazyBytes } from "../read/tree-fs.js";

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
  /** Where git reads the repository's info/attributes (relative to `root`), when it was asked with the revisions (openRepoAt). */
  infoAttributes?: string;
}

const TIMEOUT_MS = 120_000;

/**
 * Finds git and the repository around `root`. git runs with the caller's environment minus the
 * variables that would point it at another repository (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE…),
 * with messages in English so they can be recognised.
 */
export async function openRepo(root: string, callerEnv: Readonly<Record<string, string | undefined>>): Promise<GitRepo> {
  const { git, env } = gitEnvironment(callerEnv);
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

/**
 * {@link openRepo} and the commits `revs` name (as {@link resolveRevision}, "HEAD" as
 * {@link currentCommit}) with their trees, and where git looks for info/attributes, asked of one
 * git process instead of three or four in a row (each costs a spawn and git's start-up before the
 * base can be listed).
 * Undefined unless git gives the plain answer, a full SHA per revision: the caller then asks one
 * question at a time, for the precise message (a repository without commits, an unknown revision).
 */
export async function openRepoAt(root: string, callerEnv: Readonly<Record<string, string | undefined>>, revs: readonly string[]): Promise<{ repo: GitRepo; shas: string[]; trees: string[] } | undefined> {
  if (revs.some((rev) => rev.trim() === "" || rev.startsWith("-") || rev.includes("\n"))) return undefined;
  const { git, env } = gitEnvironment(callerEnv);
  // Each revision is verified as resolveRevision does (`^{commit}`); `--` ends the revisions, so
  // none is taken for a path.
  const asked = [...revs.map((rev) => `${rev}^{commit}`), ...revs.map((rev) => `${rev}^{tree}`)];
  const r = await run(git, ["rev-parse", "--show-toplevel", "--show-prefix", "--git-path", "info/attributes", ...asked, "--"], { env, cwd: root, timeoutMs: TIMEOUT_MS });
  if (r.code !== 0) return undefined;
  const lines = r.stdout.split("\n");
  // top, prefix, info/attributes, a SHA per revision and one per tree, the `--` echoed, and the final line break.
  const n = asked.length;
  if (lines.length !== n + 5 || lines[n + 3] !== "--" || lines[n + 4] !== "") return undefined;
  const [top, prefix, infoAttributes] = lines as [string, string, string];
  const ids = lines.slice(3, 3 + n);
  if (top === "" || infoAttributes === "" || !ids.every((id) => /^[0-9a-f]{40,64}$/.test(id))) return undefined;
  return { repo: { git, env, root, top, prefix: prefix.trim(), infoAttributes }, shas: ids.slice(0, revs.length), trees: ids.slice(revs.length) };
}

/** git, and the caller's environment for it. */
function gitEnvironment(callerEnv: Readonly<Record<string, string | undefined>>): { git: string; env: Record<string, string> } {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(callerEnv)) if (v !== undefined && !/^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|NAMESPACE|CEILING_DIRECTORIES)$/.test(k)) env[k] = v;
  env.PATH ??= process.env.PATH ?? "";
  if (env.HOME === undefined && process.env.HOME !== undefined) env.HOME = process.env.HOME;
  env.LC_ALL = "C";
  env.GIT_TERMINAL_PROMPT = "0";
  const git = findOnPath("git", env.PATH);
  if (!git) throw new EnvironmentError("git is not on PATH: berth preview reads both revisions from the repository's git", "install git, or add it to PATH");
  return { git, env };
}

/** The full SHA of a commit, or a UserError naming the revision and how to get it. */
export async function resolveRevision(repo: GitRepo, rev: string, option: "--base" | "--head" | "--revision"): Promise<string> {
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

export interface MaterialiseOptions {
  /** Read the generated folders' contents too (the head's staleness check); they are never written, as nothing reads them from disk. */
  readGenerated: boolean;
  /** Write every file of the fleet folder, not only apps/, clusters/ and secrets/: tier 2's helm and kustomize may read anything. */
  wholeTree: boolean;
  /**
   * The blobs whose contents the caller can do without until a reader asks (the parse cache knows
   * them by id: cache/parse-cache.ts): they are read from git then, if ever (blobs.ts lazyBlobs).
   * A revision that turns out to be read whole (a symlink, a render, a chart reaching out) has
   * every blob read at once, known or not.
   */
  knownBlob?: (oid: string) => boolean;
}

/** The folders berth reads a fleet from; a preview side needs nothing else unless a symlink or a renderer reaches further. */
export const FLEET_DIRS = new Set<string>([layout.appsDir, layout.clustersDir, layout.secretsDir]);

/** Whether a fleet-relative path is under apps/, clusters/ or secrets/. */
export const inFleet = (path: string): boolean => FLEET_DIRS.has(path.slice(0, Math.max(path.indexOf("/"), 0)));

/**
 * Whether a `/`-separated path may have an empty segment or one starting with a dot (`.`, `..`,
 * `.git`): the cheap test before the exact one, for 30,000 paths of which none has.
 */
export const mayHaveDotSegment = (p: string) => p === "" || p.charCodeAt(0) === 46 || p.charCodeAt(0) === 47 || p.charCodeAt(p.length - 1) === 47 || p.includes("/.") || p.includes("//");

/** The files through which a render reaches past its own folder. */
export const REACHES_OUT = /(^|\/)(Chart\.yaml|kustomization\.ya?ml|Kustomization)$/;

/**
 * The fleet folder of commit `sha`, read with one `git ls-tree -r` and `git cat-file --batch`
 * (argv-spawned, no shell; once for what is read now, and for `knownBlob`'s when a reader asks) instead of archiving the whole tree; blobs as stored, so attributes
 * (export-ignore, filters) change nothing. Only what the preview reads is kept (write-revision.ts
 * serves it from memory, or writes it): apps/, clusters/ and secrets/ (everything when a symlink
 * there might point elsewhere, or with `wholeTree`), never the generated folders (10,000 files at fleet scale, seconds of kernel time
 * on a disk): their blob ids always, their contents in memory with `readGenerated`. The blobs
 * `knownBlob` names are read only if a reader asks for them. Undefined when the folder does not
 * exist at that commit.
 */
export async function readRevision(repo: GitRepo, sha: string, opts: MaterialiseOptions): Promise<RevisionFiles | undefined> {
  const tree = repo.prefix ? `${sha}:${repo.prefix.replace(/\/$/, "")}` : sha;
  const fail = (why: string) => new EnvironmentError(`could not read ${shortSha(sha)} of the repository: ${why}`, "check that the repository is not corrupt (`git fsck`)");
  const ls = await git(repo, ["ls-tree", "-r", "-z", "-l", "--full-tree", tree]);
  if (ls.code !== 0) {
    // Asked only when the listing fails (one git process less on the way to the files): a folder
    // that does not exist at that commit is no fleet, anything else a failure.
    const exists = await git(repo, ["cat-file", "-t", tree]);
    if (exists.code !== 0) return undefined;
    throw fail(firstLine(ls.stderr || ls.spawnError || ""));
  }
  const all: Array<{ mode: string; oid: string; size: number; path: string }> = [];
  const submodules: Array<{ oid: string; path: string }> = [];
  for (const rec of ls.stdout.split("\0")) {
    // `<mode> <type> <id> <size, padded>\t<path>`; a submodule's size is "-".
    const m = /^(\d{6}) (\w+) ([0-9a-f]+) +(\d+|-)\t(.+)$/s.exec(rec);
    if (m && m[2] === "blob") all.push({ mode: m[1]!, oid: m[3]!, size: Number(m[4]), path: m[5]! });
    // A submodule has no content here, only the commit it records: it is written as a folder
    // holding a `.git` marker with that commit, as a checkout's submodule holds a `.git` file, so
    // the renders' input check refuses it by name and a bump changes the inputs.
    else if (m && m[2] === "commit" && !m[5]!.split("/").some((s) => s === ".." || s === "." || s === "" || s.toLowerCase() === ".git")) submodules.push({ oid: m[3]!, path: m[5]! });
    else if (rec !== "") throw fail(`unexpected git ls-tree output: ${rec.slice(0, 80)}`);
  }
  let whole = opts.wholeTree || all.some((e) => e.mode === "120000" && inFleet(e.path));
  const pick = () => all.filter((e) => (whole || inFleet(e.path)) && !layout.isGenerated(e.path));
  const unsafe = (e: { path: string }) => mayHaveDotSegment(e.path) && e.path.split("/").some((s) => s === ".." || s === "." || s === "" || s.toLowerCase() === ".git");
  let entries = pick();
  const bad = entries.find(unsafe);
  if (bad) throw fail(`unsafe path ${JSON.stringify(bad.path)}`);
  const generated = all.filter((e) => layout.isGenerated(e.path));
  // Read now: what the caller does not know, and what is always looked into (a chart or
  // kustomization for `..` below, secrets/ for the SealedSecrets' snapshots).
  const lazy = !whole && opts.knownBlob;
  const readNow = (e: { oid: string; path: string }) => !lazy || !lazy(e.oid) || REACHES_OUT.test(e.path) || e.path.startsWith(`${layout.secretsDir}/`);
  const eager = entries.filter(readNow);
  const read = opts.readGenerated ? [...eager, ...generated] : eager;
  const first = await catFileBatch(repo, read.map((e) => e.oid));
  if (typeof first === "string") throw fail(first);
  const have = new Map<string, Buffer | LazyBytes>(eager.map((e, i) => [e.path, first[i]!]));
  const generatedBlobs = first.slice(eager.length);
  const later = entries.filter((e) => !have.has(e.path));
  const lazyRead = lazyBlobs(repo, sha, later);
  lazyRead.contents.forEach((b, i) => have.set(later[i]!.path, b));
  // A chart or kustomization that reaches out of its folder (`file://../…`, `../../bases/…`) may
  // read anything in the repository (read/render-inputs.ts): then everything is written.
  if (!whole && eager.some((e) => REACHES_OUT.test(e.path) && (have.get(e.path) as Buffer).includes(".."))) {
    whole = true;
    entries = pick();
    const unsafeOutside = entries.find(unsafe);
    if (unsafeOutside) throw fail(`unsafe path ${JSON.stringify(unsafeOutside.path)}`);
    const missing = entries.filter((e) => !have.has(e.path));
    const more = await catFileBatch(repo, missing.map((e) => e.oid));
    if (typeof more === "string") throw fail(more);
    missing.forEach((e, i) => have.set(e.path, more[i]!));
  }
  const markers = submodules.filter((e) => whole || inFleet(e.path));
  return {
    entries: [...entries.map(({ mode, path, oid }) => ({ mode, path, oid })), ...markers.map((e) => ({ mode: "100644", path: `${e.path}/.git` }))],
    blobs: [...entries.map((e) => have.get(e.path)!), ...markers.map((e) => Buffer.from(`berth: git submodule at commit ${e.oid}\n`))],
    generated: new Map(generated.map((e) => [e.path, `${e.mode} ${e.oid}`])),
    ...(opts.readGenerated ? { generatedContent: new Map(generated.map((e, i) => [e.path, generatedBlobs[i]!])) } : {}),
    prefetch: lazyRead.prefetch,
  };
}

/**
 * Fleet-relative paths under clusters/ where the working tree differs from commit `sha`: changed,
 * added or deleted tracked files (git's plumbing, stat-checked through the index, so it reads
 * little; no rename detection, so a moved file counts at both ends) and every file git does not
 * track, ignored ones included. Undefined when git cannot tell.
 */
export async function workingTreeChanges(repo: GitRepo, sha: string): Promise<Set<string> | undefined> {
  const [diff, others] = await Promise.all([
    git(repo, ["diff-index", "--no-renames", "--name-only", "-z", "--relative", sha, "--", layout.clustersDir]),
    git(repo, ["ls-files", "--others", "-z", "--", layout.clustersDir]),
  ]);
  if (diff.code !== 0 || others.code !== 0) return undefined;
  return new Set([...diff.stdout.split("\0"), ...others.stdout.split("\0")].filter(Boolean));
}

function git(repo: GitRepo, args: string[]) {
  return run(repo.git, args, { env: repo.env, cwd: repo.root, timeoutMs: TIMEOUT_MS });
}

function firstLine(s: string): string {
  return s.trim().split("\n")[0] ?? "";
}

