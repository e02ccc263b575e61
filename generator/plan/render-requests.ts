import { join } from "node:path";
import type { Instance } from "../model/instances.js";
import { localSourceDir } from "../model/source-paths.js";
import { layout } from "../layout.js";
import type { RenderRequest } from "./render-request.js";
import { valueFiles, valuesObject } from "./applications.js";
import type { ClusterPlan } from "./plan-cluster.js";

/**
 * What Argo CD's repo-server would render for an instance, as a request for the real tools:
 * the same chart, value files (in the same order) and inline values as the generated
 * Application, the cluster's Kubernetes version and its declared extra API versions.
 */
export function renderRequest(plan: Pick<ClusterPlan, "cluster">, inst: Instance, root: string): RenderRequest {
  const { cluster } = plan;
  const base = {
    app: inst.id,
    namespace: inst.namespace,
    kubeVersion: cluster.spec.kubernetes.version,
    apiVersions: [...(cluster.spec.kubernetes.apiVersions ?? [])].sort(),
  };
  if (inst.kind === "secrets") {
    return { ...base, source: { type: "manifests", dir: join(root, layout.secretsNamespaceDir(cluster.name, inst.namespace)) } };
  }
  const app = inst.app!;
  const src = app.spec.source;
  const dir = localSourceDir(app, cluster.profile, inst.environment);
  if (src.type === "kustomize") return { ...base, source: { type: "kustomize", dir: join(root, dir!) } };
  if (src.type === "manifests") return { ...base, source: { type: "manifests", dir: join(root, dir!) } };
  const files = valueFiles(inst, cluster).map((f) => join(root, f));
  const values = valuesObject(inst, { cluster, wave: 0 });
  if (src.type === "chart") {
    return { ...base, source: { type: "helm-local", chartDir: join(root, dir!), releaseName: app.spec.releaseName ?? app.name, valueFiles: files, values } };
  }
  return { ...base, source: { type: "helm-remote", repo: src.repo, chart: src.chart, version: src.version, releaseName: app.spec.releaseName ?? app.name, valueFiles: files, values } };
}
