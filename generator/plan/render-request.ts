/** Where an application's manifests come from. All paths are absolute. */
export type RenderSource =
  | {
      type: "helm-remote";
      /** `https://…` chart repository, or an OCI registry (`oci://host/path`). */
      repo: string;
      chart: string;
      version: string;
      releaseName: string;
      valueFiles: string[];
      values: Record<string, unknown>;
    }
  | {
      type: "helm-local";
      chartDir: string;
      releaseName: string;
      valueFiles: string[];
      values: Record<string, unknown>;
    }
  | { type: "kustomize"; dir: string }
  | { type: "manifests"; dir: string };

export interface RenderRequest {
  app: string;
  /** The destination namespace (helm --namespace). */
  namespace: string;
  /** The target cluster's Kubernetes version, e.g. "1.30.0". */
  kubeVersion: string;
  /** API versions the target cluster serves beyond the built-in ones, e.g. "monitoring.coreos.com/v1". */
  apiVersions: string[];
  source: RenderSource;
}

/** The local files and folders a render reads (value files, chart or kustomize folder). */
export function sourcePaths(s: RenderSource): string[] {
  switch (s.type) {
    case "helm-remote":
      return s.valueFiles;
    case "helm-local":
      return [s.chartDir, ...s.valueFiles];
    case "kustomize":
    case "manifests":
      return [s.dir];
  }
}
