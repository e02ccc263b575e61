/**
 * Every path berth reads or writes, in one place. Paths are repository-relative with forward
 * slashes; the writer joins them onto the repository root.
 */
export const layout = {
  clustersDir: "clusters",
  appsDir: "apps",
  secretsDir: "secrets",
  clusterFile: (cluster: string) => `clusters/${cluster}/cluster.yaml`,
  /** Everything under this folder belongs to the cluster (its generated output included). */
  clusterDir: (cluster: string) => `clusters/${cluster}`,
  /** The folder berth owns for a cluster; the root Application syncs it. */
  generatedDir: (cluster: string) => `clusters/${cluster}/argocd`,
  /** True for a repository-relative path inside some cluster's generated folder. */
  isGenerated: (path: string) => /^clusters\/[^/]+\/argocd\//.test(path),
  /** The root's AppProject and the root Application: what bootstrap applies. */
  rootFile: (cluster: string) => `clusters/${cluster}/argocd/root.yaml`,
  /** The layers' AppProjects. */
  projectsFile: (cluster: string) => `clusters/${cluster}/argocd/projects.yaml`,
  namespacesFile: (cluster: string) => `clusters/${cluster}/argocd/namespaces.yaml`,
  /** The child Applications of one layer. */
  layerFile: (cluster: string, layer: string) => `clusters/${cluster}/argocd/${layer}.yaml`,
  /** With `appOfApps: layered`: the parent Applications the root syncs. */
  parentsFile: (cluster: string) => `clusters/${cluster}/argocd/parents.yaml`,
  /** With `appOfApps: layered`: the child Applications of one parent, named after it. */
  parentFile: (cluster: string, parent: string) => `clusters/${cluster}/argocd/${parent}.yaml`,
  parentFileName: (parent: string) => `${parent}.yaml`,
  /** The files a layered root syncs (Argo CD directory `include`, a gobwas glob); a flat root syncs the whole folder. */
  layeredRootInclude: "{root.yaml,projects.yaml,namespaces.yaml,parents.yaml}",
  /** Generated-folder-relative paths of the root Application, parents, AppProjects and Namespaces (not of an app). */
  isClusterLevel: (rel: string) => rel === "root.yaml" || rel === "projects.yaml" || rel === "namespaces.yaml" || rel === "parents.yaml",
  kindConfig: (cluster: string) => `clusters/${cluster}/kind-config.yaml`,
  k3sDir: (cluster: string) => `clusters/${cluster}/k3s`,
  clusterValuesFile: (cluster: string, app: string) => `clusters/${cluster}/values/${app}.yaml`,
  /** The active certificate: `berth seal` seals with it; the controller's newest key. */
  sealingCert: (cluster: string) => `clusters/${cluster}/sealing-cert.pem`,
  /** Older certificates whose keys the cluster's controller still holds (so what they sealed still opens). */
  sealingCertsDir: (cluster: string) => `clusters/${cluster}/sealing-certs`,
  listedSealingCert: (cluster: string, fingerprint: string) => `clusters/${cluster}/sealing-certs/${fingerprint.slice(0, 12)}.pem`,
  appDir: (app: string) => `apps/${app}`,
  appFile: (app: string) => `apps/${app}/app.yaml`,
  /** Values files layered app < profile < environment < cluster. */
  appValuesFile: (app: string, variant?: string) => `apps/${app}/${variant ? `values-${variant}` : "values"}.yaml`,
  secretsClusterDir: (cluster: string) => `secrets/${cluster}`,
  secretsNamespaceDir: (cluster: string, namespace: string) => `secrets/${cluster}/${namespace}`,
  sealedSecretFile: (cluster: string, namespace: string, name: string) => `secrets/${cluster}/${namespace}/${name}.yaml`,
  schemaFile: (kind: "cluster" | "app") => `generator/schemas/${kind}.schema.json`,
  /** Written by `berth init`: the commit that holds the example fleet (scripts/example-fleet.js reads it). */
  exampleFleetRef: ".berth/example-fleet.ref",
  /** Files (or folders, ending in /) the credential scans treat as examples: one repository-relative path a line. */
  allowSecrets: ".berth/allow-secrets",
} as const;

/** Argo CD's namespace on every cluster; Applications and AppProjects live here. */
export const ARGOCD_NAMESPACE = "argocd";
export const IN_CLUSTER = "https://kubernetes.default.svc";

/** Namespaces every cluster has before Argo CD runs; berth never manages them as objects (so never prunes them). */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);
