import pins from "./argo-cd.json" with { type: "json" };

/**
 * The one place that names the Argo CD release berth pins: the example fleet's `argo-cd` app,
 * the Application/AppProject CRDs `validate` checks against (generator/validate/crds), and the
 * Argo CD the e2e builds (e2e/tools/build.sh reads argo-cd.json) all follow it, and
 * test/pins/argocd-pins.test.ts fails when one of them disagrees. `repoServer` holds the helm and
 * kustomize versions that release's repo-server runs (its hack/tool-versions.sh, copied beside
 * this file as argo-cd-tool-versions.sh), which `render` and `preview` compare theirs with.
 */
export const ARGOCD_PIN: {
  /** "v3.6.2" */
  readonly argoCd: string;
  /** The Go toolchain the e2e builds this release with (its go.mod's `go` line needs it). */
  readonly goToolchain: string;
  readonly repoServer: { readonly helm: string; readonly kustomize: string };
} = pins;
