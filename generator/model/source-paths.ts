import type { App } from "./fleet.js";
import type { Profile } from "./types.js";

/** The file names kustomize and Argo CD accept for a kustomization, in kustomize's order. */
export const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

/** The repository-relative folder of a local source (chart, kustomize, manifests) for one instance. */
export function localSourceDir(app: App, profile: Profile, environment: string | undefined): string | undefined {
  const src = app.spec.source;
  if (src.type === "helm") return undefined;
  const rel = (src.path ?? "chart").replace(/\{profile\}/g, profile).replace(/\{environment\}/g, environment ?? "");
  return `apps/${app.name}/${rel}`.replace(/\/+$/, "").replace(/\/\.$/, "");
}
