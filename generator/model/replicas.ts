import type { Replicas } from "./types.js";

/** Resolves a replica setting for one instance: an environment entry beats a profile entry beats the default. */
export function resolveReplicas(r: Replicas | undefined, profile: string, environment: string | undefined): number {
  if (r === undefined) return 1;
  if (typeof r === "number") return r;
  const map = r as Record<string, number>;
  if (environment !== undefined && map[environment] !== undefined) return map[environment];
  return map[profile] ?? map.default ?? 1;
}
