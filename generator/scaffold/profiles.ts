import type { Profile } from "../model/types.js";

/**
 * The platform apps a new cluster of each profile starts with: Argo CD (which manages itself),
 * the Sealed Secrets controller, and the way in through the Gateway API: on kind and cloud served
 * by Envoy Gateway, its controller and CRDs (envoy-gateway) and the GatewayClass with the
 * cluster's shared Gateway that apps' HTTPRoutes attach to (envoy-gateway-class); on k3s by the
 * Traefik k3s ships, which the app traefik switches to the Gateway API with the shared Gateway.
 * `berth init --empty` keeps exactly the union of these app folders.
 */
export const PLATFORM_APPS: Record<Profile, readonly string[]> = {
  kind: ["argo-cd", "sealed-secrets", "envoy-gateway", "envoy-gateway-class"],
  k3s: ["argo-cd", "sealed-secrets", "traefik"],
  cloud: ["argo-cd", "sealed-secrets", "envoy-gateway", "envoy-gateway-class"],
};

export const ALL_PLATFORM_APPS: readonly string[] = [...new Set(Object.values(PLATFORM_APPS).flat())].sort();

export const PROFILES: readonly Profile[] = ["kind", "k3s", "cloud"];

/** Starting values for a new cluster.yaml; every one is a line the user is told to check. */
export interface ClusterDefaults {
  kubernetes: string;
  capacity: { nodes: number; cpu: string; memory: string };
  environments: string[];
  /** Base domain for app hosts; only kind has one that works everywhere (localhost). */
  domain?: string;
}

export const CLUSTER_DEFAULTS: Record<Profile, ClusterDefaults> = {
  kind: { kubernetes: "1.37.2", capacity: { nodes: 1, cpu: "4", memory: "8Gi" }, environments: ["dev"], domain: "localhost" },
  k3s: { kubernetes: "1.37.2", capacity: { nodes: 1, cpu: "4", memory: "4Gi" }, environments: ["prod"] },
  cloud: { kubernetes: "1.37.2", capacity: { nodes: 3, cpu: "4", memory: "16Gi" }, environments: ["prod"] },
};
