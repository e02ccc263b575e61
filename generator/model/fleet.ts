import type { YamlSource } from "../yaml/source.js";
import type { AppSpec, ClusterSpec, Profile } from "./types.js";

/** An app folder: its validated app.yaml and which conventional values files exist. */
export interface App {
  name: string;
  spec: AppSpec;
  source: YamlSource;
  /** Variants with a values file: "" for values.yaml, else the `<x>` of values-<x>.yaml. */
  valueVariants: ReadonlySet<string>;
}

/** One entry of a cluster's `apps:` list, normalised. */
export interface ClusterAppEntry {
  name: string;
  /** Index in the `apps:` list, for diagnostics. */
  index: number;
  environments?: string[];
  values?: Record<string, unknown>;
}

export interface Cluster {
  name: string;
  spec: ClusterSpec;
  profile: Profile;
  arch: "amd64" | "arm64";
  source: YamlSource;
  entries: ClusterAppEntry[];
  /** Apps with a `clusters/<name>/values/<app>.yaml` override file. */
  valueOverrides: ReadonlySet<string>;
}

/** A committed SealedSecret file under secrets/<cluster>/<namespace>/. */
export interface SealedSecretRef {
  cluster: string;
  namespace: string;
  name: string;
  file: string;
}

/** Everything berth reads from a repository, validated. */
export interface Fleet {
  clusters: Cluster[];
  apps: ReadonlyMap<string, App>;
  sealedSecrets: SealedSecretRef[];
  /**
   * The local source folders (and their Chart.yaml / kustomization file) that exist, for every
   * profile and environment an app could be planned for. The loader looks; the rules only ask.
   */
  existingSourcePaths: ReadonlySet<string>;
}

/**
 * What a profile's clusters have unless cluster.yaml says otherwise. The way in is the Gateway API:
 * Envoy Gateway's shared Gateway on kind and cloud (apps envoy-gateway, envoy-gateway-class), and
 * on k3s the Traefik k3s ships, with its Gateway API provider on (app traefik). Only k3s has an
 * IngressClass out of the box (Traefik's), for charts that still create Ingress objects.
 */
export const PROFILE_DEFAULTS: Record<Profile, { arch: "amd64" | "arm64"; ingressClass?: string; gateway: { name: string; namespace: string }; storageClass: string }> = {
  kind: { arch: "amd64", gateway: { name: "web", namespace: "envoy-gateway-system" }, storageClass: "standard" },
  k3s: { arch: "arm64", ingressClass: "traefik", gateway: { name: "web", namespace: "kube-system" }, storageClass: "local-path" },
  cloud: { arch: "amd64", gateway: { name: "web", namespace: "envoy-gateway-system" }, storageClass: "standard-rwo" },
};
