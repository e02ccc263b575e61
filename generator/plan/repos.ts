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

/**
 * A registry on this machine (127.0.0.1, localhost, [::1]): the one place a chart registry may be
 * plain HTTP (berth's renders pass helm --plain-http, Argo CD's Secret says insecureOCIForceHttp).
 */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
  } catch {
    return false;
  }
}

/** A stable repository name for argocd-cm / repository Secrets, derived from the URL. */
export function repoName(repo: string): string {
  return argoRepoURL(repo)
    .replace(/^https?:\/\//, "")
    .replace(/[^a-z0-9]+/gi, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
}
