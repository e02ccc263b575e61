import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { layout } from "../layout.js";
import { subdirs } from "../model/load-fleet.js";

/** What the scaffolding planners need to know of the repository, read once. */
export interface RepoSnapshot {
  /** App folder names under apps/. */
  apps: ReadonlySet<string>;
  /** cluster.yaml text by cluster name. */
  clusterFiles: ReadonlyMap<string, string>;
  /** Every file under clusters/, apps/ and secrets/ (repository-relative), for removals. */
  files: readonly string[];
}

export function readSnapshot(root: string): RepoSnapshot {
  const apps = new Set(subdirs(root, layout.appsDir));
  const clusterFiles = new Map<string, string>();
  for (const c of subdirs(root, layout.clustersDir)) {
    const f = join(root, layout.clusterFile(c));
    if (existsSync(f)) clusterFiles.set(c, readFileSync(f, "utf8"));
  }
  const files = [layout.clustersDir, layout.appsDir, layout.secretsDir].flatMap((d) => listFiles(root, d));
  return { apps, clusterFiles, files };
}

function listFiles(root: string, dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const e of readdirSync(abs, { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out.sort();
}
