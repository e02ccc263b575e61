import { ARGOCD_NAMESPACE } from "../layout.js";
import { clusterKindAllowed } from "../model/cluster-kinds.js";
import type { Instance } from "../model/instances.js";
import { LAYERS } from "../model/types.js";
import { RETRY } from "../plan/applications.js";
import type { LiveApp } from "./live.js";

/** What berth could learn from a cluster's Argo CD, or why it could not. */
export type Probe =
  | { kind: "ok"; apps: LiveApp[] }
  /** The cluster answered, but it has no Argo CD (no Application CRD). */
  | { kind: "no-argocd"; message: string }
  /** The cluster could not be asked (no such context, API server unreachable, another cluster's identity). */
  | { kind: "unreachable"; message: string; hint: string };

export interface AppReport {
  name: string;
  sync: string;
  health: string;
  revision?: string;
  /** True when it runs the fleet's commit (or it has no Git revision to compare). */
  atCommit: boolean;
  operation?: { phase: string; message?: string; retryCount: number };
  /** Synced, Healthy and at the commit. */
  ready: boolean;
  /** What is wrong, in one line (Argo CD's reason where it gives one). */
  problem?: string;
  /** berth's fix. */
  fix?: string;
}

export type ClusterState = "deployed" | "progressing" | "failing" | "no-argocd" | "unreachable";

export interface ClusterReport {
  cluster: string;
  context: string;
  state: ClusterState;
  summary: string;
  applications: AppReport[];
  /** For no-argocd and unreachable: why, and what to do. */
  problem?: string;
  fix?: string;
}

/** After this many retries of one operation, berth calls it stuck and names the way out. */
export const STUCK_RETRIES = 2;

const short = (sha: string | undefined) => sha?.slice(0, 7);

/**
 * One cluster's report: every Application berth expects (the root and one per instance) and any
 * other Argo CD runs, judged against the fleet's commit. Pure.
 */
export function assessCluster(args: { cluster: string; context: string; instances: readonly Instance[]; commit?: string; probe: Probe }): ClusterReport {
  const { cluster, context, probe, commit } = args;
  const base = { cluster, context, applications: [] as AppReport[] };
  if (probe.kind === "unreachable") {
    return { ...base, state: "unreachable", summary: `${cluster}: cannot be reached through kube context ${context}: ${probe.message}`, problem: probe.message, fix: probe.hint };
  }
  if (probe.kind === "no-argocd") {
    const fix = `berth bootstrap ${cluster} installs Argo CD and the root Application`;
    return { ...base, state: "no-argocd", summary: `${cluster}: Argo CD is not installed (${probe.message})`, problem: probe.message, fix };
  }
  const byName = new Map(probe.apps.map((a) => [a.name, a]));
  const byId = new Map(args.instances.map((i) => [i.id, i]));
  const expected = ["root", ...args.instances.map((i) => i.id)];
  const names = [...new Set([...expected, ...byName.keys()])].sort();
  const applications = names.map((name) => assessApp(name, byName.get(name), byId.get(name), expected.includes(name), commit));
  const ready = applications.filter((a) => a.ready).length;
  const failing = applications.filter((a) => a.problem && !a.ready && a.operation && isFailing(a.operation)).length;
  const state: ClusterState = ready === applications.length ? "deployed" : failing > 0 || applications.some((a) => a.health === "Degraded") ? "failing" : "progressing";
  const at = commit ? ` at ${short(commit)}` : "";
  const rest = applications.filter((a) => !a.ready).map((a) => a.name);
  const summary =
    state === "deployed"
      ? `${cluster}: ${ready}/${applications.length} Applications Synced and Healthy${at}`
      : `${cluster}: ${ready}/${applications.length} Applications Synced and Healthy${at}; ${state === "failing" ? "failing" : "not yet"}: ${rest.slice(0, 5).join(", ")}${rest.length > 5 ? ` and ${rest.length - 5} more` : ""}`;
  return { ...base, state, summary, applications };
}

const isFailing = (op: { phase: string; retryCount: number }) => op.phase === "Failed" || op.phase === "Error" || op.retryCount > 0;

function assessApp(name: string, live: LiveApp | undefined, inst: Instance | undefined, expected: boolean, commit: string | undefined): AppReport {
  if (!live) {
    return { name, sync: "Missing", health: "Missing", atCommit: false, ready: false, problem: "Argo CD has not created this Application yet", fix: "the root Application creates it when it syncs the commit that adds it; wait, or look at the root's last operation" };
  }
  const sync = live.sync ?? "Unknown";
  const health = live.health ?? "Unknown";
  const atCommit = !commit || !live.revision || live.revision === commit;
  const op = live.operation && { phase: live.operation.phase, ...(live.operation.message ? { message: live.operation.message } : {}), retryCount: live.operation.retryCount };
  const report: AppReport = { name, sync, health, ...(live.revision ? { revision: live.revision } : {}), atCommit, ...(op ? { operation: op } : {}), ready: sync === "Synced" && health === "Healthy" && atCommit };
  const refused = live.operation?.failed.find((f) => /is not permitted in project/.test(f.message));
  const failing = live.operation && isFailing(live.operation);
  if (refused) {
    report.problem = `${refused.kind} ${refused.name}: ${refused.message}`;
    report.fix = refusalFix(name, inst, refused.message);
  } else if (failing) {
    const first = live.operation!.failed[0];
    report.problem = first ? `${first.kind} ${first.name}: ${first.message}` : (live.operation!.message ?? `last operation ${live.operation!.phase}`);
  } else if (!expected) {
    report.problem = "not in the generated output any more: the root Application prunes it";
  } else if (live.operation?.phase === "Running") {
    report.problem = `syncing${live.operation.message ? `: ${live.operation.message}` : ""}`;
  } else if (health === "Degraded" || health === "Missing") {
    report.problem = `${health}${live.healthMessage ? `: ${live.healthMessage}` : ""}`;
  } else if (!report.ready) {
    const cond = live.conditions.find((c) => /Error|Warning/.test(c.type));
    report.problem = cond ? `${cond.type}: ${cond.message}` : !atCommit ? `at ${short(live.revision)}, not yet at ${short(commit)}` : `${sync}, ${health}`;
  }
  if (live.operation && live.operation.phase === "Running" && live.operation.retryCount >= STUCK_RETRIES) {
    const stop = `argocd app terminate-op ${ARGOCD_NAMESPACE}/${name} (or: kubectl -n ${ARGOCD_NAMESPACE} patch application ${name} --type merge -p '{"status":{"operationState":{"phase":"Terminating"}}}')`;
    // Argo CD's retry policy cannot tell a refusal from a transient error; stopping it lets a removed app be pruned at once.
    report.fix = [report.fix, `the sync keeps failing (retry ${live.operation.retryCount} of ${RETRY.limit}): stop it with ${stop}`].filter(Boolean).join("\n");
  }
  return report;
}

/** Argo CD refused a kind the app's project does not allow: which app, which kind, which layer would allow it. */
function refusalFix(name: string, inst: Instance | undefined, message: string): string {
  const m = /resource ([^:\s]*):(\S+) is not permitted in project (\S+)/.exec(message);
  if (!m) return "berth validate --render names what the project refuses before it merges";
  const [, group = "", kind = "", project = ""] = m;
  const gk = `${group || "core"}/${kind}`;
  const app = inst?.app?.name ?? name;
  const layer = inst?.layer ?? project;
  if (clusterKindAllowed(layer as (typeof LAYERS)[number], group, kind)) {
    return `declare it in apps/${app}/app.yaml: clusterResources: [{group: "${group}", kind: ${kind}}], then berth generate (berth validate --render catches this before a merge)`;
  }
  const allowing = LAYERS.filter((l) => clusterKindAllowed(l, group, kind));
  return allowing.length > 0
    ? `app ${app} (layer ${layer}) may not create the cluster-scoped ${gk}; ${allowing.length > 1 ? `layers ${allowing.join(", ")} allow` : `layer ${allowing[0]} allows`} it: move that part into an app of such a layer (declared under clusterResources), or remove it (berth validate --render catches this before a merge)`
    : `no layer may create ${gk}: remove it from app ${app}`;
}
