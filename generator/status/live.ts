import { applicationItems, conditionsOf, isPlain, oneLine, str, type Plain } from "../read/live-applications.js";

/** One Application as its cluster's Argo CD reports it (`kubectl get applications.argoproj.io -o json`). */
export interface LiveApp {
  name: string;
  sync?: string;
  health?: string;
  healthMessage?: string;
  /** The Git commit it was compared at; undefined for an app whose only source is a Helm chart. */
  revision?: string;
  operation?: LiveOperation;
  conditions: { type: string; message: string }[];
}

export interface LiveOperation {
  phase: string;
  message?: string;
  /** How often Argo CD has retried it (its retry policy); a retried operation stays Running. */
  retryCount: number;
  /** Resources the operation could not sync, with Argo CD's reason (a refused kind is reported here, not on the operation). */
  failed: { kind: string; name: string; namespace?: string; message: string }[];
}

const isSha = (v: unknown): v is string => typeof v === "string" && /^[0-9a-f]{40}$/.test(v);

/** Parses the Application list; undefined when the text is not such a list. */
export function parseLiveApps(json: string): LiveApp[] | undefined {
  const items = applicationItems(json);
  if (!items) return undefined;
  const out: LiveApp[] = [];
  for (const { name, status, sync, health } of items) {
    const revisions = Array.isArray(sync.revisions) ? sync.revisions : [];
    out.push({
      name,
      sync: str(sync.status),
      health: str(health.status),
      healthMessage: str(health.message) && oneLine(str(health.message)!),
      revision: isSha(sync.revision) ? sync.revision : revisions.find(isSha),
      operation: operationOf(status.operationState),
      conditions: conditionsOf(status),
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function operationOf(op: unknown): LiveOperation | undefined {
  if (!isPlain(op) || !str(op.phase)) return undefined;
  const result = isPlain(op.syncResult) ? op.syncResult : {};
  const failed = (Array.isArray(result.resources) ? result.resources : [])
    .filter((r): r is Plain => isPlain(r) && r.status === "SyncFailed")
    .map((r) => ({ kind: str(r.kind) ?? "?", name: str(r.name) ?? "?", ...(str(r.namespace) ? { namespace: str(r.namespace) } : {}), message: oneLine(str(r.message) ?? "") }));
  return { phase: str(op.phase)!, message: str(op.message) && oneLine(str(op.message)!), retryCount: typeof op.retryCount === "number" ? op.retryCount : 0, failed };
}
