import type { Repository } from "./parse.js";

/** Where a release's chart comes from, as berth's app.yaml `source:` needs it. */
/** `explicit`: written as a path (./…, ../…), not possibly a repository reference. */
export type ChartRef = { kind: "remote"; repo: string; chart: string } | { kind: "local"; path: string; explicit: boolean } | { kind: "unknown"; reason: string };

/**
 * helmfile's `chart:` is `oci://host/path/chart`, `<repository>/<chart>` for a repository listed
 * under `repositories:` (an `oci: true` one becomes `oci://<url>`), or else a folder relative to
 * the helmfile.
 */
export function resolveChart(chart: string, repositories: ReadonlyMap<string, Repository>): ChartRef {
  if (chart.startsWith("oci://")) {
    const cut = chart.lastIndexOf("/");
    return { kind: "remote", repo: chart.slice(0, cut), chart: chart.slice(cut + 1) };
  }
  const slash = chart.indexOf("/");
  const repo = slash > 0 ? repositories.get(chart.slice(0, slash)) : undefined;
  if (repo) {
    const url = repo.url.replace(/\/+$/, "");
    return { kind: "remote", repo: repo.oci && !url.startsWith("oci://") ? `oci://${url}` : url, chart: chart.slice(slash + 1) };
  }
  if (chart.startsWith("/")) return { kind: "unknown", reason: "is an absolute path" };
  const explicit = chart.startsWith("./") || chart.startsWith("../");
  if (explicit || slash > 0) return { kind: "local", path: chart.replace(/^\.\//, "").replace(/\/+$/, ""), explicit };
  return { kind: "unknown", reason: "names no repository under repositories: and no folder" };
}
