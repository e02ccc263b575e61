import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { layout } from "../layout.js";
import { subdirs } from "../read/load-fleet.js";
import { listAllEntries } from "../read/repo-files.js";

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
  const files = [layout.clustersDir, layout.appsDir, layout.secretsDir].flatMap((d) => listAllEntries(root, d));
  return { apps, clusterFiles, files };
}
