import { fail, ok, type Diagnostic, type Result } from "../errors.js";
import { layout } from "../layout.js";
import { clusterSchema } from "../model/schema/cluster.schema.js";
import type { Profile } from "../model/types.js";
import type { PlannedFile } from "../write/changes.js";
import { setRepoUrl } from "./cluster-edit.js";
import type { ScaffoldPlan } from "./new-app.js";
import { planNewCluster } from "./new-cluster.js";
import { checkNoCredentials, checkOption } from "./option-check.js";
import { ALL_PLATFORM_APPS } from "./profiles.js";
import type { RepoSnapshot } from "./snapshot.js";

export interface InitRequest {
  repoUrl: string;
  cluster?: { name: string; profile: Profile };
  /** Remove the example fleet: its clusters (with certificates), its apps but the platform ones, its sealed secrets. */
  empty: boolean;
  /**
   * The folders the example fleet has (at the commit it was taken from): only these are removed,
   * so clusters and apps added since, or a second `init --empty`, lose nothing of the user's.
   */
  example: { clusters: readonly string[]; apps: readonly string[] };
  /** The files git tracks (see GitState.tracked): only these are removed; the rest is listed as kept. */
  tracked: ReadonlySet<string>;
}


/** A removed folder and how many files it held, for the report. */
export interface RemovedFolder {
  path: string;
  files: number;
}

export interface InitPlan extends ScaffoldPlan {
  removedFolders: RemovedFolder[];
  /** Files in the removed folders git does not track (gitignored): left in place, listed to the user. */
  keptFiles: string[];
}

/**
 * `berth init`: points every cluster at the user's repository, adds their first cluster and, with
 * `empty`, removes the example: its cluster folders (cluster.yaml, sealing certificate, generated
 * output, values), its app folders except the platform apps, its clusters' sealed secrets.
 * `recordCommit` is the commit holding the pristine example, written to `layout.exampleFleetRef`
 * (undefined: keep the one recorded by an earlier run).
 */
export function planInit(req: InitRequest, snap: RepoSnapshot, recordCommit: string | undefined): Result<InitPlan> {
  const problems: Diagnostic[] = [];
  checkOption("--repo-url", req.repoUrl, clusterSchema.properties.repo.properties.url, problems);
  checkNoCredentials("--repo-url", req.repoUrl, problems);
  if (req.empty && !req.cluster) problems.push({ file: "--cluster", line: 0, col: 0, message: "is required with --empty: the fleet needs at least one cluster", hint: "pass --cluster NAME --profile kind|k3s|cloud" });
  if (problems.length > 0) return fail(problems);

  const removedClusters = req.empty ? [...snap.clusterFiles.keys()].filter((c) => req.example.clusters.includes(c)) : [];
  const kept = new Map([...snap.clusterFiles].filter(([c]) => !removedClusters.includes(c)));
  const keptApps = req.empty ? new Set([...snap.apps].filter((a) => ALL_PLATFORM_APPS.includes(a) || !req.example.apps.includes(a))) : snap.apps;
  const writes: PlannedFile[] = [];
  const done: string[] = [];
  for (const [c, text] of kept) {
    const edited = setRepoUrl(text, req.repoUrl);
    if (edited !== text) {
      writes.push({ path: layout.clusterFile(c), content: edited });
      done.push(`set repo.url in ${layout.clusterFile(c)}`);
    }
  }
  let next: string[] = ["berth generate && berth validate, then commit"];
  if (req.cluster) {
    const snapAfter: RepoSnapshot = { ...snap, apps: keptApps, clusterFiles: kept };
    const cluster = planNewCluster({ ...req.cluster, repoUrl: req.repoUrl }, snapAfter);
    if (!cluster.ok) return cluster;
    writes.push(...cluster.value.writes);
    done.push(...cluster.value.done);
    next = cluster.value.next;
  }
  const removedFolders: RemovedFolder[] = [];
  const removals: string[] = [];
  const keptFiles: string[] = [];
  if (req.empty) {
    const written = new Set(writes.map((w) => w.path));
    const folders = [
      ...removedClusters.map((c) => `${layout.clustersDir}/${c}`),
      ...[...snap.apps].filter((a) => !keptApps.has(a)).map((a) => layout.appDir(a)),
      ...removedClusters.map((c) => `${layout.secretsDir}/${c}`),
    ];
    for (const folder of folders) {
      const inside = snap.files.filter((f) => f.startsWith(`${folder}/`) && !written.has(f));
      // An untracked file here is gitignored (init --empty runs only in a clean tree): git cannot
      // bring it back, so it stays.
      const files = inside.filter((f) => req.tracked.has(f));
      keptFiles.push(...inside.filter((f) => !req.tracked.has(f)));
      if (files.length === 0) continue;
      removals.push(...files);
      removedFolders.push({ path: `${folder}/`, files: files.length });
    }
    const secrets = removals.filter((f) => f.startsWith(`${layout.secretsDir}/`)).length;
    const platform = [...keptApps].filter((a) => ALL_PLATFORM_APPS.includes(a));
    if (removedFolders.length === 0) done.push("nothing of the example fleet is left to remove");
    else done.push(`removed the example fleet: ${plural(removedClusters.length, "cluster")}, ${plural(snap.apps.size - keptApps.size, "app")}, ${plural(secrets, "sealed secret")}; kept the platform apps ${platform.join(", ")}`);
  }
  if (recordCommit) writes.push({ path: layout.exampleFleetRef, content: `${recordCommit}\n` });
  return ok({ writes, removals, done, next, removedFolders, keptFiles });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
