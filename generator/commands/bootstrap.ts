import { EnvironmentError } from "../errors.js";
import { executeBootstrap, type BootstrapDeps } from "../bootstrap/execute.js";
import { spawnRunner } from "../exec/runner.js";
import { findOnPath } from "../exec/spawn.js";
import { formatPlan } from "../bootstrap/format.js";
import { fleetNodePorts, requireCurrentOutput } from "../bootstrap/inputs.js";
import { k3sNodeFiles, readKindTemplate } from "../read/bootstrap-files.js";
import { loadSealingKey, type LoadedSealingKey } from "../secrets/sealing-key.js";
import { openRepoCredentials } from "../repo-access/bootstrap-secret.js";
import { requiredCredentials } from "../plan/repo-credentials.js";
import { planBootstrap } from "../bootstrap/plan.js";
import { unpublishedWarning } from "../bootstrap/published.js";
import { kindHostPortClashes } from "../bootstrap/kind-host-ports.js";
import { resolveTools } from "../exec/tools.js";
import type { CommandIO, ExitCode } from "./context.js";
import { loadCheckedFleet, requireCluster } from "../read/checked-fleet.js";

export interface BootstrapOptions {
  root: string;
  cluster: string;
  /** Print the plan; run nothing. */
  dryRun: boolean;
  /** The kube context (kind: defaults to, and must be, kind-<cluster>; k3s/cloud: required). */
  context?: string;
  /** Accept a --context whose name is not the cluster's, without a recorded identity. */
  trustContext?: boolean;
  /** The cluster's sealing private key (from `berth keys generate`), installed before the controller starts. */
  key?: string;
  /** How long to wait, in all, for Argo CD and every Application to be ready. */
  timeoutMs: number;
}

const KIND_HINT = "install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation) and put it on PATH";

/** The real executables, clock and sleep. */
export function defaultBootstrapDeps(): BootstrapDeps {
  return {
    runner: spawnRunner,
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    pollIntervalMs: 5_000,
    tools: async (env, needKind) => {
      const kind = needKind ? findOnPath("kind", env.PATH) : "kind";
      if (!kind) throw new EnvironmentError("kind not found on PATH: a cluster with profile kind is created with it", KIND_HINT);
      const t = await resolveTools({ env });
      return { kind, kubectl: t.kubectl, helm: t.helm };
    },
  };
}

/**
 * Takes a bare cluster to "Argo CD is reconciling this repository": plans first (pure; printed by
 * --dry-run), refuses a context that is not the cluster's before anything runs, then executes
 * the steps (all idempotent, none deleting) and watches the Applications until they are Synced
 * and Healthy or --timeout, explaining what is stuck.
 */
export async function runBootstrap(opts: BootstrapOptions, io: CommandIO, deps: BootstrapDeps = defaultBootstrapDeps()): Promise<ExitCode> {
  const fleet = loadCheckedFleet(opts.root);
  requireCluster(fleet, opts.cluster);
  const cluster = fleet.clusters.find((c) => c.name === opts.cluster)!;
  requireCurrentOutput(opts.root, fleet, cluster);
  const unpublished = await unpublishedWarning(opts.root, cluster, io.env);
  if (unpublished) io.stderr.write(`warning: ${unpublished}\n`);
  if (cluster.profile === "kind") for (const clash of kindHostPortClashes(opts.root, fleet, cluster)) io.stderr.write(`warning: ${clash}\n`);

  const hasSealer = cluster.entries.some((e) => fleet.apps.get(e.name)?.spec.role === "sealed-secrets");
  let key: LoadedSealingKey | undefined;
  if (opts.key !== undefined) {
    key = loadSealingKey(opts.root, cluster.name, opts.key, io.cwd);
    for (const w of key.warnings) io.stderr.write(`warning: ${w}\n`);
    if (!hasSealer) io.stderr.write(`warning: cluster ${cluster.name} runs no sealed-secrets controller (no app with role: sealed-secrets); --key is not installed\n`);
  }
  const plan = planBootstrap(fleet, cluster, {
    root: opts.root,
    context: opts.context,
    dryRun: opts.dryRun,
    trustContext: opts.trustContext,
    timeoutMs: opts.timeoutMs,
    kindTemplate: cluster.profile === "kind" ? readKindTemplate(opts.root, cluster.name) : undefined,
    nodePorts: cluster.profile === "kind" ? fleetNodePorts(opts.root, fleet, cluster) : [],
    sealingKey: key && { keyFile: opts.key!, secretName: key.secretName, fingerprint: key.fingerprint },
    sealedSecrets: fleet.sealedSecrets.filter((s) => s.cluster === cluster.name).length,
    nodeFiles: cluster.profile === "k3s" ? k3sNodeFiles(opts.root, cluster.name) : [],
    repoCredentials: { names: requiredCredentials(cluster).map((c) => c.secretName) },
  });

  if (opts.dryRun) {
    io.stdout.write(formatPlan(plan));
    return 0;
  }
  for (const note of plan.notes) if (!plan.steps.some((s) => s.action.type === "warn" && s.action.message === note)) io.stderr.write(`note: ${note}\n`);
  // Opened only now, for a real run: the plaintext lives until kubectl has read it.
  const repoCredentials = openRepoCredentials(opts.root, cluster, key?.key);
  io.stdout.write(`bootstrapping cluster ${plan.cluster} through kube context ${plan.context}: ${plan.steps.length} steps (--dry-run lists them)\n`);
  return executeBootstrap(plan, { root: opts.root, io, deps, sealingKeyYaml: key?.yaml, repoCredentialsYaml: repoCredentials?.yaml });
}
