import { parseDocument } from "yaml";
import { fail, ok, type Diagnostic, type Result } from "../errors.js";
import { layout } from "../layout.js";
import { clusterSchema } from "../model/schema/cluster.schema.js";
import type { Profile } from "../model/types.js";
import { clusterFileContent } from "./cluster-file.js";
import { assertSchemaValid, checkNoCredentials, checkOption } from "./option-check.js";
import { PLATFORM_APPS } from "./profiles.js";
import type { ScaffoldPlan } from "./new-app.js";
import type { RepoSnapshot } from "./snapshot.js";

export interface NewClusterRequest {
  name: string;
  profile: Profile;
  /** Defaults to the repository the existing clusters track. */
  repoUrl?: string;
}

/** `berth new cluster`: clusters/<name>/cluster.yaml running the profile's platform apps. */
export function planNewCluster(req: NewClusterRequest, snap: RepoSnapshot): Result<ScaffoldPlan> {
  const problems: Diagnostic[] = [];
  checkOption("NAME", req.name, clusterSchema.properties.environments.items, problems);
  checkOption("--profile", req.profile, clusterSchema.properties.profile, problems);
  const repoUrl = req.repoUrl ?? trackedRepo(snap);
  if (repoUrl === undefined) problems.push({ file: "--repo-url", line: 0, col: 0, message: "is required: there is no cluster yet to take the repository URL from", hint: "pass --repo-url https://github.com/<you>/<fleet>.git" });
  else {
    checkOption("--repo-url", repoUrl, clusterSchema.properties.repo.properties.url, problems);
    checkNoCredentials("--repo-url", repoUrl, problems);
  }
  if (snap.clusterFiles.has(req.name)) problems.push({ file: layout.clusterFile(req.name), line: 0, col: 0, message: `cluster "${req.name}" already exists`, hint: "choose another name" });
  if (problems.length > 0 || repoUrl === undefined) return fail(problems);
  const apps = PLATFORM_APPS[req.profile];
  for (const a of apps) {
    if (!snap.apps.has(a)) problems.push({ file: layout.appFile(a), line: 0, col: 0, message: `the platform app "${a}" every ${req.profile} cluster runs is missing`, hint: `restore it from git (git checkout <commit> -- ${layout.appDir(a)}) or from berth's repository` });
  }
  if (problems.length > 0) return fail(problems);
  const content = clusterFileContent({ name: req.name, profile: req.profile, repoUrl, apps });
  assertSchemaValid("cluster", layout.clusterFile(req.name), content);
  return ok({
    writes: [{ path: layout.clusterFile(req.name), content }],
    removals: [],
    done: [`created ${layout.clusterFile(req.name)} (profile ${req.profile}, apps: ${apps.join(", ")})`],
    next: [
      `check kubernetes.version, capacity and environments in ${layout.clusterFile(req.name)}`,
      `berth keys generate --cluster ${req.name} --out ~/.berth/${req.name}-sealing.key   (the certificate is committed, the key never)`,
      `berth new app NAME … --cluster ${req.name}   (or berth import helmfile FILE --cluster ${req.name})`,
      `berth generate && berth validate, commit and push, then berth bootstrap --cluster ${req.name}`,
    ],
  });
}

/** The repository URL the existing clusters track (the first cluster's, alphabetically). */
function trackedRepo(snap: RepoSnapshot): string | undefined {
  for (const text of snap.clusterFiles.values()) {
    const url = parseDocument(text).getIn(["repo", "url"]);
    if (typeof url === "string") return url;
  }
  return undefined;
}
