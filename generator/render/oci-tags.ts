import { parseVersion } from "./semver-range.js";

/**
 * The chart versions an OCI registry holds for `ref` (oci://host/path/chart), newest first, when
 * the registry lets an anonymous client list them (the distribution API's tags/list, with the
 * anonymous bearer token public registries such as ghcr.io hand out); undefined when it does
 * not or cannot be reached. Only for telling the user which versions exist: never to pick one.
 */
export async function listOciVersions(ref: string, plainHttp: boolean, timeoutMs = 10_000): Promise<string[] | undefined> {
  let url: URL;
  try {
    url = new URL(ref.replace(/^oci:\/\//, plainHttp ? "http://" : "https://"));
  } catch {
    return undefined;
  }
  const repository = url.pathname.replace(/^\/+/, "");
  const list = `${url.protocol}//${url.host}/v2/${repository}/tags/list?n=1000`;
  const get = (u: string, headers: Record<string, string> = {}) => fetch(u, { headers, redirect: "follow", signal: AbortSignal.timeout(timeoutMs) });
  try {
    let res = await get(list);
    if (res.status === 401) {
      const challenge = /^Bearer\s+(.*)$/i.exec(res.headers.get("www-authenticate") ?? "");
      if (!challenge) return undefined;
      const params = Object.fromEntries([...challenge[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
      if (!params.realm) return undefined;
      const tokenUrl = new URL(params.realm);
      if (params.service) tokenUrl.searchParams.set("service", params.service);
      tokenUrl.searchParams.set("scope", params.scope ?? `repository:${repository}:pull`);
      const tokenRes = await get(tokenUrl.toString());
      if (!tokenRes.ok) return undefined;
      const body = (await tokenRes.json()) as { token?: string; access_token?: string };
      const token = body.token ?? body.access_token;
      if (!token) return undefined;
      res = await get(list, { authorization: `Bearer ${token}` });
    }
    if (!res.ok) return undefined;
    const tags = ((await res.json()) as { tags?: unknown }).tags;
    if (!Array.isArray(tags)) return undefined;
    // Helm stores `+` of a version as `_` in the tag.
    const versions = tags.filter((t): t is string => typeof t === "string").map((t) => t.replace(/_/g, "+")).filter((t) => parseVersion(t) !== undefined);
    return versions.sort((a, b) => newer(a, b));
  } catch {
    return undefined;
  }
}

function newer(a: string, b: string): number {
  const x = parseVersion(a)!;
  const y = parseVersion(b)!;
  for (let i = 0; i < 3; i++) if (x.parts[i] !== y.parts[i]) return y.parts[i]! - x.parts[i]!;
  if (x.pre === y.pre) return 0;
  return x.pre === "" ? -1 : y.pre === "" ? 1 : x.pre < y.pre ? 1 : -1;
}
