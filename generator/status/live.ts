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

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => v !== null && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const isSha = (v: unknown): v is string => typeof v === "string" && /^[0-9a-f]{40}$/.test(v);

/** Argo CD's messages span lines and can be long: one line, bounded. */
export function oneLine(s: string, max = 400): string {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Parses the Application list; undefined when the text is not such a list. */
export function parseLiveApps(json: string): LiveApp[] | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isPlain(doc) || !Array.isArray(doc.items)) return undefined;
  const out: LiveApp[] = [];
  for (const item of doc.items) {
    if (!isPlain(item) || !isPlain(item.metadata)) continue;
    const name = str(item.metadata.name);
    if (!name) continue;
    const status = isPlain(item.status) ? item.status : {};
    const sync = isPlain(status.sync) ? status.sync : {};
    const health = isPlain(status.health) ? status.health : {};
    const revisions = Array.isArray(sync.revisions) ? sync.revisions : [];
    out.push({
      name,
      sync: str(sync.status),
      health: str(health.status),
      healthMessage: str(health.message) && oneLine(str(health.message)!),
      revision: isSha(sync.revision) ? sync.revision : revisions.find(isSha),
      operation: operationOf(status.operationState),
      conditions: (Array.isArray(status.conditions) ? status.conditions : []).filter(isPlain).map((c) => ({ type: str(c.type) ?? "Condition", message: oneLine(str(c.message) ?? "") })),
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
