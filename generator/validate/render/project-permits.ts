/** The parts of an AppProject's spec that decide what an Application may sync. */
export interface ProjectSpec {
  destinations?: { server?: string; name?: string; namespace?: string }[];
  clusterResourceWhitelist?: { group?: string; kind?: string }[];
  clusterResourceBlacklist?: { group?: string; kind?: string }[];
  namespaceResourceWhitelist?: { group?: string; kind?: string }[];
  namespaceResourceBlacklist?: { group?: string; kind?: string }[];
}

type GroupKinds = { group?: string; kind?: string }[] | undefined;

/**
 * Argo CD v3.6.2's AppProject.IsGroupKindNamePermitted (pkg/apis/application/v1alpha1/
 * app_project_types.go): a namespaced kind passes when there is no namespace whitelist at all
 * (nil) or it is listed, and it is not blacklisted; a cluster-scoped kind passes only when the
 * cluster whitelist lists it — an empty cluster whitelist allows nothing. Entries may also name
 * objects (`name`, a glob) since 3.6; berth writes none, and an entry without a name matches
 * every name, so the kind alone decides.
 */
export function isGroupKindPermitted(spec: ProjectSpec, group: string, kind: string, namespaced: boolean): boolean {
  if (namespaced) {
    const white = spec.namespaceResourceWhitelist;
    const isWhite = white === undefined || (white.length !== 0 && inList(group, kind, white));
    return isWhite && !inList(group, kind, spec.namespaceResourceBlacklist);
  }
  return inList(group, kind, spec.clusterResourceWhitelist) && !inList(group, kind, spec.clusterResourceBlacklist);
}

/**
 * Argo CD's destination check for a namespaced object (controller/sync.go's permission
 * validator): its namespace must match one of the project's destinations on the app's server.
 * Destination patterns are globs; a leading "!" denies.
 */
export function isNamespacePermitted(spec: ProjectSpec, server: string, namespace: string): boolean {
  let matched = false;
  for (const d of spec.destinations ?? []) {
    const serverOk = d.server === undefined || d.server === "" ? false : globMatch(d.server, server);
    if (!serverOk) continue;
    const pattern = d.namespace ?? "";
    if (pattern.startsWith("!")) {
      if (!globMatch(pattern.slice(1), namespace)) continue;
      return false;
    }
    if (globMatch(pattern, namespace)) matched = true;
  }
  return matched;
}

/** types.go isResourceInList: Go's filepath.Match on kind, then on group. */
function inList(group: string, kind: string, list: GroupKinds): boolean {
  return (list ?? []).some((k) => globMatch(k.kind ?? "", kind) && globMatch(k.group ?? "", group));
}

/** `*` any run of characters, `?` one character; everything else literal. */
function globMatch(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`).test(value);
}
