import { existsSync, readdirSync, statSync } from "./tree-fs.js";
import { join } from "node:path";
import { fail, ok, type Diagnostic, type Result } from "../errors.js";
import { layout } from "../layout.js";
import { parseYamlSourceMemo, type ParseMemo } from "../yaml/parse-memo.js";
import { toPlain, diagnosticAt, type YamlSource } from "../yaml/source.js";
import { PROFILE_DEFAULTS, type App, type Cluster, type ClusterAppEntry, type Fleet, type SealedSecretRef } from "../model/fleet.js";
import { checkInputTree, readInputText } from "./input-files.js";
import { checkApp, checkCluster } from "../model/schema-check.js";
import { KUSTOMIZATION_FILES, localSourceDir } from "../model/source-paths.js";
import type { Profile } from "../model/types.js";

/**
 * Reads and validates every cluster.yaml, app.yaml and values file of the repository at `root`.
 * All problems are collected, so one run reports everything that is wrong. A process that loads
 * several revisions passes one `memo`, so a file the revisions share is parsed once.
 */
export function loadFleet(root: string, memo?: ParseMemo): Result<Fleet> {
  const diagnostics: Diagnostic[] = [];
  // Hostile files (symlinks out of the repository, devices, huge files) are refused before anything reads them.
  for (const dir of [layout.appsDir, layout.clustersDir, layout.secretsDir]) diagnostics.push(...checkInputTree(root, dir));
  const apps = new Map<string, App>();
  for (const name of subdirs(root, layout.appsDir)) {
    const app = loadApp(root, name, diagnostics, memo);
    if (app) apps.set(name, app);
  }
  const clusters: Cluster[] = [];
  for (const name of subdirs(root, layout.clustersDir)) {
    const cluster = loadCluster(root, name, diagnostics, memo);
    if (cluster) clusters.push(cluster);
  }
  if (diagnostics.length > 0) return fail(unique(diagnostics));
  return ok({ clusters, apps, sealedSecrets: listSealedSecrets(root), existingSourcePaths: existingSourcePaths(root, apps, clusters) });
}

/** Markers rules.ts checks for: a local chart's Chart.yaml, a kustomize folder's kustomization. */
export const SOURCE_MARKERS = ["Chart.yaml", ...KUSTOMIZATION_FILES] as const;

function existingSourcePaths(root: string, apps: ReadonlyMap<string, App>, clusters: readonly Cluster[]): Set<string> {
  const out = new Set<string>();
  const environments = new Set<string | undefined>([undefined, ...clusters.flatMap((c) => c.spec.environments)]);
  for (const app of apps.values()) {
    for (const profile of Object.keys(PROFILE_DEFAULTS) as Profile[]) {
      for (const environment of environments) {
        const dir = localSourceDir(app, profile, environment);
        if (!dir) continue;
        for (const path of [dir, ...SOURCE_MARKERS.map((m) => `${dir}/${m}`)]) if (existsSync(join(root, path))) out.add(path);
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

function readSource(root: string, file: string, diagnostics: Diagnostic[], memo: ParseMemo | undefined): YamlSource | undefined {
  const read = readInputText(root, file);
  if ("diagnostic" in read) {
    diagnostics.push(read.diagnostic);
    return undefined;
  }
  const parsed = parseYamlSourceMemo(memo, file, read.text);
  diagnostics.push(...parsed.diagnostics);
  return parsed.source;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkFolderName(kind: string, name: string, file: string, diagnostics: Diagnostic[]): boolean {
  if (DNS_LABEL.test(name) && name.length <= 63) return true;
  diagnostics.push({ file, line: 0, col: 0, message: `${kind} folder name "${name}" is not a DNS label`, hint: "rename the folder using lowercase letters, digits and '-'" });
  return false;
}

/** The folder's defining file (app.yaml, cluster.yaml), parsed; undefined when missing or unreadable. */
function readDefiningFile(root: string, kind: "app" | "cluster", name: string, file: string, diagnostics: Diagnostic[], memo: ParseMemo | undefined): YamlSource | undefined {
  if (!existsSync(join(root, file))) {
    const folder = file.slice(0, file.lastIndexOf("/") + 1);
    diagnostics.push({ file, line: 0, col: 0, message: `${folder} has no ${kind}.yaml`, hint: `add ${file}, or remove the folder` });
    return undefined;
  }
  if (!checkFolderName(kind, name, file, diagnostics)) return undefined;
  return readSource(root, file, diagnostics, memo);
}

function loadApp(root: string, name: string, diagnostics: Diagnostic[], memo: ParseMemo | undefined): App | undefined {
  const source = readDefiningFile(root, "app", name, layout.appFile(name), diagnostics, memo);
  if (!source) return undefined;
  const checked = checkApp(source, toPlain(source));
  diagnostics.push(...checked.diagnostics);
  const valueVariants = new Set<string>();
  for (const entry of readdirSync(join(root, layout.appDir(name))).sort()) {
    const m = /^values(?:-([a-z0-9-]+))?\.yaml$/.exec(entry);
    if (!m) continue;
    if (checkValuesFile(root, `${layout.appDir(name)}/${entry}`, diagnostics, memo)) valueVariants.add(m[1] ?? "");
  }
  (checked.value?.valueFiles ?? []).forEach((rel, i) => {
    const file = `${layout.appDir(name)}/${rel}`;
    if (!existsSync(join(root, file))) {
      diagnostics.push(diagnosticAt(source, ["valueFiles", i], `values file ${file} does not exist`, `create it, or remove "${rel}" from valueFiles (paths are relative to ${layout.appDir(name)}/)`));
    } else checkValuesFile(root, file, diagnostics, memo);
  });
  return checked.value ? { name, spec: checked.value, source, valueVariants } : undefined;
}

/** A values file must be a YAML mapping (or empty); returns whether it is usable. */
function checkValuesFile(root: string, file: string, diagnostics: Diagnostic[], memo: ParseMemo | undefined): boolean {
  const source = readSource(root, file, diagnostics, memo);
  if (!source) return false;
  const value = source.value;
  if (value === null || value === undefined || (typeof value === "object" && !Array.isArray(value))) return true;
  diagnostics.push(diagnosticAt(source, [], `is ${Array.isArray(value) ? "a list" : `a ${typeof value}`}, expected a mapping of Helm values`, "write the values as `key: value` pairs at the top level"));
  return false;
}

function loadCluster(root: string, name: string, diagnostics: Diagnostic[], memo: ParseMemo | undefined): Cluster | undefined {
  const source = readDefiningFile(root, "cluster", name, layout.clusterFile(name), diagnostics, memo);
  if (!source) return undefined;
  const checked = checkCluster(source, toPlain(source));
  diagnostics.push(...checked.diagnostics);
  const valueOverrides = new Set<string>();
  const valuesDir = join(root, layout.clustersDir, name, "values");
  if (existsSync(valuesDir) && statSync(valuesDir).isDirectory()) {
    for (const entry of readdirSync(valuesDir).sort()) {
      const m = /^([a-z0-9-]+)\.yaml$/.exec(entry);
      if (m?.[1] && checkValuesFile(root, layout.clusterValuesFile(name, m[1]), diagnostics, memo)) valueOverrides.add(m[1]);
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

function listSealedSecrets(root: string): SealedSecretRef[] {
  const out: SealedSecretRef[] = [];
  for (const cluster of subdirs(root, layout.secretsDir)) {
    for (const namespace of subdirs(root, `${layout.secretsDir}/${cluster}`)) {
      const dir = join(root, layout.secretsNamespaceDir(cluster, namespace));
      for (const entry of readdirSync(dir).sort()) {
        const m = /^(.+)\.ya?ml$/.exec(entry);
        if (m?.[1]) out.push({ cluster, namespace, name: m[1], file: `${layout.secretsNamespaceDir(cluster, namespace)}/${entry}` });
      }
    }
  }
  return out;
}
