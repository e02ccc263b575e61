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
 * The values berth adds to Argo CD's own chart: the Application health check, and the SSH host
 * keys pinned for the fleet repository (argocd-ssh-known-hosts-cm), replacing the chart's list.
 * No repository is registered without credentials: Argo CD (from 3.x) reads a scheme-less chart
 * registry as OCI by itself (util/helm IsHelmOciRepo), so only registries with a sealed credential
 * (berth repo connect) have a repository Secret, and the chart renders no plaintext Secret.
 */
export function argocdSelfValues(access: { knownHosts?: readonly string[] } = {}): Record<string, unknown> {
  const knownHosts = access.knownHosts ?? [];
  return {
    configs: {
      cm: { "resource.customizations.health.argoproj.io_Application": APPLICATION_HEALTH_LUA },
      ...(knownHosts.length > 0 ? { ssh: { knownHosts: `${[...knownHosts].sort().join("\n")}\n` } } : {}),
    },
  };
}
