import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "./tree-fs.js";
import { isAbsolute, join, posix, relative, sep } from "node:path";
import type { Diagnostic } from "../errors.js";
import type { RenderSource } from "../plan/render-request.js";
import { diagnosticAt, parseYamlSource, type PathSegment, type YamlSource } from "../yaml/source.js";
import { checkInputTree, listInputFiles, readInputText } from "./input-files.js";
import { remoteResourceProblem } from "./remote-inputs.js";
import { walkTree } from "./walk.js";
import type { InputTree } from "./input-tree.js";

/**
 * Every repository file one render reads, found the way helm and kustomize find them: the local
 * chart and its `file://` dependencies at any depth, the kustomization and the resources, bases,
 * components, patches and generator files it names (and theirs, at any depth), the values files.
 * A preview hashes exactly these, so a change to any of them is previewed, wherever in the
 * repository it lives; and every one of them goes through the hostile-file checks of
 * input-files.ts, as the app's own folder does. A path that leaves the repository, a git
 * submodule, a remote resource that is not pinned and a remote chart dependency given as a version
 * range without a committed Chart.lock are problems at the line that names them.
 *
 * Submodules are refused, not rendered: Argo CD checks them out at the commit the superproject
 * records, but that commit lives in another repository (with its own credentials) that a preview
 * and `validate` cannot fetch offline, and git revisions carry only the commit id. A chart that
 * needs another repository's files should vendor them or depend on a published chart.
 */
export interface RenderInputs {
  /** Repository-relative paths of the files the render reads, sorted. */
  files: string[];
  problems: Diagnostic[];
  /** Remote inputs pinned by a tag, which can be moved: a warning, an error for `validate --strict`. */
  tagWarnings: Diagnostic[];
}

/**
 * The inputs of a render of `source` (paths absolute or relative to `root`). `tree`: the run's
 * walk of the input folders (validate checks 10,000 apps' values files), which answers for a
 * file it holds without a symbolic link anywhere in it; anything else is asked of the disk.
 */
export function renderInputs(root: string, source: RenderSource, tree?: InputTree): RenderInputs {
  const walk = new InputWalk(root, tree);
  const rel = (p: string) => toPosix(isAbsolute(p) ? relative(root, p) : p);
  switch (source.type) {
    case "helm-local":
      walk.chart(rel(source.chartDir));
      for (const f of source.valueFiles) walk.file(rel(f));
      break;
    case "helm-remote":
      for (const f of source.valueFiles) walk.file(rel(f));
      break;
    case "kustomize":
      walk.kustomization(rel(source.dir));
      break;
    case "manifests":
      walk.folder(rel(source.dir));
      break;
  }
  return walk.result();
}

const toPosix = (p: string) => (sep === "/" ? p : p.split(sep).join("/"));

/** A place to report a problem at: the line that named the path, or the path itself. */
type At = (message: string, hint: string) => Diagnostic;

class InputWalk {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();
  private readonly problems: Diagnostic[] = [];
  private readonly tagWarnings: Diagnostic[] = [];
  private realRootOnce: string | undefined;
  private submodules: string[] | undefined;

  constructor(
    private readonly root: string,
    private readonly tree?: InputTree,
  ) {}

  private get realRoot(): string {
    if (this.realRootOnce === undefined) {
      try {
        this.realRootOnce = realpathSync(this.root);
      } catch {
        this.realRootOnce = this.root;
      }
    }
    return this.realRootOnce;
  }

  /** A regular file the run's walk holds, with no link in the walked folders: its real path is itself. */
  private walkedFile(rel: string): boolean {
    if (!this.tree || this.tree.hasLinks) return false;
    const e = this.tree.lookup(rel);
    return e !== undefined && e !== "absent" && e.kind === "file" && e.rel === rel;
  }

  result(): RenderInputs {
    const key = (d: Diagnostic) => `${d.file}\0${d.line}\0${d.col}\0${d.message}`;
    const unique = (ds: Diagnostic[]) => [...new Map(ds.map((d) => [key(d), d])).values()];
    return { files: [...this.files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), problems: unique(this.problems), tagWarnings: unique(this.tagWarnings) };
  }

  /** A local chart: its folder and its `file://` dependencies; remote ones pinned or locked. */
  chart(dir: string, at?: At): void {
    if (!this.folder(dir, at)) return;
    const source = this.yaml(`${dir}/Chart.yaml`);
    const deps = (source?.value as { dependencies?: unknown } | null | undefined)?.dependencies;
    if (!source || !Array.isArray(deps)) return;
    const locked = existsSync(join(this.root, dir, "Chart.lock"));
    deps.forEach((d: unknown, i) => {
      if (typeof d !== "object" || d === null) return;
      const { name, repository, version } = d as { name?: unknown; repository?: unknown; version?: unknown };
      const here = (path: PathSegment[]): At => (message, hint) => diagnosticAt(source, path, message, hint);
      if (typeof repository === "string" && /^file:\/\//i.test(repository)) {
        const target = this.resolveIn(dir, repository.slice("file://".length), here(["dependencies", i, "repository"]));
        if (target !== undefined) this.chart(target, here(["dependencies", i, "repository"]));
        return;
      }
      if (typeof repository !== "string" || repository === "" || locked || typeof name !== "string") return;
      if (vendored(join(this.root, dir, "charts"), name)) return;
      if (typeof version === "string" && EXACT_VERSION.test(version.trim())) return;
      this.problems.push(
        here(["dependencies", i, "version"])(
          `dependency "${name}" from ${repository} is given as ${version === undefined ? "no version" : `the range "${String(version)}"`} and the chart has no committed Chart.lock, so the same commit renders differently when a new version is published`,
          "pin an exact version (for example 1.2.3), or run `helm dependency update` in the chart folder and commit Chart.lock",
        ),
      );
    });
  }

  /** A kustomization folder and everything its kustomization names, at any depth. */
  kustomization(dir: string, at?: At): void {
    if (!this.folder(dir, at)) return;
    const name = KUSTOMIZATIONS.find((f) => existsSync(join(this.root, dir, f)));
    const source = name ? this.yaml(`${dir}/${name}`) : undefined;
    const k = source?.value;
    if (!source || typeof k !== "object" || k === null) return;
    const here = (path: PathSegment[]): At => (message, hint) => diagnosticAt(source, path, message, hint);
    const field = (key: string) => (k as Record<string, unknown>)[key];
    const strings = (key: string, each: (value: string, path: PathSegment[]) => void) => {
      const list = field(key);
      if (Array.isArray(list)) list.forEach((v, i) => typeof v === "string" && each(v, [key, i]));
    };
    // Entries that may be another kustomization, a file, or a remote resource.
    const reference = (entry: string, path: PathSegment[]) => {
      if (entry.includes("\n")) return; // an inline patch or transformer, not a path
      if (isRemote(entry) && !existsSync(join(this.root, dir, entry))) {
        const found = remoteResourceProblem(entry);
        if (found) (found.severity === "error" ? this.problems : this.tagWarnings).push(here(path)(found.message, found.hint));
        return;
      }
      const target = this.resolveIn(dir, entry, here(path));
      if (target === undefined) return;
      if (isFolder(join(this.root, target))) this.kustomization(target, here(path));
      else this.file(target, here(path));
    };
    const file = (entry: string, path: PathSegment[]) => {
      if (entry.includes("\n") || isRemote(entry)) return;
      const target = this.resolveIn(dir, entry, here(path));
      if (target !== undefined) this.file(target, here(path));
    };
    for (const key of ["resources", "bases", "components", "transformers", "generators", "validators"]) strings(key, reference);
    for (const key of ["patchesStrategicMerge", "crds", "configurations"]) strings(key, file);
    for (const key of ["patches", "patchesJson6902", "replacements"]) {
      const list = field(key);
      if (Array.isArray(list)) list.forEach((p, i) => typeof p === "object" && p !== null && typeof (p as { path?: unknown }).path === "string" && file((p as { path: string }).path, [key, i, "path"]));
    }
    const openapi = field("openapi");
    if (typeof openapi === "object" && openapi !== null && typeof (openapi as { path?: unknown }).path === "string") file((openapi as { path: string }).path, ["openapi", "path"]);
    for (const key of ["configMapGenerator", "secretGenerator"]) {
      const list = field(key);
      if (!Array.isArray(list)) continue;
      list.forEach((g, i) => {
        if (typeof g !== "object" || g === null) return;
        const gen = g as { files?: unknown; envs?: unknown; env?: unknown };
        // `files` entries may be `key=path`.
        if (Array.isArray(gen.files)) gen.files.forEach((f, j) => typeof f === "string" && file(f.includes("=") ? f.slice(f.indexOf("=") + 1) : f, [key, i, "files", j]));
        if (Array.isArray(gen.envs)) gen.envs.forEach((f, j) => typeof f === "string" && file(f, [key, i, "envs", j]));
        if (typeof gen.env === "string") file(gen.env, [key, i, "env"]);
      });
    }
  }

  /** A single file (values file, patch, generator input): checked and counted. */
  file(rel: string, at?: At): void {
    if (!this.inside(rel, at)) return;
    this.problems.push(...checkInputTree(this.root, rel, this.walkedFile(rel) ? this.tree : undefined));
    // Counted even when missing: adding it changes the render.
    this.files.add(rel);
  }

  /** A folder whose every file is read (a chart, a kustomization root, a manifests folder). False when it must not be read. */
  folder(dir: string, at?: At): boolean {
    if (!this.inside(dir, at)) return false;
    if (this.folders.has(dir)) return false;
    this.folders.add(dir);
    const problems = checkInputTree(this.root, dir);
    this.problems.push(...problems);
    if (problems.length > 0) return false;
    const submodule = this.submoduleAt(dir);
    if (submodule !== undefined) {
      const message = `${submodule} is a git submodule: Argo CD would check it out at the commit the repository records, which berth cannot fetch to preview or validate`;
      const hint = "vendor the files into this repository (or depend on a published chart) instead of a submodule";
      this.problems.push(at ? at(message, hint) : { file: submodule, line: 0, col: 0, message, hint });
      return false;
    }
    for (const f of listInputFiles(this.root, dir)) this.files.add(f);
    return true;
  }

  /** A git submodule at or below `dir` (a `.git` entry, or a path .gitmodules names), if any. */
  private submoduleAt(dir: string): string | undefined {
    // The repository's own .git (a kustomization at the top) is not a submodule.
    const nested = findGitEntry(join(this.root, dir), dir === "");
    if (nested !== undefined) return posix.join(dir, nested);
    this.submodules ??= declaredSubmodules(this.root);
    return this.submodules.find((s) => s === dir || s.startsWith(`${dir}/`) || dir.startsWith(`${s}/`));
  }

  /** `entry` resolved against `dir` (repository-relative), or undefined (and a problem) when it leaves the repository. */
  private resolveIn(dir: string, entry: string, at: At): string | undefined {
    if (isAbsolute(entry) || /^[a-zA-Z]:[\\/]/.test(entry)) {
      this.problems.push(at(`path "${entry}" is absolute: a render may only read files inside the repository`, "use a path relative to this file, inside the repository"));
      return undefined;
    }
    const target = posix.normalize(posix.join(dir, entry.replace(/\\/g, "/"))).replace(/\/+$/, "");
    return this.inside(target, at, entry) ? (target === "." ? "" : target) : undefined;
  }

  /** Whether `rel` (and its real path) is inside the repository and outside .git; a problem otherwise. */
  private inside(rel: string, at?: At, named = rel): boolean {
    const where: At = at ?? ((message, hint) => ({ file: rel, line: 0, col: 0, message, hint }));
    const leaves = (p: string) => p === ".." || p.startsWith("../") || p.startsWith(`..${sep}`) || isAbsolute(p);
    if (leaves(rel)) {
      this.problems.push(where(`path "${named}" leaves the repository: a render may only read files inside it`, "move the files into the repository and point at them with a path inside it"));
      return false;
    }
    if (rel.split("/").some((s) => s.toLowerCase() === ".git")) {
      this.problems.push(where(`path "${named}" points into the repository's .git folder`, "point at files of the working tree"));
      return false;
    }
    // A folder on the way may be a symlink out of the repository.
    if (this.walkedFile(rel)) return true;
    let real: string;
    try {
      real = realpathSync(join(this.root, rel));
    } catch {
      return true; // absent: nothing to read, and adding it changes the input set
    }
    const inRepo = relative(this.realRoot, real);
    if (leaves(inRepo) || inRepo.split(sep).includes(".git")) {
      this.problems.push(where(`path "${named}" resolves through a symlink outside the repository`, "inputs must be regular files inside the repository: replace the link with the files"));
      return false;
    }
    return true;
  }

  private yaml(rel: string): YamlSource | undefined {
    const read = readInputText(this.root, rel);
    if ("diagnostic" in read) return undefined; // reported by the folder's tree check, or absent
    return parseYamlSource(rel, read.text).source;
  }
}

const KUSTOMIZATIONS = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/** A plain version, as helm needs to fetch exactly one release (no range, no wildcard). */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Kustomize's remote resources: a URL, an scp-like git address, or a host path such as github.com/org/repo. */
function isRemote(entry: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^git@/.test(entry) || /^[a-z0-9-]+(\.[a-z0-9-]+)+\//i.test(entry) || /^git::/.test(entry);
}

function isFolder(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/** Whether charts/ vendors the dependency (unpacked or packed), so helm fetches nothing. */
function vendored(chartsDir: string, name: string): boolean {
  if (existsSync(join(chartsDir, name, "Chart.yaml"))) return true;
  try {
    return readdirSync(chartsDir).some((e) => e.startsWith(`${name}-`) && e.endsWith(".tgz"));
  } catch {
    return false;
  }
}

/** The folder (relative to `abs`) holding the first `.git` entry at or below it: a submodule's checkout or marker. */
function findGitEntry(abs: string, skipTop: boolean): string | undefined {
  for (const e of walkTree(abs, "", { links: "refuse", skip: (rel) => skipTop && rel === ".git" })) {
    const slash = e.rel.lastIndexOf("/");
    if (e.rel.slice(slash + 1) === ".git") return slash < 0 ? "." : e.rel.slice(0, slash);
  }
  return undefined;
}

/** The submodule paths `.gitmodules` at the repository's root declares (an uninitialised one is an empty folder). */
function declaredSubmodules(root: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(root, ".gitmodules"), "utf8");
  } catch {
    return [];
  }
  return [...text.matchAll(/^\s*path\s*=\s*(.+?)\s*$/gm)].map((m) => m[1]!.replace(/\/+$/, ""));
}
