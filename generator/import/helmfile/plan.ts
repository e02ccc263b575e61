import { posix } from "node:path";
import { parse } from "yaml";
import { fail, ok, type Diagnostic, type Result } from "../../errors.js";
import { layout } from "../../layout.js";
import { appSchema } from "../../model/schema/app.schema.js";
import { LAYERS, type AppSpec, type Layer } from "../../model/types.js";
import { mergeValues } from "../../plan/merge.js";
import { appFileContent } from "../../scaffold/app-file.js";
import { addApps } from "../../scaffold/cluster-edit.js";
import type { ScaffoldPlan } from "../../scaffold/new-app.js";
import { assertSchemaValid } from "../../scaffold/option-check.js";
import { privateKeyFindings, scanForCredentials } from "../../validate/hygiene.js";
import type { FolderFile } from "../../read/read-folder.js";
import type { RepoSnapshot } from "../../scaffold/snapshot.js";
import type { PlannedFile } from "../../write/changes.js";
import { DEFAULT_ADVICE, RELEASE_KEY_ADVICE, TOP_KEY_ADVICE } from "./advice.js";
import { resolveChart } from "./chart-ref.js";
import { goTemplateProblem, helmDefaultsLeftBehind, skipsMissingFiles } from "./helmfile-settings.js";
import { parseHelmfile, type Located, type Release, type ValuesEntry } from "./parse.js";
import { hasUnresolved, resolveTemplates } from "./template.js";
import { setEntryValues, valuesFileContent, type ValuesPart } from "./values-out.js";

export interface ImportRequest {
  /** The helmfile as the user named it, for messages; other paths are relative to its folder. */
  file: string;
  cluster: string;
  environment?: string;
  layer: Layer;
  prefix?: string;
}

/** What the planner reads besides the helmfile; paths relative to the helmfile's folder. */
export interface ImportInputs {
  helmfile: string;
  readText(path: string): string | undefined;
  readFolder(path: string): { files: FolderFile[]; problems: Diagnostic[] };
}

/** An app already in the repository, as `needs:` of a later helmfile may name it. */
export interface ExistingApp {
  name: string;
  namespace: string;
  releaseName: string;
  layer: Layer;
}

export interface ImportPlan extends ScaffoldPlan {
  /** Parts of the helmfile berth left behind, each with file:line and what to do. */
  leftBehind: Diagnostic[];
}

const versionPattern = new RegExp(appSchema.properties.source.oneOf[0].properties.version.pattern);
const repoPattern = new RegExp(appSchema.properties.source.oneOf[0].properties.repo.pattern);
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Whether `path` (relative to the helmfile's folder) leaves that folder: `../` reaching out of it,
 * or an absolute path. Import copies files into the repository, and a helmfile from elsewhere
 * must not pull in a kubeconfig or an SSH key two folders up.
 */
export function leavesFolder(path: string): boolean {
  if (posix.isAbsolute(path)) return true;
  const n = posix.normalize(path);
  return n === ".." || n.startsWith("../");
}

const OUTSIDE_HINT = "copy the file into the helmfile's folder (or move the helmfile up to the folder holding everything it names), then run the import again";

/** One release on its way to becoming an app. */
interface Planned {
  release: Release;
  app: string;
  releaseName: string;
  namespace: string;
}

/**
 * `berth import helmfile`: each release becomes apps/<prefix><name>/ (app.yaml, values.yaml,
 * a copied local chart) on the cluster; values of the selected environment become the cluster's
 * values file of the app. Problems that would make the result wrong (an unpinned version, a name
 * collision, a missing values file) fail the whole import; parts berth cannot express are left
 * behind and reported with their line and what to do.
 */
export function planHelmfileImport(req: ImportRequest, inputs: ImportInputs, snap: RepoSnapshot, existing: readonly ExistingApp[]): Result<ImportPlan> {
  const problems: Diagnostic[] = [];
  const leftBehind: Diagnostic[] = [];
  const at = (file: string, line: number, col: number, message: string, hint: string): Diagnostic => ({ file, line, col, message, hint });
  const here = (line: number, col: number, message: string, hint: string) => at(req.file, line, col, message, hint);
  const rel = (p: string) => posix.normalize(posix.join(posix.dirname(req.file), p));

  if (!snap.clusterFiles.has(req.cluster)) {
    return fail([at("--cluster", 0, 0, `no cluster named "${req.cluster}" (there is no ${layout.clusterFile(req.cluster)})`, `create it first: berth new cluster ${req.cluster} --profile kind|k3s|cloud`)]);
  }

  // Pass 1, templates unresolved: only to read `environments:` and the selected environment's values.
  const first = parseHelmfile(req.file, resolveTemplates(inputs.helmfile, req.environment, {}).text);
  if (!first.helmfile || first.problems.length > 0) return fail(goTemplateProblem(req.file, inputs.helmfile, first.problems));
  const envs = first.helmfile.environments;
  let envValues: Record<string, unknown> = {};
  if (req.environment !== undefined) {
    if (!envs) return fail([here(1, 1, `has no environments: section, so --environment ${req.environment} selects nothing`, "drop --environment")]);
    const entries = envs.get(req.environment);
    if (!entries) return fail([here(1, 1, `has no environment "${req.environment}" (it has ${[...envs.keys()].join(", ")})`, `pass --environment ${[...envs.keys()].join(" or ")}`)]);
    const handler = first.helmfile.environmentMissingFileHandlers.get(req.environment);
    envValues = environmentValues(entries, handler, inputs, rel, problems, leftBehind, at);
  } else if (envs && envs.size > 0) {
    leftBehind.push(here(1, 1, `defines environments (${[...envs.keys()].join(", ")}) but none was selected: per-environment values were not imported`, `run again with --environment ${[...envs.keys()][0]} to import that environment's values into cluster ${req.cluster}`));
  }

  // Pass 2: expressions resolved from the environment; logic and the rest reported.
  const pass = resolveTemplates(inputs.helmfile, req.environment, envValues);
  const originalLines = inputs.helmfile.split("\n");
  const templatedLine = (line: number) => (originalLines[line - 1] ?? "").includes("{{");
  for (const l of pass.logic) leftBehind.push(here(l.line, l.col, `go-template logic \`${l.expression}\` is not evaluated by berth: the lines it guards were read as if it held`, "check the imported apps against `helmfile -e ENV build`, or import the rendered helmfile (helmfile -e ENV build > rendered.yaml)"));
  for (const u of pass.unresolved) leftBehind.push(here(u.line, u.col, `template expression ${u.expression} cannot be resolved${req.environment ? "" : " without --environment"}`, req.environment ? "replace it with its value in the imported files by hand" : "pass --environment NAME"));
  const parsed = parseHelmfile(req.file, pass.text);
  if (!parsed.helmfile || parsed.problems.length > 0) return fail(goTemplateProblem(req.file, inputs.helmfile, parsed.problems));
  const hf = parsed.helmfile;
  for (const u of hf.unsupported) leftBehind.push(here(u.line, u.col, `\`${u.value}:\` is not imported`, TOP_KEY_ADVICE[u.value] ?? DEFAULT_ADVICE));
  if (hf.helmDefaults) leftBehind.push(helmDefaultsLeftBehind(req.file, hf.helmDefaults));

  // Names first: needs: may point at any release of the file.
  const planned: Planned[] = [];
  const taken = new Map<string, number>();
  for (const r of hf.releases) {
    if (!r.name || hasUnresolved(r.name.value)) {
      problems.push(here(r.line, r.col, "release has no name berth can read", "give the release a literal `name:`"));
      continue;
    }
    const installed = r.installed?.value;
    if (installed === false || installed === "false") {
      leftBehind.push(here(r.installed!.line, r.installed!.col, `release ${r.name.value} is skipped: installed: false`, "import it later by setting installed: true, or add it with berth new app"));
      continue;
    }
    if (typeof installed === "string" && hasUnresolved(installed)) {
      leftBehind.push(here(r.installed!.line, r.installed!.col, `release ${r.name.value}: installed: depends on a template berth cannot resolve; imported as installed`, "remove the app from the cluster's apps: if it should not run there"));
    }
    const app = `${req.prefix ?? ""}${r.name.value}`;
    if (!dnsLabel.test(app) || app.length > 53) {
      problems.push(here(r.name.line, r.name.col, `release name "${r.name.value}" gives the app name "${app}", which is not a DNS label of at most 53 characters`, "rename the release, or pass a --prefix that makes a valid name"));
      continue;
    }
    if (snap.apps.has(app)) {
      problems.push(here(r.name.line, r.name.col, `release ${r.name.value} would become apps/${app}/, which already exists`, req.prefix ? "pass another --prefix" : "pass --prefix (e.g. --prefix <system>-) to import under other names"));
      continue;
    }
    if (taken.has(app)) {
      problems.push(here(r.name.line, r.name.col, `release name ${r.name.value} is used twice in this helmfile (also line ${taken.get(app)})`, "import the two releases from separate runs with different --prefix values"));
      continue;
    }
    taken.set(app, r.name.line);
    const ns = r.namespace?.value;
    if (ns === undefined) leftBehind.push(here(r.line, r.col, `release ${r.name.value} has no namespace: imported into "default"`, `set namespace: in ${layout.appFile(app)}`));
    else if (hasUnresolved(ns)) problems.push(here(r.namespace!.line, r.namespace!.col, `the namespace of release ${r.name.value} depends on a template berth cannot resolve`, "pass --environment, or write the namespace literally"));
    planned.push({ release: r, app, releaseName: r.name.value, namespace: ns ?? "default" });
  }

  const writes: PlannedFile[] = [];
  const done: string[] = [];
  for (const p of planned) {
    const r = p.release;
    const appDir = layout.appDir(p.app);
    let source: AppSpec["source"] | undefined;
    if (!r.chart || hasUnresolved(r.chart.value)) {
      problems.push(here(r.line, r.col, `release ${p.releaseName} has no chart berth can read`, "write `chart:` literally"));
      continue;
    }
    const chart = resolveChart(r.chart.value, hf.repositories);
    if (chart.kind === "unknown") {
      problems.push(here(r.chart.line, r.chart.col, `chart "${r.chart.value}" ${chart.reason}`, "list its repository under repositories:, use oci://…, or give a folder relative to the helmfile"));
      continue;
    }
    if (chart.kind === "remote") {
      const version = r.version?.value;
      if (version === undefined || hasUnresolved(version) || !versionPattern.test(version)) {
        problems.push(here(r.version?.line ?? r.line, r.version?.col ?? r.col, version === undefined ? `release ${p.releaseName} has no pinned chart version` : `release ${p.releaseName}: version "${version}" is not an exact chart version`, "pin the version the cluster runs (helm list -n <namespace> shows it), e.g. version: 16.4.5"));
        continue;
      }
      if (!repoPattern.test(chart.repo)) {
        problems.push(here(r.chart.line, r.chart.col, `chart repository "${chart.repo}" is not an https:// or oci:// URL`, "give the repository's full URL under repositories: (with oci: true for a registry)"));
        continue;
      }
      source = { type: "helm", repo: chart.repo, chart: chart.chart, version };
    } else if (leavesFolder(chart.path)) {
      problems.push(here(r.chart.line, r.chart.col, `local chart ${chart.path} of release ${p.releaseName} is outside the helmfile's folder; berth import copies only folders under it`, OUTSIDE_HINT));
      continue;
    } else {
      const folder = inputs.readFolder(chart.path);
      if (folder.files.length === 0 && !chart.explicit) {
        problems.push(here(r.chart.line, r.chart.col, `chart "${r.chart.value}" names no repository under repositories: and no folder`, "list its repository under repositories:, use oci://…, or give a folder relative to the helmfile (./charts/…)"));
        continue;
      }
      if (folder.files.length > 0) problems.push(...folder.problems);
      if (!folder.files.some((f) => f.path === "Chart.yaml")) {
        problems.push(here(r.chart.line, r.chart.col, `local chart ${rel(chart.path)} has no Chart.yaml`, "point chart: at the chart's folder"));
        continue;
      }
      for (const f of folder.files) writes.push({ path: `${appDir}/chart/${f.path}`, content: f.content, mode: f.mode });
      source = { type: "chart", path: "chart" };
      done.push(`copied the local chart ${rel(chart.path)} (${folder.files.length} files) into ${appDir}/chart/`);
    }

    const common: ValuesPart[] = [];
    const perEnv: ValuesPart[] = [];
    for (const v of r.values) {
      const part = valuesPart(v, p, inputs, rel, req, leftBehind, problems, at);
      if (!part) continue;
      const envDependent = v.kind === "file" ? templatedLine(v.line) : inlineTemplated(v, originalLines);
      (envDependent ? perEnv : common).push(part);
    }
    for (const s of r.set) {
      const values = setEntryValues(s.name, s.value);
      if (!values || (typeof s.value === "string" && hasUnresolved(s.value))) {
        leftBehind.push(here(s.line, s.col, `set: ${s.name} is not imported (${values ? "its value is a template berth cannot resolve" : "list indices are not converted"})`, `add it to ${layout.appValuesFile(p.app)} by hand`));
        continue;
      }
      (templatedLine(s.line) ? perEnv : common).push({ kind: "set", values, source: `${req.file}:${s.line} set: ${s.name}` });
    }
    for (const s of r.secrets) {
      leftBehind.push(here(s.line, s.col, `helm-secrets file ${s.value} is not imported: berth keeps no secret values in Git, not even encrypted values files`, `seal each value as a Secret: berth seal --cluster ${req.cluster} --namespace ${p.namespace} --name ${p.app}-secrets --from-literal KEY=VALUE (per key of \`helm secrets decrypt ${rel(s.value)}\`), declare it under secrets: in ${layout.appFile(p.app)}, and point the chart's existingSecret-style value at it`));
    }
    for (const u of r.unsupported) leftBehind.push(here(u.line, u.col, `release ${p.releaseName}: \`${u.value}:\` is not imported`, RELEASE_KEY_ADVICE[u.value] ?? DEFAULT_ADVICE));

    const dependsOn: string[] = [];
    for (const n of r.needs) {
      const target = resolveNeed(n.value, planned, existing);
      if (!target) {
        leftBehind.push(here(n.line, n.col, `needs ${n.value}: no release of this helmfile and no app of the repository has that name`, `import the helmfile that installs it first, then add it to dependsOn: in ${layout.appFile(p.app)}`));
        continue;
      }
      if (target.layer !== undefined && LAYERS.indexOf(target.layer) > LAYERS.indexOf(req.layer)) {
        problems.push(here(n.line, n.col, `needs ${n.value}: app ${target.app} is in layer ${target.layer}, which syncs after ${req.layer}`, `import this helmfile with --layer ${target.layer} or later`));
        continue;
      }
      if (!dependsOn.includes(target.app) && target.app !== p.app) dependsOn.push(target.app);
    }

    const spec = {
      description: `Imported from ${req.file}:${r.line} (helmfile release ${p.releaseName}${req.environment ? `, environment ${req.environment}` : ""}).`,
      layer: req.layer,
      namespace: p.namespace,
      ...(p.releaseName !== p.app ? { releaseName: p.releaseName } : {}),
      source,
      ...(dependsOn.length > 0 ? { dependsOn } : {}),
    };
    const appFile = appFileContent(spec);
    assertSchemaValid("app", layout.appFile(p.app), appFile);
    writes.push({ path: layout.appFile(p.app), content: appFile });
    const files = [layout.appFile(p.app)];
    const commonText = valuesFileContent(common);
    if (commonText !== undefined) {
      writes.push({ path: layout.appValuesFile(p.app), content: commonText });
      files.push(layout.appValuesFile(p.app));
    }
    const envText = valuesFileContent(perEnv);
    if (envText !== undefined) {
      const path = layout.clusterValuesFile(req.cluster, p.app);
      if (snap.files.includes(path)) problems.push(at(path, 0, 0, "already exists", "move it away; berth import writes no file over another"));
      writes.push({ path, content: envText });
      files.push(path);
    }
    done.push(`release ${p.releaseName} → ${files.join(", ")}`);
  }
  problems.push(...scanCopied(writes));
  if (problems.length > 0) return fail(problems);
  if (planned.length === 0) return ok({ writes: [], removals: [], done: ["no release to import"], next: [], leftBehind });
  writes.push({ path: layout.clusterFile(req.cluster), content: addApps(snap.clusterFiles.get(req.cluster)!, planned.map((p) => p.app)) });
  done.push(`added ${planned.map((p) => p.app).join(", ")} to ${layout.clusterFile(req.cluster)}`);
  return ok({
    writes,
    removals: [],
    done,
    next: [
      ...(leftBehind.length > 0 ? ["deal with what was left behind (above)"] : []),
      "declare resources: and secrets: in each app.yaml (berth validate checks the cluster's budget and sealed secrets)",
      "berth generate && berth validate, then berth render --cluster " + req.cluster + " to compare with what helmfile deployed",
    ],
    leftBehind,
  });
}

/**
 * The credential scan `berth validate` runs, on everything the import would write, before anything
 * is: a private key anywhere, plaintext credentials in values files (the values berth writes and a
 * copied chart's own). Findings name the file where it will be, with the line of the value.
 */
function scanCopied(writes: readonly PlannedFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const w of writes) {
    const text = typeof w.content === "string" ? w.content : w.content.toString("latin1");
    out.push(...privateKeyFindings(w.path, text));
    if (/(^|\/)values(-[a-z0-9-]+)?\.ya?ml$/.test(w.path) || /^clusters\/[^/]+\/values\//.test(w.path)) out.push(...scanForCredentials(w.path, text));
  }
  return out.map((d) => ({ ...d, message: `would be imported: ${d.message}`, hint: `${d.hint}; fix it in the helmfile's files, then run the import again` }));
}

/** The environment's values (inline maps and files, later wins), for resolving `.Values.*`. */
function environmentValues(entries: readonly ValuesEntry[], handler: Located<string> | undefined, inputs: ImportInputs, rel: (p: string) => string, problems: Diagnostic[], leftBehind: Diagnostic[], at: (f: string, l: number, c: number, m: string, h: string) => Diagnostic): Record<string, unknown> {
  let values: Record<string, unknown> = {};
  for (const e of entries) {
    let v: unknown;
    if (e.kind === "inline") v = e.plain;
    else if (leavesFolder(e.path)) {
      problems.push(at(rel(e.path), 0, 0, `environment values file is outside the helmfile's folder (${e.path}); berth import reads only files under it`, OUTSIDE_HINT));
      continue;
    } else {
      const text = inputs.readText(e.path);
      if (text === undefined) {
        if (skipsMissingFiles(handler)) leftBehind.push(at(rel(e.path), 0, 0, `environment values file does not exist: skipped, as helmfile does with \`missingFileHandler: ${handler!.value}\``, "nothing to do if the environment needs no values from it; else create it and run the import again"));
        else problems.push(at(rel(e.path), 0, 0, "environment values file does not exist", "create it, or remove it from the environment's values:"));
        continue;
      }
      v = parse(text, { version: "1.1", merge: true, maxAliasCount: 100 });
    }
    if (v && typeof v === "object" && !Array.isArray(v)) values = mergeValues(values, v as Record<string, unknown>);
  }
  return values;
}

function valuesPart(v: ValuesEntry, p: Planned, inputs: ImportInputs, rel: (p: string) => string, req: ImportRequest, leftBehind: Diagnostic[], problems: Diagnostic[], at: (f: string, l: number, c: number, m: string, h: string) => Diagnostic): ValuesPart | undefined {
  if (v.kind === "inline") return { kind: "inline", node: v.node, plain: v.plain, source: `${req.file}:${v.line} (inline values)` };
  if (hasUnresolved(v.path)) return undefined; // reported with the expression already
  if (leavesFolder(v.path)) {
    problems.push(at(req.file, v.line, v.col, `values file ${v.path} of release ${p.releaseName} is outside the helmfile's folder; berth import reads only files under it`, OUTSIDE_HINT));
    return undefined;
  }
  const text = inputs.readText(v.path);
  if (text === undefined) {
    const handler = p.release.missingFileHandler;
    if (skipsMissingFiles(handler)) {
      leftBehind.push(at(req.file, v.line, v.col, `values file ${rel(v.path)} of release ${p.releaseName} does not exist: skipped, as helmfile does with \`missingFileHandler: ${handler!.value}\` (line ${handler!.line})`, "nothing to do if the release needs no values from it; else create it and run the import again"));
    } else {
      problems.push(at(req.file, v.line, v.col, `values file ${rel(v.path)} of release ${p.releaseName} does not exist`, "create it, or remove it from the release's values: (helmfile fails on it too, unless the release says missingFileHandler: Warn)"));
    }
    return undefined;
  }
  const unreadable = yamlProblem(text);
  if (unreadable) {
    problems.push(at(rel(v.path), 0, 0, `values file of release ${p.releaseName} cannot be read: ${unreadable}`, "fix the file (valid YAML, aliases that do not expand beyond 100 nodes)"));
    return undefined;
  }
  if (!text.includes("{{")) return { kind: "file", text, source: rel(v.path) };
  const pass = resolveTemplates(text, req.environment, {});
  const left = [...pass.logic, ...pass.unresolved];
  if (left.length > 0) {
    for (const u of left) leftBehind.push(at(rel(v.path), u.line, u.col, `templated values file: ${u.expression} cannot be resolved, so the file is not imported`, `write its values for the environment into ${layout.appValuesFile(p.app)} or ${layout.clusterValuesFile(req.cluster, p.app)} by hand`));
    return undefined;
  }
  return { kind: "file", text: pass.text, source: rel(v.path) };
}

/** Why a values file is not usable YAML for Helm, or undefined. Templated files are checked after resolving. */
function yamlProblem(text: string): string | undefined {
  if (text.includes("{{")) return undefined;
  try {
    parse(text, { version: "1.1", merge: true, maxAliasCount: 100 });
    return undefined;
  } catch (e) {
    return (e as Error).message.split("\n")[0];
  }
}

function inlineTemplated(v: ValuesEntry, lines: readonly string[]): boolean {
  if (v.kind !== "inline") return false;
  return lines.slice(v.line - 1, v.endLine).some((l) => l.includes("{{"));
}

/** `needs:` entries are `name`, `namespace/name` or `context/namespace/name`. */
function resolveNeed(need: string, planned: readonly Planned[], existing: readonly ExistingApp[]): { app: string; layer?: Layer } | undefined {
  const parts = need.split("/");
  const name = parts[parts.length - 1]!;
  const namespace = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  const local = planned.find((p) => p.releaseName === name && (namespace === undefined || p.namespace === namespace));
  if (local) return { app: local.app };
  const earlier = existing.find((a) => a.releaseName === name && (namespace === undefined || a.namespace === namespace));
  return earlier ? { app: earlier.name, layer: earlier.layer } : undefined;
}
