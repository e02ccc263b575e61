import { constants, type Stats } from "node:fs";
import { lstatSync, readFileSync, realpathSync, statSync } from "./tree-fs.js";
import { join, relative, sep } from "node:path";
import type { Diagnostic } from "../errors.js";
import type { InputTree } from "./input-tree.js";
import { listTree, walkTree } from "./walk.js";

/**
 * The files berth reads or hands to helm/kustomize come from pull requests written by anyone. A
 * symlink can point at /etc/passwd, at .git/config (with the checkout's credentials) or at
 * /dev/zero, and any of those would end up in a preview comment or exhaust memory. Every input is
 * therefore checked before it is read: it must be a regular file (or folder) whose real path is
 * inside the repository and outside .git, and no larger than {@link MAX_INPUT_FILE_BYTES}.
 */

/** Largest input file berth reads or renders (a chart's CRD file is at most a few MiB). */
export const MAX_INPUT_FILE_BYTES = 8 * 1024 * 1024;

const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

/** Why `rel` may not be used as an input, or undefined when it may; `st` is its lstat. */
function problemWith(root: string, realRoot: string, rel: string, st: Stats): string | undefined {
  let target = st;
  if (st.isSymbolicLink()) {
    let real: string;
    try {
      real = realpathSync(join(root, rel));
      target = statSync(real);
    } catch {
      return "is a symlink whose target does not exist";
    }
    const inside = relative(realRoot, real);
    if (inside === "" ? false : inside.startsWith("..") || inside.startsWith(sep) || /^[a-zA-Z]:/.test(inside)) return "is a symlink that points outside the repository";
    if (inside.split(sep).includes(".git")) return "is a symlink that points into the repository's .git folder";
  }
  return problemOfKind(target.isDirectory() ? "folder" : target.isFile() ? "file" : "other", target.size);
}

/** The problem of an entry that is not a link. */
function problemOfKind(kind: "folder" | "file" | "other", size: number): string | undefined {
  if (kind === "folder") return undefined;
  if (kind !== "file") return "is not a regular file (a device, pipe or socket)";
  if (size > MAX_INPUT_FILE_BYTES) return `is ${mib(size)}, larger than the limit of ${mib(MAX_INPUT_FILE_BYTES)} for an input file`;
  return undefined;
}

const HINT = "inputs must be regular files inside the repository: replace the link or device with the file's content, or remove it";

/**
 * Opened without following a link and without waiting on a pipe: a file the tree saw as regular
 * that became a link or a pipe since fails to open, and is then read the careful way.
 */
const PLAIN_FILE = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * The text of an input file, or a diagnostic when it must not be read (see the module comment).
 * With the run's `tree`, a regular file it holds is read straight away (its kind and size are
 * known); anything else is checked on the disk first.
 */
export function readInputText(root: string, rel: string, tree?: InputTree): { text: string } | { diagnostic: Diagnostic } {
  const at = (message: string, hint = HINT) => ({ diagnostic: { file: rel, line: 0, col: 0, message, hint } });
  const known = tree?.lookup(rel);
  if (known !== undefined && known !== "absent" && known.kind !== "link") {
    if (known.kind === "folder") return at("is a folder, expected a file", "replace the folder with a file");
    const problem = problemOfKind(known.kind, known.size);
    if (problem) return at(problem);
    try {
      // Node takes numeric open flags here too (its types say string).
      return { text: readFileSync(join(root, rel), { encoding: "utf8", flag: PLAIN_FILE as unknown as string }) };
    } catch {
      // changed since the walk: the careful way below says how
    }
  }
  let st: Stats;
  try {
    st = lstatSync(join(root, rel));
  } catch (e) {
    return at(`cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, "check that the file exists and is readable");
  }
  const problem = problemWith(root, realRoot(root), rel, st);
  if (problem) return at(problem);
  if (statSync(join(root, rel)).isDirectory()) return at("is a folder, expected a file", "replace the folder with a file");
  try {
    return { text: readFileSync(join(root, rel), "utf8") };
  } catch (e) {
    return at(`cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, "check that the file exists and is readable");
  }
}

/**
 * Every entry below `dir` (repository-relative) that must not be read: symlinks out of the
 * repository or into .git, devices, pipes, oversized files. Nothing is skipped (dist/ and
 * node_modules/ inside a chart are deployed too); symlinked folders inside the repository are
 * followed once.
 */
export function checkInputTree(root: string, dir: string, tree?: InputTree): Diagnostic[] {
  // Links are followed through folders (once per real path): a tree with one is walked again.
  if (tree && !tree.hasLinks) return checkTreeEntries(tree, dir);
  const out: Diagnostic[] = [];
  const rootReal = realRoot(root);
  const refused = new Set<string>();
  for (const e of walkTree(root, dir, { links: "follow", descend: (e) => !refused.has(e.rel) })) {
    const problem = problemWith(root, rootReal, e.rel, e.stats as Stats);
    if (!problem) continue;
    refused.add(e.rel);
    out.push({ file: e.rel, line: 0, col: 0, message: problem, hint: HINT });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** {@link checkInputTree} from a walk without links: only the kind and size of each entry count. */
function checkTreeEntries(tree: InputTree, dir: string): Diagnostic[] {
  // A file the walk holds is its only entry (the render inputs of 10,000 apps ask for each values file).
  const known = tree.lookup(dir);
  if (known !== undefined && known !== "absent" && known.kind === "file" && known.rel === dir) {
    const problem = problemOfKind("file", known.size);
    return problem ? [{ file: dir, line: 0, col: 0, message: problem, hint: HINT }] : [];
  }
  const out: Diagnostic[] = [];
  for (const e of tree.entries) {
    if (e.rel !== dir && !e.rel.startsWith(`${dir}/`)) continue;
    const problem = problemOfKind(e.kind as "folder" | "file" | "other", e.size);
    if (problem) out.push({ file: e.rel, line: 0, col: 0, message: problem, hint: HINT });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

/**
 * Repository-relative paths of every file below `dir`, sorted, with nothing skipped: a file in a
 * chart's dist/ or node_modules/ folder is deployed by Argo CD, so it is an input like any other.
 * Symlinked folders are listed through (the loader has refused those leaving the repository).
 */
export function listInputFiles(root: string, dir: string): string[] {
  return listTree(root, [dir], { links: "follow", what: "files" });
}
