import { existsSync, lstatSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { run } from "../exec/spawn.js";
import { layout } from "../layout.js";
import { MAX_INPUT_FILE_BYTES } from "../read/input-files.js";
import { inFleet, mayHaveDotSegment, REACHES_OUT, type GitRepo } from "./git.js";
import type { TreeFile } from "../read/tree-fs.js";
import type { RevisionFiles } from "./write-revision.js";

/**
 * The working tree of a preview as the base revision's files (already in memory) plus the files
 * git says differ from it, read from disk: a preview of a one-file change then reads one file
 * instead of walking, stat'ing and reading the 20,000 files of a cluster of 10,000 apps.
 *
 * This is an optimisation, never a second opinion: it answers only when the composed tree is
 * exactly what the readers would find walking the disk, and undefined (the caller walks the disk
 * as before) whenever git's view may differ from the disk's:
 * - git may not look at every file: an entry marked assume-unchanged or skip-worktree (sparse
 *   checkouts), a file-system monitor or the untracked cache (both turned off for these calls);
 * - the bytes on disk may not be the blob's: any .gitattributes (eol, filters, encodings),
 *   info/attributes or the user's attributes file, or core.autocrlf, core.eol, core.symlinks=false, core.ignorecase, filters;
 * - git does not list it: an untracked folder (an empty folder is a problem the loader reports;
 *   a nested repository), a submodule;
 * - the readers' checks would refuse it: a changed path that is not a regular file (a link, a pipe)
 *   or larger than the input limit, or a committed generated file over that limit;
 * - the readers may reach past apps/, clusters/ and secrets/: a base read whole (a symlink or a
 *   chart reaching out with `..`), a changed Chart.yaml or kustomization naming `..`, a .gitmodules.
 * Untracked pipes, sockets and devices are invisible to git (it lists files and links only);
 * they can never be committed, so no revision Argo CD deploys holds one.
 */
export interface OverBase {
  /**
   * What the working tree changes in the base's tree: a path to its file read from disk, or null for
   * a file removed (tree-fs.ts mountOverlay serves the base with them applied, and refuses a file
   * where a folder is, a layout the disk walk reads differently).
   */
  changes: ReadonlyMap<string, TreeFile | null>;
  /** Paths under apps/, clusters/ and secrets/ whose content differs from the base's, added and removed ones included. */
  changed: ReadonlySet<string>;
}

export async function workingTreeOverBase(repo: GitRepo, base: RevisionFiles, asked: Promise<GitView>): Promise<OverBase | undefined> {
  if (!base.entries.every((e) => inFleet(e.path) && e.mode !== "120000" && !hasGitSegment(e.path))) return undefined;
  if ([...base.generated.values()].some((v) => !v.startsWith("100"))) return undefined;
  if (existsSync(join(repo.root, ".gitmodules"))) return undefined;
  const [view, sizes] = await Promise.all([asked, generatedSizes(repo, base)]);
  if (!view || sizes === undefined || sizes > MAX_INPUT_FILE_BYTES) return undefined;
  const changed = new Set<string>();
  for (const p of view.changed) {
    if (p.endsWith("/") || hasGitSegment(p) || p.startsWith("../")) return undefined;
    changed.add(p);
  }
  const changes = new Map<string, TreeFile | null>();
  for (const p of [...changed].sort()) {
    // Only apps/, clusters/ and secrets/ are read, and their generated folders are walked by the
    // loader's hostile-file check: each changed path there must pass it as the disk walk would.
    if (!inFleet(p)) continue;
    const abs = join(repo.root, p);
    let st;
    try {
      st = lstatSync(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") return undefined;
      changes.set(p, null);
      continue;
    }
    if (!st.isFile() || st.size > MAX_INPUT_FILE_BYTES) return undefined;
    if (layout.isGenerated(p)) continue;
    const content = readFileSync(abs);
    if (content.length !== st.size) return undefined; // written while read: let the disk walk decide
    if (REACHES_OUT.test(p) && content.includes("..")) return undefined;
    changes.set(p, { path: p, content, executable: (st.mode & 0o111) !== 0 });
  }
  return { changes, changed: new Set([...changed].filter(inFleet)) };
}

const hasGitSegment = (p: string) => mayHaveDotSegment(p) && p.split("/").some((s) => s.toLowerCase() === ".git" || s === ".gitmodules");

const records = (out: string) => out.split("\0").filter((r) => r !== "");

/** A path git's pathspec `:(glob)**` + `/.gitattributes` matches. */
const isAttributesFile = (p: string) => p === ".gitattributes" || p.endsWith("/.gitattributes");

/** What git says of the working tree against a commit: the paths that differ, or undefined when its view may not be the disk's. */
export type GitView = { changed: string[] } | undefined;

/**
 * Asks git (in parallel, and while the caller reads the base) which paths of the fleet folder
 * differ from commit `sha`, and whether anything makes its view differ from the disk's (see
 * {@link workingTreeOverBase}).
 */
export async function askWorkingTree(repo: GitRepo, sha: string): Promise<GitView> {
  const quiet = ["-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false"];
  // At the repository's top, the two listings of the fleet folder below (every index entry, every
  // file git does not track) are the repository's: they say whether a .gitattributes exists
  // without a third walk of the tree (an untracked folder, which could hide one, is refused anyway).
  const atTop = repo.prefix === "";
  const [diff, others, flags, attrs, config, infoAttrs] = await Promise.all([
    git(repo, [...quiet, "diff-index", "--no-renames", "--name-only", "-z", "--relative", sha, "--"]),
    git(repo, [...quiet, "ls-files", "--others", "--directory", "-z", "--", "."]),
    git(repo, [...quiet, "ls-files", "-v", "-z", "--", "."]),
    atTop ? undefined : git(repo, [...quiet, "ls-files", "--cached", "--others", "-z", "--", ":(top,glob)**/.gitattributes"]),
    git(repo, ["config", "-z", "--get-regexp", "^(core\\.(autocrlf|eol|attributesfile|symlinks|ignorecase)|filter\\.)"]),
    // Known already when openRepoAt asked with the revisions.
    repo.infoAttributes !== undefined ? { code: 0, stdout: repo.infoAttributes } : git(repo, ["rev-parse", "--git-path", "info/attributes"]),
  ]);
  if (diff.code !== 0 || others.code !== 0 || flags.code !== 0 || (attrs && attrs.code !== 0) || infoAttrs.code !== 0) return undefined;
  // `git config --get-regexp` exits 1 when nothing matches: the only answer that lets this through.
  if (config.code !== 1) return undefined;
  if (attrs ? attrs.stdout !== "" : [...records(others.stdout), ...records(flags.stdout).map((r) => r.slice(2))].some(isAttributesFile)) return undefined;
  const infoPath = infoAttrs.stdout.trim();
  if (infoPath === "" || existsSync(isAbsolute(infoPath) ? infoPath : join(repo.root, infoPath))) return undefined;
  // Without core.attributesFile, git reads the user's attributes file here.
  const configHome = repo.env.XDG_CONFIG_HOME || (repo.env.HOME ? join(repo.env.HOME, ".config") : undefined);
  if (configHome === undefined || existsSync(join(configHome, "git", "attributes"))) return undefined;
  // Every index entry must be one git compares with the disk ("H": cached, no flags).
  if (!records(flags.stdout).every((r) => r.startsWith("H "))) return undefined;
  return { changed: [...records(diff.stdout), ...records(others.stdout)] };
}

/** The largest blob among the base's generated files (the loader's tree check walks them too), or undefined when git cannot tell. */
async function generatedSizes(repo: GitRepo, base: RevisionFiles): Promise<number | undefined> {
  const oids = [...base.generated.values()].map((v) => v.split(" ")[1]!);
  if (oids.length === 0) return 0;
  const r = await run(repo.git, ["cat-file", "--batch-check=%(objectsize)"], { env: repo.env, cwd: repo.root, stdin: `${oids.join("\n")}\n`, timeoutMs: 120_000 });
  if (r.code !== 0) return undefined;
  const sizes = r.stdout.split("\n").filter(Boolean).map(Number);
  return sizes.length === oids.length && sizes.every(Number.isFinite) ? Math.max(...sizes) : undefined;
}

function git(repo: GitRepo, args: string[]) {
  return run(repo.git, args, { env: repo.env, cwd: repo.root, timeoutMs: 120_000 });
}
