import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { UserError, type Diagnostic } from "../errors.js";
import type { Cluster, Fleet } from "../model/fleet.js";
import { valueFiles, valuesObject } from "../plan/applications.js";
import { mergeValues } from "../plan/merge.js";
import { planCluster } from "../plan/plan-cluster.js";
import { compareGenerated } from "../write/generated-tree.js";
import { nodePortsIn, type NodePortUse } from "./kind-config.js";
import { layout } from "../layout.js";

/** berth's default kind config template, relative to the repository root. */
export const KIND_TEMPLATE = "bootstrap/kind-config.yaml";
/** A cluster's own kind config, preferred over the shared template. */
export const clusterKindTemplate = (cluster: string) => layout.kindConfig(cluster);

/** Used when the repository has neither (a fleet repository that is not berth's own). */
const BUILTIN_KIND_TEMPLATE = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    labels: { ingress-ready: "true" }
    extraPortMappings:
      - { containerPort: 80, hostPort: 80, protocol: TCP }
      - { containerPort: 443, hostPort: 443, protocol: TCP }
`;

/** The kind config template for a cluster and where it came from. */
export function readKindTemplate(root: string, cluster: string): { text: string; file: string } {
  for (const file of [clusterKindTemplate(cluster), KIND_TEMPLATE]) {
    const abs = join(root, file);
    if (existsSync(abs)) return { text: readFileSync(abs, "utf8"), file };
  }
  return { text: BUILTIN_KIND_TEMPLATE, file: "berth's built-in kind config" };
}

/**
 * The node ports the cluster's apps ask for in their effective values (value files in order,
 * then the Application's inline values), the way Argo CD passes them to helm.
 */
export function fleetNodePorts(root: string, fleet: Fleet, cluster: Cluster): NodePortUse[] {
  const { instances, helmRepos } = planCluster(fleet, cluster);
  const out: NodePortUse[] = [];
  for (const inst of instances) {
    const src = inst.app?.spec.source.type;
    if (src !== "helm" && src !== "chart") continue;
    let values: Record<string, unknown> = {};
    for (const f of valueFiles(inst, cluster)) {
      try {
        const v: unknown = parse(readFileSync(join(root, f), "utf8"));
        if (v !== null && typeof v === "object" && !Array.isArray(v)) values = mergeValues(values, v as Record<string, unknown>);
      } catch {
        // unreadable values are validate's business; they cannot ask for a port
      }
    }
    values = mergeValues(values, valuesObject(inst, { cluster, wave: 0, helmRepos }));
    for (const port of nodePortsIn(values)) out.push({ port, app: inst.id });
  }
  return out;
}

/** Fails unless the cluster's committed clusters/<cluster>/argocd/ is what berth generates now. */
export function requireCurrentOutput(root: string, fleet: Fleet, cluster: Cluster): void {
  const plan = planCluster(fleet, cluster);
  const changes = compareGenerated(root, [{ cluster: cluster.name, files: plan.files }]);
  if (changes.foreign.length > 0) throw new UserError(changes.foreign);
  const stale = [...changes.changed, ...changes.removed];
  if (stale.length === 0) return;
  const hint = `run \`berth generate --cluster ${cluster.name}\`, commit and push (Argo CD reads ${cluster.spec.repo.url} at ${cluster.spec.repo.revision ?? "main"}, not this checkout), then bootstrap`;
  throw new UserError(
    stale.map<Diagnostic>((file) => ({
      file,
      line: 0,
      col: 0,
      message: changes.removed.includes(file) ? "is no longer generated but is still committed: Argo CD would apply it" : "is stale: the root Application would sync something other than the fleet describes",
      hint,
    })),
  );
}

/** Node configuration files committed under clusters/<cluster>/k3s/ (repository-relative, sorted). */
export function k3sNodeFiles(root: string, cluster: string): string[] {
  const dir = layout.k3sDir(cluster);
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${dir}/${e.name}`)
    .sort();
}
