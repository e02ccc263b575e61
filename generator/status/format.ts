import type { AppReport, ClusterReport } from "./assess.js";

const short = (sha: string | undefined) => sha?.slice(0, 7) ?? "-";

export interface FleetStatus {
  /** The commit the fleet is at (undefined outside a Git repository). */
  commit?: string;
  clusters: ClusterReport[];
}

/** 0: every Application Synced and Healthy at the commit; 2: a cluster could not be reached; else 1. */
export function statusExitCode(s: FleetStatus): 0 | 1 | 2 {
  if (s.clusters.some((c) => c.state === "unreachable")) return 2;
  return s.clusters.every((c) => c.state === "deployed") ? 0 : 1;
}

/** The human report: per cluster, one line per Application, problems and fixes under it, then the summary line. */
export function formatStatus(s: FleetStatus): string {
  const out: string[] = [];
  out.push(`fleet at commit ${s.commit ? short(s.commit) : "(unknown: not a Git repository)"}`);
  for (const c of s.clusters) {
    out.push("");
    out.push(`cluster ${c.cluster} (kube context ${c.context})`);
    if (c.problem) {
      out.push(`  ${c.state === "unreachable" ? "unreachable" : "no Argo CD"}: ${c.problem}`);
      if (c.fix) out.push(`     fix: ${c.fix}`);
    }
    const width = Math.max(0, ...c.applications.map((a) => a.name.length));
    for (const a of c.applications) out.push(...appLines(a, width));
  }
  out.push("");
  for (const c of s.clusters) out.push(c.summary);
  return `${out.join("\n")}\n`;
}

function appLines(a: AppReport, width: number): string[] {
  const mark = a.ready ? "ok" : "--";
  const rev = a.revision ? `${short(a.revision)}${a.atCommit ? "" : " (behind)"}` : "-";
  const op = a.operation ? `${a.operation.phase}${a.operation.retryCount > 0 ? ` (retry ${a.operation.retryCount})` : ""}` : "-";
  const lines = [`  ${mark} ${a.name.padEnd(width)}  ${a.sync.padEnd(9)} ${a.health.padEnd(11)} ${rev.padEnd(16)} last operation ${op}`];
  if (a.problem) lines.push(`     ${a.problem}`);
  for (const fix of a.fix?.split("\n") ?? []) lines.push(`     fix: ${fix}`);
  return lines;
}

/** `--format json`: the same report, stable keys, one document. */
export function statusJson(s: FleetStatus): string {
  return `${JSON.stringify({ commit: s.commit ?? null, exitCode: statusExitCode(s), clusters: s.clusters }, null, 2)}\n`;
}
