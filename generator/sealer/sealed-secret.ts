/** The SealedSecret object as kubeseal writes it, and how berth builds one. */

export type SealingScope = "strict" | "namespace-wide" | "cluster-wide";

export const SEALING_SCOPES: readonly SealingScope[] = ["strict", "namespace-wide", "cluster-wide"];

export const SEALED_SECRET_API_VERSION = "bitnami.com/v1alpha1";
export const SEALED_SECRET_KIND = "SealedSecret";
export const NAMESPACE_WIDE_ANNOTATION = "sealedsecrets.bitnami.com/namespace-wide";
export const CLUSTER_WIDE_ANNOTATION = "sealedsecrets.bitnami.com/cluster-wide";
/** Fingerprint of the certificate that sealed the most recently (re-)sealed values. */
export const SEALED_WITH_ANNOTATION = "berth.dev/sealed-with";

export interface SealedSecretTemplateMetadata {
  name?: string;
  namespace?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  [field: string]: unknown;
}

export interface SealedSecret {
  apiVersion: typeof SEALED_SECRET_API_VERSION;
  kind: typeof SEALED_SECRET_KIND;
  metadata: {
    name: string;
    namespace: string;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  spec: {
    encryptedData: Record<string, string>;
    template?: { metadata?: SealedSecretTemplateMetadata; type?: string; [field: string]: unknown };
    [field: string]: unknown;
  };
}

/**
 * The scope the controller will use: read from the SealedSecret's own annotations, value exactly
 * "true", cluster-wide winning over namespace-wide.
 */
export function scopeFromAnnotations(annotations: Readonly<Record<string, unknown>> | undefined): SealingScope {
  if (annotations?.[CLUSTER_WIDE_ANNOTATION] === "true") return "cluster-wide";
  if (annotations?.[NAMESPACE_WIDE_ANNOTATION] === "true") return "namespace-wide";
  return "strict";
}

export function scopeAnnotations(scope: SealingScope): Record<string, string> {
  if (scope === "cluster-wide") return { [CLUSTER_WIDE_ANNOTATION]: "true" };
  if (scope === "namespace-wide") return { [NAMESPACE_WIDE_ANNOTATION]: "true" };
  return {};
}

/**
 * A SealedSecret in kubeseal's shape. The scope annotation sits on the outer metadata (where the
 * controller reads it) and, like kubeseal, on the template; labels go to the template only, so they
 * land on the Secret the controller creates.
 */
export function buildSealedSecret(args: {
  name: string;
  namespace: string;
  scope: SealingScope;
  type: string;
  encryptedData: Readonly<Record<string, string>>;
  certFingerprint: string;
  labels?: Readonly<Record<string, string>>;
}): SealedSecret {
  const scoped = scopeAnnotations(args.scope);
  const labels = args.labels && Object.keys(args.labels).length > 0 ? sortedRecord(args.labels) : undefined;
  return {
    apiVersion: SEALED_SECRET_API_VERSION,
    kind: SEALED_SECRET_KIND,
    metadata: {
      name: args.name,
      namespace: args.namespace,
      annotations: sortedRecord({ ...scoped, [SEALED_WITH_ANNOTATION]: args.certFingerprint }),
    },
    spec: {
      encryptedData: sortedRecord(args.encryptedData),
      template: {
        metadata: {
          name: args.name,
          namespace: args.namespace,
          ...(Object.keys(scoped).length > 0 ? { annotations: scoped } : {}),
          ...(labels ? { labels } : {}),
        },
        type: args.type,
      },
    },
  };
}

/** Sorted copy; Object.fromEntries defines own properties, so a key like "__proto__" stays data. */
export function sortedRecord<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
