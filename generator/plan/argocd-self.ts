/**
 * Health of child Applications, so that sync waves between them wait. Argo CD removed the
 * built-in health assessment of argoproj.io/Application in v1.8; without this check an
 * app-of-apps treats every child as healthy at once and waves order nothing.
 *
 * Argo CD's own verdict on a child (status.health) is not enough to gate a wave: it leaves out
 * resources not created yet and reports an Application whose manifests failed to load as Healthy
 * (controller/health.go, argoproj/argo-cd#10682, #27917), and right after the parent changes a
 * child's spec, the verdict still belongs to the old spec (#29649). So a child counts as Healthy
 * only when its last comparison succeeded and was made against its current source(s), no sync of
 * it is running, it is Synced, and its resources are Healthy. A child Argo CD calls Degraded or
 * Suspended stays so; anything else is Progressing, so the wave waits: a sync gate reads Missing
 * as done (gitops-engine sync_context getOperationPhase), and a transient repo-server error must
 * not fail the parent's sync. An Application that manages itself (the root syncs its own file, so
 * it is tracked under its own name) keeps Argo CD's verdict, or its sync would wait for itself.
 */
export const APPLICATION_HEALTH_LUA = `local function same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then
    return a == b
  end
  for k, v in pairs(a) do
    if not same(v, b[k]) then
      return false
    end
  end
  for k, _ in pairs(b) do
    if a[k] == nil then
      return false
    end
  end
  return true
end
hs = {}
hs.status = "Progressing"
hs.message = "waiting for the Application's first comparison"
local st = obj.status
if st == nil or st.health == nil or st.health.status == nil then
  return hs
end
local meta = obj.metadata or {}
local tracking = (meta.annotations or {})["argocd.argoproj.io/tracking-id"]
local own = (meta.name or "") .. ":argoproj.io/Application:" .. (meta.namespace or "") .. "/" .. (meta.name or "")
if tracking == own or (meta.labels or {})["app.kubernetes.io/instance"] == meta.name then
  hs.status = st.health.status
  hs.message = st.health.message or ""
  return hs
end
if st.conditions ~= nil then
  for _, c in ipairs(st.conditions) do
    if c.type == "ComparisonError" or c.type == "InvalidSpecError" then
      hs.message = c.type .. ": " .. (c.message or "")
      return hs
    end
  end
end
local health = st.health.status
if health == "Degraded" or health == "Suspended" then
  hs.status = health
  hs.message = st.health.message or ""
  return hs
end
if health ~= "Healthy" then
  hs.message = health .. ": " .. (st.health.message or "")
  return hs
end
local op = st.operationState
if op ~= nil and (op.phase == "Running" or op.phase == "Terminating") then
  hs.message = "sync " .. op.phase .. ": " .. (op.message or "")
  return hs
end
local sync = st.sync
if sync == nil or sync.status ~= "Synced" then
  hs.message = "resources Healthy, sync " .. ((sync ~= nil and sync.status) or "Unknown")
  return hs
end
local spec = obj.spec or {}
local compared = sync.comparedTo or {}
local fresh
if spec.sources ~= nil then
  fresh = same(spec.sources, compared.sources)
else
  fresh = same(spec.source, compared.source)
end
if not fresh then
  hs.message = "waiting for a comparison with the current source"
  return hs
end
hs.status = "Healthy"
hs.message = st.health.message or ""
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
