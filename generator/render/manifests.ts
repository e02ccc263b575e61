import { realpathSync, statSync } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import { extname, join, sep } from "node:path";
import { walkTree } from "../read/walk.js";
import { parseAllDocuments } from "yaml";

export type ManifestsResult = { ok: true; manifests: string } | { ok: false; error: string };

const EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

/**
 * A plain directory of manifests (Argo CD's "directory" source) as one YAML stream: every
 * *.yaml, *.yml and *.json file below `dir`, in sorted order of their relative paths so the
 * output does not depend on the file system. Each file becomes `---\n# Source: <path>\n…`,
 * the same shape as helm template's output.
 *
 * Skipped on purpose: entries whose name starts with "." (.git, .github workflows are YAML but
 * not manifests), symlinked directories (loops), and symlinked files that point outside `dir`
 * (a manifest must come from the repository it is rendered from).
 *
 * Files are parsed so a syntax error is reported here with its file and line, not later as
 * an anonymous problem in a stream. A JSON array becomes one document per element.
 */
export async function readManifestsDir(dir: string): Promise<ManifestsResult> {
  let root: string;
  try {
    root = await realpath(dir);
    if (!(await stat(root)).isDirectory()) return { ok: false, error: `${dir} is not a directory` };
  } catch {
    return { ok: false, error: `manifests directory ${dir} not found` };
  }
  const files = listFiles(root).sort(byPath);
  const parts: string[] = [];
  for (const rel of files) {
    const text = await readFile(join(root, rel), "utf8");
    const docs = extname(rel) === ".json" ? jsonDocs(text) : yamlDoc(text);
    if (typeof docs === "string") return { ok: false, error: `${join(dir, rel)}: ${docs}` };
    for (const d of docs) parts.push(`---\n# Source: ${rel}\n${d}`);
  }
  return { ok: true, manifests: parts.join("") };
}

/** Relative paths with "/" separators, so the order and the Source comments are the same everywhere. */
function listFiles(root: string): string[] {
  const out: string[] = [];
  for (const e of walkTree(root, "", { links: "refuse", skip: (_rel, name) => name.startsWith(".") })) {
    if (e.rel === "" || e.stats.isDirectory() || !EXTENSIONS.has(extname(e.rel).toLowerCase())) continue;
    if (e.stats.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(join(root, e.rel));
        if (!target.startsWith(root + sep) || !statSync(target).isFile()) continue;
      } catch {
        continue;
      }
    } else if (!e.stats.isFile()) continue;
    out.push(e.rel);
  }
  return out;
}

function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The file as one chunk ending in a newline, its leading `---` dropped (we add our own). */
function yamlDoc(text: string): string[] | string {
  for (const doc of parseAllDocuments(text)) {
    const err = doc.errors[0];
    if (err) return err.linePos ? `line ${err.linePos[0].line}: ${firstLine(err.message)}` : firstLine(err.message);
  }
  const body = text.replace(/^\uFEFF?---[ \t]*\r?\n/, "");
  if (body.trim() === "") return [];
  return [body.endsWith("\n") ? body : `${body}\n`];
}

function jsonDocs(text: string): string[] | string {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    return `invalid JSON: ${(e as Error).message}`;
  }
  const items = Array.isArray(value) ? value : [value];
  return items.map((v) => `${JSON.stringify(v, null, 2)}\n`);
}

function firstLine(s: string): string {
  return s.split("\n", 1)[0] ?? s;
}
