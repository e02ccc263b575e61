import { applicationItems, conditionsOf, isPlain, oneLine as oneLineAt, str } from "../read/live-applications.js";
import type { ExpectedApp, RepoAccessInfo } from "./types.js";

/** What bootstrap knows of one Application from `kubectl get applications -o json`. */
export interface AppState {
  name: string;
  sync?: string;
  health?: string;
  healthMessage?: string;
  operationPhase?: string;
  operationMessage?: string;
  conditions: { type: string; message: string }[];
  /** When Argo CD last compared the app with Git (status.reconciledAt, whole seconds), as milliseconds since the epoch. */
  reconciledAt?: number;
  /** Resources of the app that are not Healthy or not Synced, as "Kind ns/name: status: message". */
  troubled: string[];
}

/** Parses `kubectl get applications.argoproj.io -o json`; undefined when it is not such a list. */
export function parseApplications(json: string): Map<string, AppState> | undefined {
  const items = applicationItems(json);
  if (!items) return undefined;
  const out = new Map<string, AppState>();
  for (const { name, status, sync, health } of items) {
    const op = isPlain(status.operationState) ? status.operationState : {};
    const conditions = conditionsOf(status, MESSAGE_MAX);
    const troubled: string[] = [];
    for (const r of Array.isArray(status.resources) ? status.resources : []) {
      if (!isPlain(r)) continue;
      const rh = isPlain(r.health) ? r.health : {};
      const hs = str(rh.status);
      const ss = str(r.status);
      if ((hs === undefined || hs === "Healthy") && (ss === undefined || ss === "Synced")) continue;
      const id = `${str(r.kind) ?? "?"} ${r.namespace ? `${String(r.namespace)}/` : ""}${str(r.name) ?? "?"}`;
      const what = [ss && ss !== "Synced" ? ss : undefined, hs && hs !== "Healthy" ? hs : undefined].filter(Boolean).join(", ");
      const msg = str(rh.message);
      troubled.push(`${id}: ${what}${msg ? `: ${oneLine(msg)}` : ""}`);
    }
    out.set(name, {
      name,
      sync: str(sync.status),
      health: str(health.status),
      healthMessage: str(health.message) ? oneLine(str(health.message)!) : undefined,
      operationPhase: str(op.phase),
      operationMessage: str(op.message) ? oneLine(str(op.message)!) : undefined,
      conditions,
      reconciledAt: reconciledAt(status.reconciledAt),
      troubled,
    });
  }
  return out;
}

function reconciledAt(v: unknown): number | undefined {
  const t = Date.parse(str(v) ?? "");
  return Number.isNaN(t) ? undefined : t;
}

/** Bootstrap shows whole messages a little longer than `berth status` does. */
const MESSAGE_MAX = 500;
const oneLine = (s: string) => oneLineAt(s, MESSAGE_MAX);

export const isReady = (s: AppState | undefined): boolean => s?.sync === "Synced" && s.health === "Healthy";

const label = (s: AppState | undefined) => (s ? `${s.sync ?? "Unknown"}/${s.health ?? "Unknown"}` : "not created");

/** "wave 3 everything-postgres" or "root". */
export function appTitle(app: ExpectedApp): string {
  return app.wave === undefined ? app.name : `wave ${app.wave} ${app.name}`;
}

/**
 * One line per expected Application whose sync or health status changed between two polls:
 * "wave 3 everything-postgres: Progressing → Healthy" (health only), "…: OutOfSync → Synced"
 * (sync only), "…: not created → OutOfSync/Missing" (both). In wave order.
 */
export function changeLines(expected: readonly ExpectedApp[], before: ReadonlyMap<string, AppState>, after: ReadonlyMap<string, AppState>): string[] {
  const lines: string[] = [];
  for (const app of expected) {
    const a = before.get(app.name);
    const b = after.get(app.name);
    if (label(a) === label(b)) continue;
    let change: string;
    if (a && b && a.sync === b.sync) change = `${a.health ?? "Unknown"} → ${b.health ?? "Unknown"}`;
    else if (a && b && a.health === b.health) change = `${a.sync ?? "Unknown"} → ${b.sync ?? "Unknown"}`;
    else change = `${label(a)} → ${label(b)}`;
    lines.push(`${appTitle(app)}: ${change}`);
  }
  return lines;
}

/** "12 of 45 Applications Synced and Healthy; earliest wave not done: 3". */
export function progressLine(expected: readonly ExpectedApp[], states: ReadonlyMap<string, AppState>): string {
  const ready = expected.filter((a) => isReady(states.get(a.name))).length;
  const first = expected.find((a) => !isReady(states.get(a.name)));
  const where = first ? (first.wave === undefined ? "; waiting for root" : `; earliest wave not done: ${first.wave}`) : "";
  return `${ready} of ${expected.length} Applications Synced and Healthy${where}`;
}

/**
 * What is stuck, grouped by wave, earliest first (later waves wait on earlier ones): per
 * Application its sync and health status, health message, last operation, conditions and the
 * resources that are not Healthy; Applications not created yet listed by name per wave.
 */
export function stuckReport(expected: readonly ExpectedApp[], states: ReadonlyMap<string, AppState>): string[] {
  const groups = new Map<string, ExpectedApp[]>();
  for (const app of expected) {
    if (isReady(states.get(app.name))) continue;
    const key = app.wave === undefined ? "root" : `wave ${app.wave}`;
    groups.set(key, [...(groups.get(key) ?? []), app]);
  }
  const lines: string[] = [];
  for (const [group, apps] of groups) {
    lines.push(`  ${group}`);
    const missing: string[] = [];
    for (const app of apps) {
      const s = states.get(app.name);
      if (!s) {
        missing.push(app.name);
        continue;
      }
      lines.push(`    ${app.name}: sync ${s.sync ?? "Unknown"}, health ${s.health ?? "Unknown"}`);
      if (s.healthMessage) lines.push(`      health message: ${s.healthMessage}`);
      if (s.operationPhase || s.operationMessage) lines.push(`      last sync operation: ${[s.operationPhase, s.operationMessage].filter(Boolean).join(": ")}`);
      for (const c of s.conditions) lines.push(`      condition ${c.type}: ${c.message}`);
      for (const r of s.troubled.slice(0, 5)) lines.push(`      resource ${r}`);
      if (s.troubled.length > 5) lines.push(`      … and ${s.troubled.length - 5} more resources not Synced/Healthy`);
    }
    if (missing.length > 0) {
      lines.push(`    not created yet (the root creates them once the earlier waves are Healthy): ${missing.join(", ")}`);
    }
  }
  return lines;
}

/** The first stuck Application that exists, to name in the fix. */
export function firstStuck(expected: readonly ExpectedApp[], states: ReadonlyMap<string, AppState>): string | undefined {
  return expected.find((a) => states.has(a.name) && !isReady(states.get(a.name)))?.name;
}

/** Argo CD's messages when git or helm is refused by the repository's host (go-git, git and ssh wordings). */
const HOST_KEY = /knownhosts|host key|key is unknown|REMOTE HOST IDENTIFICATION/i;
// Argo CD with no credential for an SSH URL asks for an SSH agent, which no repo-server has.
const AUTH = /authentication required|authentication failed|unable to authenticate|permission denied|handshake failed|could not read Username|repository not found|invalid username or password|SSH agent requested|SSH_AUTH_SOCK|\b401\b|\b403\b/i;

/**
 * When the root Application's condition says Argo CD cannot read the repository, the report:
 * Argo CD's own message and the fix for the cluster's repo.access. Undefined otherwise.
 */
export function repoRefusal(root: AppState | undefined, repo: RepoAccessInfo, context: string, since?: number): string | undefined {
  // A condition from before `since` (a run of bootstrap before this one, without the credential
  // this one applied) is Argo CD's verdict on an older state: wait for it to compare again.
  if (since !== undefined && root?.reconciledAt !== undefined && root.reconciledAt < Math.floor(since / 1000) * 1000) return undefined;
  const c = root?.conditions.find((x) => /Error$/.test(x.type) && (HOST_KEY.test(x.message) || AUTH.test(x.message)));
  if (!c) return undefined;
  const connect = `berth repo connect ${repo.cluster}`;
  const fix = HOST_KEY.test(c.message)
    ? `Argo CD does not trust the repository host's SSH key: \`${connect}\` pins the host keys GitHub publishes (repo.knownHosts); run berth generate, commit, push, and bootstrap again`
    : repo.access === "public"
      ? `the repository is private: set repo.access in cluster.yaml (deployKey, githubApp or token), run \`${connect}\`, berth generate, commit, push, and bootstrap again with --key`
      : `the sealed credential does not open ${repo.url}: run \`${connect}\` (it checks the deploy key is still registered; --rotate replaces a revoked one), commit, push, and bootstrap again`;
  return [
    `berth: Argo CD cannot read ${repo.url}; the root Application reports ${c.type}: ${c.message}`,
    `  fix: ${fix}. (\`kubectl --context ${context} -n argocd describe application root\` shows the same.)`,
  ].join("\n");
}
