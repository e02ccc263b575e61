import { Namespace } from "kubernetes-models/v1/Namespace";

/**
 * Validates a core Kubernetes object with the kubernetes-models validators (compiled from the
 * Kubernetes OpenAPI schemas). Argo CD and Sealed Secrets objects are validated against the
 * pinned releases' CRDs instead (crd-strict.ts). Returns problems as strings.
 */
export function modelProblems(obj: Record<string, unknown>): string[] {
  const kinds = { "v1/Namespace": Namespace } as const;
  const Model = kinds[`${String(obj.apiVersion)}/${String(obj.kind)}` as keyof typeof kinds];
  if (!Model) return [`unsupported kind ${String(obj.apiVersion)} ${String(obj.kind)}`];
  try {
    new Model(obj as never).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: { instancePath?: string; message?: string }[] }).errors;
    if (!errors) return [String((e as Error).message)];
    return errors.map((x) => `${(x.instancePath ?? "").slice(1).replace(/\//g, ".") || "(root)"}: ${x.message ?? "is invalid"}`);
  }
}

/** Whether an object is a core Kubernetes kind (validated here) rather than a custom resource. */
export const isCoreKind = (obj: { apiVersion?: unknown }) => obj.apiVersion === "v1";
