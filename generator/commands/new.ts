import { realpathSync } from "node:fs";
import { posix, resolve } from "node:path";
import type { Layer, Profile } from "../model/types.js";
import { planNewApp } from "../scaffold/new-app.js";
import { planNewCluster } from "../scaffold/new-cluster.js";
import { kustomizationLeavingFolder, kustomizationsBelow, readOverlay } from "../scaffold/kustomize-source.js";
import { folderKind, readFolder } from "../read/read-folder.js";
import { readSnapshot } from "../scaffold/snapshot.js";
import { applyChanges } from "../write/changes.js";
import { EnvironmentError } from "../errors.js";
import { optionOrAsk, throwProblems } from "./ask.js";
import type { CommandIO, ExitCode } from "./context.js";
import { reportScaffold } from "./scaffold-report.js";

export interface NewClusterOptions {
  root: string;
  name: string;
  profile?: string;
  repoUrl?: string;
}

export async function runNewCluster(opts: NewClusterOptions, io: CommandIO): Promise<ExitCode> {
  const profile = await optionOrAsk(io, "--profile", opts.profile, "Profile (kind, k3s, cloud)", "the kind of cluster: kind, k3s or cloud");
  const plan = planNewCluster({ name: opts.name, profile: profile as Profile, repoUrl: opts.repoUrl }, readSnapshot(opts.root));
  if (!plan.ok) throwProblems(plan.diagnostics);
  applyChanges(opts.root, plan.value);
  reportScaffold(plan.value, io);
  return 0;
}

export interface NewAppOptions {
  root: string;
  cwd: string;
  name: string;
  repo?: string;
  chart?: string;
  version?: string;
  path?: string;
  /** With path: the kustomize overlay to deploy, relative to path. */
  overlay?: string;
  layer: string;
  namespace?: string;
  clusters: string[];
}

/** The folder --path names, read for copying: a chart, manifests, or a kustomization with what it references. */
function readLocalSource(app: string, path: string, shownAs: string, overlay: string | undefined): Extract<Parameters<typeof planNewApp>[0]["source"], { type: "folder" }> {
  let dir: string;
  try {
    dir = realpathSync(path);
  } catch {
    throw new EnvironmentError(`--path ${shownAs} does not exist`, "point --path at a chart, kustomize or manifests folder");
  }
  if (overlay !== undefined) {
    const read = readOverlay(app, dir, shownAs, overlay);
    if (read.problems.length > 0) throwProblems(read.problems);
    return { type: "folder", shownAs, files: read.files, overlay: posix.normalize(overlay).replace(/\/+$/, "") };
  }
  const read = readFolder(dir, shownAs);
  if (read.problems.length > 0) throwProblems(read.problems);
  const kind = folderKind(read.files);
  const problem = kind === "kustomize" ? kustomizationLeavingFolder(app, dir, shownAs) : kind === "manifests" ? kustomizationsBelow(app, dir, shownAs, read.files) : undefined;
  if (problem) throwProblems([problem]);
  return { type: "folder", shownAs, files: read.files };
}

export async function runNewApp(opts: NewAppOptions, io: CommandIO): Promise<ExitCode> {
  if (opts.overlay !== undefined && opts.path === undefined) throw new EnvironmentError("--overlay needs --path", "give the folder holding the overlay and its bases: --path DIR --overlay overlays/prod");
  const remote = opts.repo !== undefined || opts.chart !== undefined || opts.version !== undefined;
  if (remote && opts.path !== undefined) throw new EnvironmentError("--path and --repo/--chart/--version exclude each other", "give a remote chart (--repo --chart --version) or a local folder (--path), not both");
  if (!remote && opts.path === undefined) throw new EnvironmentError("the app needs a source: --repo URL --chart NAME --version V, or --path DIR", "see berth new app --help");
  let source: Parameters<typeof planNewApp>[0]["source"];
  if (opts.path !== undefined) {
    source = readLocalSource(opts.name, resolve(opts.cwd, opts.path), opts.path.replace(/(.)\/+$/, "$1"), opts.overlay);
  } else {
    const missing = (["repo", "chart", "version"] as const).filter((k) => opts[k] === undefined);
    if (missing.length > 0) throw new EnvironmentError(`a remote chart needs ${missing.map((k) => `--${k}`).join(" and ")} too`, "pass --repo URL --chart NAME --version V (an exact version)");
    source = { type: "helm", repo: opts.repo!, chart: opts.chart!, version: opts.version! };
  }
  const plan = planNewApp({ name: opts.name, layer: opts.layer as Layer, namespace: opts.namespace ?? opts.name, source, clusters: opts.clusters }, readSnapshot(opts.root));
  if (!plan.ok) throwProblems(plan.diagnostics);
  applyChanges(opts.root, plan.value);
  reportScaffold(plan.value, io);
  return 0;
}
