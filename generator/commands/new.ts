import { resolve } from "node:path";
import type { Layer, Profile } from "../model/types.js";
import { planNewApp } from "../scaffold/new-app.js";
import { planNewCluster } from "../scaffold/new-cluster.js";
import { readFolder } from "../read/read-folder.js";
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
  layer: string;
  namespace?: string;
  clusters: string[];
}

export async function runNewApp(opts: NewAppOptions, io: CommandIO): Promise<ExitCode> {
  const remote = opts.repo !== undefined || opts.chart !== undefined || opts.version !== undefined;
  if (remote && opts.path !== undefined) throw new EnvironmentError("--path and --repo/--chart/--version exclude each other", "give a remote chart (--repo --chart --version) or a local folder (--path), not both");
  if (!remote && opts.path === undefined) throw new EnvironmentError("the app needs a source: --repo URL --chart NAME --version V, or --path DIR", "see berth new app --help");
  let source: Parameters<typeof planNewApp>[0]["source"];
  if (opts.path !== undefined) {
    const read = readFolder(resolve(opts.cwd, opts.path), opts.path.replace(/\/+$/, ""));
    if (read.problems.length > 0) throwProblems(read.problems);
    source = { type: "folder", shownAs: opts.path.replace(/\/+$/, ""), files: read.files };
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
