import { fail, ok, type Diagnostic, type Result } from "../errors.js";
import { layout } from "../layout.js";
import { appSchema } from "../model/schema/app.schema.js";
import type { AppSpec, Layer } from "../model/types.js";
import type { FileChanges, PlannedFile } from "../write/changes.js";
import { appFileContent } from "./app-file.js";
import { addApps } from "./cluster-edit.js";
import { assertSchemaValid, checkNoCredentials, checkOption } from "./option-check.js";
import { folderKind, type FolderFile } from "../read/read-folder.js";
import type { RepoSnapshot } from "./snapshot.js";

export interface NewAppRequest {
  name: string;
  layer: Layer;
  namespace: string;
  /** A folder's files; with `overlay`, a kustomize tree and the overlay in it to deploy (files relative to the tree). */
  source: { type: "helm"; repo: string; chart: string; version: string } | { type: "folder"; shownAs: string; files: readonly FolderFile[]; overlay?: string };
  /** Clusters whose `apps:` gets the new app. */
  clusters: readonly string[];
}

export interface ScaffoldPlan extends FileChanges {
  /** What was done, one line each. */
  done: string[];
  /** What the user does next. */
  next: string[];
}

const props = appSchema.properties;
const helmProps = appSchema.properties.source.oneOf[0].properties;

/** `berth new app`: apps/<name>/app.yaml (+ values.yaml or the copied folder), listed on the named clusters. */
export function planNewApp(req: NewAppRequest, snap: RepoSnapshot): Result<ScaffoldPlan> {
  const problems: Diagnostic[] = [];
  checkOption("NAME", req.name, props.dependsOn.items, problems);
  checkOption("--layer", req.layer, props.layer, problems);
  checkOption("--namespace", req.namespace, props.namespace, problems);
  if (req.source.type === "helm") {
    checkOption("--repo", req.source.repo, helmProps.repo, problems);
    checkNoCredentials("--repo", req.source.repo, problems);
    checkOption("--chart", req.source.chart, { pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$", description: "a chart name" }, problems);
    checkOption("--version", req.source.version, helmProps.version, problems);
  }
  const helmRelease = req.source.type === "helm" || (req.source.overlay === undefined && folderKind(req.source.files) === "chart");
  if (helmRelease && req.name.length > props.releaseName.maxLength) {
    // The app's name is its Helm release name (plan/applications.ts), and helm refuses longer ones.
    problems.push({ file: "NAME", line: 0, col: 0, message: `"${req.name}" has ${req.name.length} characters; a Helm chart's app name is its release name, which Helm limits to ${props.releaseName.maxLength}`, hint: `choose a name of at most ${props.releaseName.maxLength} characters` });
  }
  if (snap.apps.has(req.name)) problems.push({ file: layout.appFile(req.name), line: 0, col: 0, message: `app "${req.name}" already exists`, hint: "choose another name, or edit the existing app.yaml" });
  for (const c of req.clusters) {
    if (!snap.clusterFiles.has(c)) problems.push({ file: "--cluster", line: 0, col: 0, message: `no cluster named "${c}" (there is no ${layout.clusterFile(c)})`, hint: `clusters are: ${[...snap.clusterFiles.keys()].join(", ") || "none yet (berth new cluster NAME --profile kind)"}` });
  }
  if (req.source.type === "folder" && req.source.files.length === 0) problems.push({ file: req.source.shownAs, line: 0, col: 0, message: "is empty", hint: "point --path at a chart, kustomize or manifests folder" });
  if (problems.length > 0) return fail(problems);

  const writes: PlannedFile[] = [];
  const done: string[] = [];
  let source: AppSpec["source"];
  if (req.source.type === "helm") {
    const { repo, chart, version } = req.source;
    source = { type: "helm", repo, chart, version };
    writes.push({ path: layout.appValuesFile(req.name), content: `# Helm values for ${chart} ${version} (${repo}); per profile: values-<profile>.yaml, per cluster: clusters/<cluster>/values/${req.name}.yaml\n` });
  } else if (req.source.overlay !== undefined) {
    source = { type: "kustomize", path: `kustomize/${req.source.overlay}` };
    for (const f of req.source.files) writes.push({ path: `${layout.appDir(req.name)}/kustomize/${f.path}`, content: f.content, mode: f.mode });
    done.push(`copied the overlay ${req.source.overlay} of ${req.source.shownAs} with the ${req.source.files.length} files it needs (its kustomizations, bases, components, patches and generator files) into ${layout.appDir(req.name)}/kustomize/`);
  } else {
    const kind = folderKind(req.source.files);
    source = kind === "chart" ? { type: "chart", path: "chart" } : { type: kind, path: kind };
    for (const f of req.source.files) writes.push({ path: `${layout.appDir(req.name)}/${kind}/${f.path}`, content: f.content, mode: f.mode });
    done.push(`copied ${req.source.files.length} files of ${req.source.shownAs} (a ${kind === "chart" ? "Helm chart" : kind === "kustomize" ? "kustomize folder" : "folder of manifests"}) into ${layout.appDir(req.name)}/${kind}/`);
  }
  const app = appFileContent({ layer: req.layer, namespace: req.namespace, source });
  assertSchemaValid("app", layout.appFile(req.name), app);
  writes.unshift({ path: layout.appFile(req.name), content: app });
  done.unshift(`created ${layout.appFile(req.name)}${req.source.type === "helm" ? ` and ${layout.appValuesFile(req.name)}` : ""}`);
  for (const c of req.clusters) {
    writes.push({ path: layout.clusterFile(c), content: addApps(snap.clusterFiles.get(c)!, [req.name]) });
    done.push(`added ${req.name} to ${layout.clusterFile(c)}`);
  }
  const next = [
    req.source.type === "helm" ? `put the chart's values in ${layout.appValuesFile(req.name)}` : `check ${layout.appDir(req.name)}/`,
    `declare what the app needs in ${layout.appFile(req.name)}: dependsOn, secrets (then \`berth seal\`), resources`,
    ...(req.clusters.length === 0 ? [`run it on a cluster: add "${req.name}" to apps: in clusters/<cluster>/cluster.yaml`] : []),
    "berth generate && berth validate, then commit",
  ];
  return ok({ writes, removals: [], done, next });
}
