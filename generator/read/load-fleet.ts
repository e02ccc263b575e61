import { existsSync, readdirSync } from "./tree-fs.js";
import { join } from "node:path";
import { fail, ok, type Diagnostic, type Result } from "../errors.js";
import { layout } from "../layout.js";
import { parseYamlSourceMemo, type ParseMemo } from "../yaml/parse-memo.js";
import { toPlain, diagnosticAt, type YamlSource } from "../yaml/source.js";
import { PROFILE_DEFAULTS, type App, type Cluster, type ClusterAppEntry, type Fleet, type SealedSecretRef } from "../model/fleet.js";
import { checkInputTree, readInputText } from "./input-files.js";
import { INPUT_STARTS, readInputTree, type InputTree } from "./input-tree.js";
import { checkApp, checkCluster } from "../model/schema-check.js";
import { KUSTOMIZATION_FILES, localSourceDir } from "../model/source-paths.js";
import type { Profile } from "../model/types.js";

/**
 * Reads and validates every cluster.yaml, app.yaml and values file of the repository at `root`.
 * All problems are collected, so one run reports everything that is wrong. A process that loads
 * several revisions passes one `memo`, so a file the revisions share is parsed once. `tree`: the
 * run's walk of the input folders when it has one (generate walks them for its cache first);
 * otherwise they are walked here, once, and every listing and existence test below is answered
 * from that walk.
 */
export function loadFleet(root: string, memo?: ParseMemo, tree: InputTree = readInputTree(root)): Result<Fleet> {
  const diagnostics: Diagnostic[] = [];
  // Hostile files (symlinks out of the repository, devices, huge files) are refused before anything reads them.
  for (const dir of INPUT_STARTS) diagnostics.push(...checkInputTree(root, dir, tree));
  const read: Reader = { root, tree, diagnostics, memo };
  const apps = new Map<string, App>();
  for (const name of tree.folders(layout.appsDir)) {
    const app = loadApp(read, name);
    if (app) apps.set(name, app);
  }
  const clusters: Cluster[] = [];
  for (const name of tree.folders(layout.clustersDir)) {
    const cluster = loadCluster(read, name);
    if (cluster) clusters.push(cluster);
  }
  if (diagnostics.length > 0) return fail(unique(diagnostics));
  return ok({ clusters, apps, sealedSecrets: listSealedSecrets(tree), existingSourcePaths: existingSourcePaths(tree, apps, clusters) });
}

/** What every read below shares: where, the run's walk, the problems found so far, the parse memo. */
interface Reader {
  root: string;
  tree: InputTree;
  diagnostics: Diagnostic[];
  memo: ParseMemo | undefined;
}

/** Markers rules.ts checks for: a local chart's Chart.yaml, a kustomize folder's kustomization. */
export const SOURCE_MARKERS = ["Chart.yaml", ...KUSTOMIZATION_FILES] as const;

function existingSourcePaths(tree: InputTree, apps: ReadonlyMap<string, App>, clusters: readonly Cluster[]): Set<string> {
  const out = new Set<string>();
  const environments = new Set<string | undefined>([undefined, ...clusters.flatMap((c) => c.spec.environments)]);
  for (const app of apps.values()) {
    for (const profile of Object.keys(PROFILE_DEFAULTS) as Profile[]) {
      for (const environment of environments) {
        const dir = localSourceDir(app, profile, environment);
        if (!dir) continue;
        for (const path of [dir, ...SOURCE_MARKERS.map((m) => `${dir}/${m}`)]) if (tree.exists(path)) out.add(path);
      }
    }
  }
  return out;
}

/** The folders directly inside `dir` (repository-relative), sorted; hidden ones left out. */
export function subdirs(root: string, dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("."))
    .map((d) => d.name)
    .sort();
}

/** The same finding reached twice (by the tree check and by the reader) is reported once. */
function unique(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}\u0000${d.line}\u0000${d.col}\u0000${d.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function readSource({ root, tree, diagnostics, memo }: Reader, file: string): YamlSource | undefined {
  // A file whose stat signature is the one a clean parse was recorded with is not read at all.
  const signature = memo?.unchanged ? tree.trustedSignature(file) : undefined;
  const known = signature === undefined ? undefined : memo!.unchanged!(file, signature, () => textOf(readInputText(root, file, tree), file));
  if (known) return known.source;
  const read = readInputText(root, file, tree);
  if ("diagnostic" in read) {
    diagnostics.push(read.diagnostic);
    return undefined;
  }
  const parsed = parseYamlSourceMemo(memo, file, read.text);
  diagnostics.push(...parsed.diagnostics);
  if (signature !== undefined) memo!.signed?.(file, signature, read.text);
  return parsed.source;
}

/** The text of a file known unchanged, read for positions; one that can no longer be read is an error of the run, not of the fleet. */
function textOf(read: ReturnType<typeof readInputText>, file: string): string {
  if ("text" in read) return read.text;
  throw new Error(`${file} changed while berth was reading the fleet: ${read.diagnostic.message}`);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkFolderName(kind: string, name: string, file: string, diagnostics: Diagnostic[]): boolean {
  if (DNS_LABEL.test(name) && name.length <= 63) return true;
  diagnostics.push({ file, line: 0, col: 0, message: `${kind} folder name "${name}" is not a DNS label`, hint: "rename the folder using lowercase letters, digits and '-'" });
  return false;
}

/** The folder's defining file (app.yaml, cluster.yaml), parsed; undefined when missing or unreadable. */
function readDefiningFile(read: Reader, kind: "app" | "cluster", name: string, file: string): YamlSource | undefined {
  const { diagnostics } = read;
  if (!read.tree.exists(file)) {
    const folder = file.slice(0, file.lastIndexOf("/") + 1);
    diagnostics.push({ file, line: 0, col: 0, message: `${folder} has no ${kind}.yaml`, hint: `add ${file}, or remove the folder` });
    return undefined;
  }
  if (!checkFolderName(kind, name, file, diagnostics)) return undefined;
  return readSource(read, file);
}

function loadApp(read: Reader, name: string): App | undefined {
  const { tree, diagnostics } = read;
  const source = readDefiningFile(read, "app", name, layout.appFile(name));
  if (!source) return undefined;
  const checked = checkApp(source, toPlain(source));
  diagnostics.push(...checked.diagnostics);
  const valueVariants = new Set<string>();
  for (const entry of tree.names(layout.appDir(name))) {
    const m = /^values(?:-([a-z0-9-]+))?\.yaml$/.exec(entry);
    if (!m) continue;
    if (checkValuesFile(read, `${layout.appDir(name)}/${entry}`)) valueVariants.add(m[1] ?? "");
  }
  (checked.value?.valueFiles ?? []).forEach((rel, i) => {
    const file = `${layout.appDir(name)}/${rel}`;
    if (!tree.exists(file)) {
      diagnostics.push(diagnosticAt(source, ["valueFiles", i], `values file ${file} does not exist`, `create it, or remove "${rel}" from valueFiles (paths are relative to ${layout.appDir(name)}/)`));
    } else checkValuesFile(read, file);
  });
  return checked.value ? { name, spec: checked.value, source, valueVariants } : undefined;
}

/** A values file must be a YAML mapping (or empty); returns whether it is usable. */
function checkValuesFile(read: Reader, file: string): boolean {
  const { diagnostics } = read;
  const source = readSource(read, file);
  if (!source) return false;
  const value = source.value;
  if (value === null || value === undefined || (typeof value === "object" && !Array.isArray(value))) return true;
  diagnostics.push(diagnosticAt(source, [], `is ${Array.isArray(value) ? "a list" : `a ${typeof value}`}, expected a mapping of Helm values`, "write the values as `key: value` pairs at the top level"));
  return false;
}

function loadCluster(read: Reader, name: string): Cluster | undefined {
  const { tree, diagnostics } = read;
  const source = readDefiningFile(read, "cluster", name, layout.clusterFile(name));
  if (!source) return undefined;
  const checked = checkCluster(source, toPlain(source));
  diagnostics.push(...checked.diagnostics);
  const valueOverrides = new Set<string>();
  const valuesDir = `${layout.clustersDir}/${name}/values`;
  if (tree.isFolder(valuesDir)) {
    for (const entry of tree.names(valuesDir)) {
      const m = /^([a-z0-9-]+)\.yaml$/.exec(entry);
      if (m?.[1] && checkValuesFile(read, layout.clusterValuesFile(name, m[1]))) valueOverrides.add(m[1]);
    }
  }
  const spec = checked.value;
  if (!spec) return undefined;
  const entries: ClusterAppEntry[] = spec.apps.map((e, index) =>
    typeof e === "string" ? { name: e, index } : { name: e.name, index, environments: e.environments ? [...e.environments] : undefined, values: e.values as Record<string, unknown> | undefined },
  );
  return {
    name,
    spec,
    profile: spec.profile,
    arch: spec.arch ?? PROFILE_DEFAULTS[spec.profile].arch,
    source,
    entries,
    valueOverrides,
  };
}

function listSealedSecrets(tree: InputTree): SealedSecretRef[] {
  const out: SealedSecretRef[] = [];
  for (const cluster of tree.folders(layout.secretsDir)) {
    for (const namespace of tree.folders(`${layout.secretsDir}/${cluster}`)) {
      for (const entry of tree.names(layout.secretsNamespaceDir(cluster, namespace))) {
        const m = /^(.+)\.ya?ml$/.exec(entry);
        if (m?.[1]) out.push({ cluster, namespace, name: m[1], file: `${layout.secretsNamespaceDir(cluster, namespace)}/${entry}` });
      }
    }
  }
  return out;
}
