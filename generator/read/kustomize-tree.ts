import { posix } from "node:path";
import { parse } from "yaml";
import type { Diagnostic } from "../errors.js";

/**
 * What a kustomization needs besides itself, found by reading kustomization files: its
 * resources, bases and components (folders with a kustomization of their own, followed), and the
 * files it reads (patches, generator files, CRDs, configurations, replacements, helm values).
 * Pure over a reader of absolute POSIX paths, so a folder read into memory and a tree on disk are
 * walked alike. Remote resources (URLs, `github.com/…` refs) are left to kustomize.
 */

export const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

export interface TreeReader {
  /** What is at an absolute path; "link" for a symbolic link anywhere along it. */
  kind(path: string): "file" | "dir" | "link" | undefined;
  /** A file's text, or undefined when it cannot be read (too large, unreadable). */
  read(path: string): string | undefined;
}

export interface KustomizeClosure {
  /** Every file the kustomization at `start` needs inside `bound`, its own kustomization files included; sorted. */
  files: string[];
  /** Paths it references outside `bound` (not followed): folders or files it needs that a copy of `bound` would leave behind. */
  outside: string[];
  problems: Diagnostic[];
}

const MAX_FILES = 2000;

/** The kustomization file of a folder, if it has one. */
export function kustomizationIn(dir: string, reader: TreeReader): string | undefined {
  return KUSTOMIZATION_FILES.map((f) => posix.join(dir, f)).find((p) => reader.kind(p) === "file");
}

/**
 * Walks the kustomization at `start` (a folder) and everything it references. `shown` turns an
 * absolute path into the one messages name (the user's spelling).
 */
export function kustomizeClosure(start: string, bound: string, reader: TreeReader, shown: (p: string) => string): KustomizeClosure {
  const files = new Set<string>();
  const outside = new Set<string>();
  const problems: Diagnostic[] = [];
  const seen = new Set<string>();
  const inBound = (p: string) => p === bound || p.startsWith(bound === "/" ? "/" : `${bound}/`);
  const problem = (file: string, message: string, hint: string) => problems.push({ file: shown(file), line: 0, col: 0, message, hint });

  const visit = (dir: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const kfile = kustomizationIn(dir, reader);
    if (kfile === undefined) {
      problem(dir, "is referenced as a kustomization but holds no kustomization.yaml", "point the reference at a folder with a kustomization.yaml, or at a file");
      return;
    }
    files.add(kfile);
    const text = reader.read(kfile);
    let k: unknown;
    try {
      k = text === undefined ? undefined : parse(text, { maxAliasCount: 100 });
    } catch (e) {
      problem(kfile, `cannot be read: ${(e as Error).message.split("\n")[0]}`, "fix the YAML (kubectl kustomize shows where)");
      return;
    }
    if (text === undefined) return problem(kfile, "cannot be read", "check that the file is readable and smaller than 5 MiB");
    const refs = references(k);
    for (const ref of refs) {
      if (files.size > MAX_FILES) return problem(start, `needs more than ${MAX_FILES} files`, "point at the kustomization itself, not at a larger tree");
      if (posix.isAbsolute(ref.path)) {
        problem(kfile, `references the absolute path ${ref.path}; kustomize reads only paths relative to the kustomization`, "make the path relative");
        continue;
      }
      const target = posix.normalize(posix.join(dir, ref.path));
      const kind = reader.kind(target);
      if (kind === undefined && ref.mayBeRemote && looksRemote(ref.path)) continue;
      if (!inBound(target)) {
        outside.add(target);
        continue;
      }
      if (kind === "link") problem(target, "is a symbolic link; berth copies only real files", "replace the link with what it points to");
      else if (kind === undefined) problem(kfile, `references ${ref.path}, which does not exist`, "fix the reference (kubectl kustomize fails on it too)");
      else if (kind === "dir") {
        if (ref.folder) visit(target);
        else problem(kfile, `references the folder ${ref.path} where a file is expected`, "name the file");
      } else files.add(target);
    }
  };
  visit(start);
  return { files: [...files].sort(), outside: [...outside].sort(), problems };
}

/** The kustomizations under `root` that no other kustomization there references: the overlays one deploys. */
export function topKustomizations(root: string, kustomizationFiles: readonly string[], reader: TreeReader): string[] {
  const dirs = kustomizationFiles.map((f) => posix.dirname(f));
  const referenced = new Set<string>();
  for (const dir of dirs) {
    const closure = kustomizeClosure(dir, root, reader, (p) => p);
    for (const f of closure.files) if (KUSTOMIZATION_FILES.includes(posix.basename(f) as never) && posix.dirname(f) !== dir) referenced.add(posix.dirname(f));
  }
  return dirs.filter((d) => !referenced.has(d)).sort();
}

/** The deepest folder holding every path. */
export function commonFolder(paths: readonly string[]): string {
  let common = paths[0] ?? "/";
  for (const p of paths.slice(1)) {
    while (!(p === common || p.startsWith(common === "/" ? "/" : `${common}/`))) common = posix.dirname(common);
  }
  return common;
}

interface Ref {
  path: string;
  /** A resource, base or component: a folder with a kustomization of its own (or, for resources, a file). */
  folder: boolean;
  /** Only resources may be remote (a URL or a `host/org/repo//path?ref=` Git reference). */
  mayBeRemote: boolean;
}

function looksRemote(p: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || /^git@/.test(p) || /^[a-z0-9.-]+\.[a-z]{2,}\/[^/]/i.test(p);
}

/** The paths a kustomization names, by field (kustomize v5, deprecated fields included). */
function references(k: unknown): Ref[] {
  if (!k || typeof k !== "object") return [];
  const o = k as Record<string, unknown>;
  const out: Ref[] = [];
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const str = (v: unknown): v is string => typeof v === "string" && v !== "";
  const file = (v: unknown) => {
    // Inline patches are YAML or JSON text, not paths.
    if (str(v) && !v.includes("\n") && !/^\s*[[{]/.test(v)) out.push({ path: v, folder: false, mayBeRemote: false });
  };
  for (const r of list(o.resources)) if (str(r)) out.push({ path: r, folder: true, mayBeRemote: true });
  for (const r of list(o.bases)) if (str(r)) out.push({ path: r, folder: true, mayBeRemote: true });
  for (const r of list(o.components)) if (str(r)) out.push({ path: r, folder: true, mayBeRemote: true });
  for (const p of list(o.patchesStrategicMerge)) file(p);
  for (const p of [...list(o.patches), ...list(o.patchesJson6902), ...list(o.replacements)]) if (p && typeof p === "object") file((p as { path?: unknown }).path);
  for (const f of [...list(o.crds), ...list(o.configurations)]) file(f);
  for (const f of [...list(o.transformers), ...list(o.generators), ...list(o.validators)]) file(f);
  if (o.openapi && typeof o.openapi === "object") file((o.openapi as { path?: unknown }).path);
  for (const g of [...list(o.configMapGenerator), ...list(o.secretGenerator)]) {
    if (!g || typeof g !== "object") continue;
    const gen = g as { files?: unknown; envs?: unknown; env?: unknown };
    // `files:` entries are `path` or `key=path`.
    for (const f of list(gen.files)) if (str(f)) file(f.includes("=") ? f.slice(f.indexOf("=") + 1) : f);
    for (const e of list(gen.envs)) file(e);
    file(gen.env);
  }
  for (const h of list(o.helmCharts)) if (h && typeof h === "object") file((h as { valuesFile?: unknown }).valuesFile);
  return out;
}
