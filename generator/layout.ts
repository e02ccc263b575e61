/**
 * Every path berth reads or writes, in one place. Paths are repository-relative with forward
 * slashes; the writer joins them onto the repository root.
 */
export const layout = {
  clustersDir: "clusters",
  appsDir: "apps",
  secretsDir: "secrets",
  clusterFile: (cluster: string) => `clusters/${cluster}/cluster.yaml`,
  /** The folder berth owns for a cluster; the root Application syncs it. */
  generatedDir: (cluster: string) => `clusters/${cluster}/argocd`,
  clusterValuesFile: (cluster: string, app: string) => `clusters/${cluster}/values/${app}.yaml`,
  sealingCert: (cluster: string) => `clusters/${cluster}/sealing-cert.pem`,
  appDir: (app: string) => `apps/${app}`,
  appFile: (app: string) => `apps/${app}/app.yaml`,
  /** Values files layered app < profile < environment < cluster. */
  appValuesFile: (app: string, variant?: string) => `apps/${app}/${variant ? `values-${variant}` : "values"}.yaml`,
  secretsNamespaceDir: (cluster: string, namespace: string) => `secrets/${cluster}/${namespace}`,
  sealedSecretFile: (cluster: string, namespace: string, name: string) => `secrets/${cluster}/${namespace}/${name}.yaml`,
  schemaFile: (kind: "cluster" | "app") => `generator/schemas/${kind}.schema.json`,
  /** Written by `berth init`: the commit that holds the example fleet (scripts/example-fleet.js reads it). */
  exampleFleetRef: ".berth/example-fleet.ref",
} as const;

/** Argo CD's namespace on every cluster; Applications and AppProjects live here. */
export const ARGOCD_NAMESPACE = "argocd";
export const IN_CLUSTER = "https://kubernetes.default.svc";
