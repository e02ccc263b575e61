// The Applications as the API server reports them, and how the e2e reads and describes them.
import { ARGOCD_NAMESPACE } from "./argocd.mjs";

/** Every Application in argocd, by name. */
export async function applications(kubectl) {
  const r = await kubectl`kubectl -n ${ARGOCD_NAMESPACE} get applications.argoproj.io -o json`.nothrow();
  if (r.exitCode !== 0) return new Map();
  return new Map(JSON.parse(r.stdout).items.map((a) => [a.metadata.name, a]));
}

export const synced = (a) => a?.status?.sync?.status === "Synced" && a?.status?.health?.status === "Healthy";
export const waveOf = (a) => Number(a.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0);

export function describe(a) {
  const conds = (a.status?.conditions ?? []).map((c) => `${c.type}: ${c.message}`).join("; ");
  const op = a.status?.operationState;
  // Argo CD puts a refused resource's reason on the resource's result, not on the operation.
  const failed = (op?.syncResult?.resources ?? []).filter((r) => r.status === "SyncFailed").map((r) => `${r.kind} ${r.name}: ${r.message}`).join("; ");
  return `${a.metadata.name}: sync ${a.status?.sync?.status ?? "?"}, health ${a.status?.health?.status ?? "?"}${op ? `, last operation ${op.phase}: ${op.message ?? ""}` : ""}${failed ? ` (${failed})` : ""}${conds ? `; ${conds}` : ""}`;
}
