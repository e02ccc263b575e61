import { expectedContext, identityChecks } from "../bootstrap/plan.js";
import { formatDuration } from "../bootstrap/duration.js";
import { EnvironmentError } from "../errors.js";
import { spawnRunner, type Runner } from "../exec/runner.js";
import { resolveTools } from "../exec/tools.js";
import type { Cluster } from "../model/fleet.js";
import { clusterInstances } from "../model/instances.js";
import { currentCommit, openRepo, resolveRevision } from "../preview/git.js";
import { assessCluster, type ClusterReport } from "../status/assess.js";
import { formatStatus, statusExitCode, statusJson, type FleetStatus } from "../status/format.js";
import { probeCluster } from "../status/probe.js";
import { loadCheckedFleet, requireCluster } from "../read/checked-fleet.js";
import type { CommandIO, ExitCode } from "./context.js";

export interface StatusOptions {
  root: string;
  /** Only this cluster; all clusters when absent. */
  cluster?: string;
  /** The kube context (only with a cluster); default: the cluster's name (kind: kind-<name>). */
  context?: string;
  trustContext?: boolean;
  /** The commit to compare with; default HEAD. */
  revision?: string;
  format: "human" | "json";
  /** Poll until exit code 0, or this long has passed. */
  waitMs?: number;
}

export interface StatusDeps {
  runner: Runner;
  kubectl: (env: Readonly<Record<string, string | undefined>>) => Promise<string>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  pollIntervalMs: number;
}

export function defaultStatusDeps(): StatusDeps {
  return {
    runner: spawnRunner,
    kubectl: async (env) => (await resolveTools({ env })).kubectl,
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    pollIntervalMs: 5_000,
  };
}

/** The context of a cluster: --context (checked as bootstrap checks it), else the cluster's own name. */
function contextOf(cluster: Cluster, opts: StatusOptions): string {
  if (opts.context !== undefined) return expectedContext(cluster, opts.context, false, opts.trustContext ?? false);
  return cluster.profile === "kind" ? `kind-${cluster.name}` : cluster.name;
}

/**
 * `berth status`: every cluster's Applications as its own Argo CD reports them, against the
 * fleet's commit; with --wait, until all are Synced and Healthy at it. Reads only.
 */
export async function runStatus(opts: StatusOptions, io: CommandIO, deps: StatusDeps = defaultStatusDeps()): Promise<ExitCode> {
  const fleet = loadCheckedFleet(opts.root);
  if (opts.cluster !== undefined) requireCluster(fleet, opts.cluster);
  if (opts.context !== undefined && opts.cluster === undefined) throw new EnvironmentError("--context names one cluster's context", "name the cluster too: berth status <cluster> --context <context>");
  const clusters = fleet.clusters.filter((c) => opts.cluster === undefined || c.name === opts.cluster);
  // Outside a Git repository there is no commit to compare with: sync and health still count.
  const repo = await openRepo(opts.root, io.env).catch(() => undefined);
  if (opts.revision !== undefined && !repo) throw new EnvironmentError(`--revision ${opts.revision}: ${opts.root} is not a Git repository`, "run berth status inside the fleet's Git repository");
  const commit = repo ? (opts.revision !== undefined ? await resolveRevision(repo, opts.revision, "--revision") : await currentCommit(repo)) : undefined;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(io.env)) if (v !== undefined) env[k] = v;
  const kubectl = await deps.kubectl(io.env);
  const targets = clusters.map((c) => {
    const context = contextOf(c, opts);
    return { cluster: c, context, identity: identityChecks(c, context), instances: clusterInstances(fleet, c) };
  });

  const once = async (): Promise<FleetStatus> => {
    const reports: ClusterReport[] = await Promise.all(
      targets.map(async (t) => assessCluster({ cluster: t.cluster.name, context: t.context, instances: t.instances, commit, probe: await probeCluster({ cluster: t.cluster.name, context: t.context, identity: t.identity, kubectl, runner: deps.runner, env, cwd: opts.root }) })),
    );
    return { commit, clusters: reports };
  };

  let status = await once();
  if (opts.waitMs !== undefined) {
    const deadline = deps.now() + opts.waitMs;
    let last = "";
    while (statusExitCode(status) !== 0 && deps.now() < deadline) {
      const lines = status.clusters.map((c) => c.summary).join("\n");
      if (lines !== last) io.stderr.write(`waiting (up to ${formatDuration(deadline - deps.now())} more):\n${lines.replace(/^/gm, "  ")}\n`);
      last = lines;
      await deps.sleep(deps.pollIntervalMs);
      status = await once();
    }
    if (statusExitCode(status) !== 0) io.stderr.write(`berth status: not deployed everywhere within ${formatDuration(opts.waitMs)}\n`);
  }
  io.stdout.write(opts.format === "json" ? statusJson(status) : formatStatus(status));
  return statusExitCode(status);
}
