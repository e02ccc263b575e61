/**
 * Argo CD's form of a Helm repository URL. OCI registries are written without the `oci://`
 * scheme and registered as Helm repositories with OCI enabled (Argo CD's classic Helm-over-OCI
 * source), so the chart and version stay explicit in the Application.
 */
export function argoRepoURL(repo: string): string {
  return repo.startsWith("oci://") ? repo.slice("oci://".length).replace(/\/+$/, "") : repo;
}

export function isOci(repo: string): boolean {
  return repo.startsWith("oci://");
}

/** A stable repository name for argocd-cm / repository Secrets, derived from the URL. */
export function repoName(repo: string): string {
  return argoRepoURL(repo)
    .replace(/^https?:\/\//, "")
    .replace(/[^a-z0-9]+/gi, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
}
