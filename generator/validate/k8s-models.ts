import { Application, AppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";
import { SealedSecret } from "@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1";

/**
 * Validates an object with the kubernetes-models validators (ahead-of-time compiled from the
 * upstream Argo CD v3.3 and Sealed Secrets v0.36 schemas). Returns problems as strings.
 */
export function modelProblems(obj: Record<string, unknown>): string[] {
  const kinds = { Application, AppProject, SealedSecret } as const;
  const Model = kinds[String(obj.kind) as keyof typeof kinds];
  if (!Model) return [`unsupported kind ${String(obj.kind)}`];
  try {
    new Model(obj as never).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: { instancePath?: string; message?: string }[] }).errors;
    if (!errors) return [String((e as Error).message)];
    return errors.map((x) => `${(x.instancePath ?? "").slice(1).replace(/\//g, ".") || "(root)"}: ${x.message ?? "is invalid"}`);
  }
}
