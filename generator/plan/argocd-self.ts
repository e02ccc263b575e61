import { argoRepoURL, isOci, repoName } from "./repos.js";

/**
 * Health of child Applications, so that sync waves between them wait. Argo CD removed the
 * built-in health assessment of argoproj.io/Application in v1.8; without this check an
 * app-of-apps treats every child as healthy at once and waves order nothing.
 */
export const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

/**
 * The values berth adds to Argo CD's own chart: the Application health check; the OCI Helm
 * registries the cluster's apps use, registered declaratively without credentials, except those
 * whose sealed repository Secret (berth repo connect) registers them with credentials; and the SSH
 * host keys pinned for the fleet repository (argocd-ssh-known-hosts-cm), replacing the chart's list.
 */
export function argocdSelfValues(helmRepos: readonly string[], access: { registries?: readonly { url: string; prefix?: boolean }[]; knownHosts?: readonly string[] } = {}): Record<string, unknown> {
  const sealed = access.registries ?? [];
  const covered = (repo: string) => sealed.some((r) => (r.prefix ? argoRepoURL(repo).startsWith(argoRepoURL(r.url)) : argoRepoURL(r.url) === argoRepoURL(repo)));
  const repositories: Record<string, unknown> = {};
  for (const repo of [...new Set(helmRepos)].filter(isOci).filter((r) => !covered(r)).sort()) {
    repositories[repoName(repo)] = { name: repoName(repo), type: "helm", url: argoRepoURL(repo), enableOCI: "true" };
  }
  const knownHosts = access.knownHosts ?? [];
  return {
    configs: {
      cm: { "resource.customizations.health.argoproj.io_Application": APPLICATION_HEALTH_LUA },
      ...(Object.keys(repositories).length > 0 ? { repositories } : {}),
      ...(knownHosts.length > 0 ? { ssh: { knownHosts: `${[...knownHosts].sort().join("\n")}\n` } } : {}),
    },
  };
}
