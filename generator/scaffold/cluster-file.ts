import { Document } from "yaml";
import type { Profile } from "../model/types.js";
import { CLUSTER_DEFAULTS } from "./profiles.js";
import { schemaLine } from "./schema-line.js";

export interface NewCluster {
  name: string;
  profile: Profile;
  repoUrl: string;
  apps: readonly string[];
}

/** A new clusters/<name>/cluster.yaml: the profile's defaults, the repository, the given apps. */
export function clusterFileContent(c: NewCluster): string {
  const d = CLUSTER_DEFAULTS[c.profile];
  const doc = new Document({
    description: `The ${c.name} cluster (${c.profile}). Check kubernetes.version and capacity against the real cluster.`,
    profile: c.profile,
    repo: { url: c.repoUrl, revision: "main" },
    kubernetes: { version: d.kubernetes },
    capacity: d.capacity,
    environments: d.environments,
    ...(d.domain ? { ingress: { domain: d.domain } } : {}),
    apps: [...c.apps],
  });
  const envs = doc.get("environments", true) as { flow?: boolean };
  envs.flow = true;
  return `${schemaLine("cluster")}${doc.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
}
