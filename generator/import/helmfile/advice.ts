/** What to do about each helmfile feature berth leaves behind, for the import report. */
export const RELEASE_KEY_ADVICE: Record<string, string> = {
  hooks: "helmfile hooks run commands around `helm upgrade`; Argo CD has no such step: turn the command into a Job annotated argocd.argoproj.io/hook: PreSync or PostSync in the chart, or run it in CI",
  strategicMergePatches: "patches of the rendered chart: wrap the chart in a kustomize folder (helmCharts + patches) as a `type: kustomize` app, or carry the change in a local copy of the chart",
  jsonPatches: "patches of the rendered chart: wrap the chart in a kustomize folder (helmCharts + patches) as a `type: kustomize` app, or carry the change in a local copy of the chart",
  transformers: "kustomize transformers on the rendered chart: wrap the chart in a kustomize folder as a `type: kustomize` app",
  postRenderer: "a post-renderer changes the rendered chart: carry the change in a local copy of the chart or a kustomize wrapper",
  dependencies: "chart dependencies added by helmfile: list them in the chart's Chart.yaml (a local chart) instead",
  condition: "a condition on environment values: keep the app on the clusters that should run it (apps: in cluster.yaml) instead",
  adopt: "resources adopted at install time: Argo CD adopts existing resources on its first sync; nothing to do",
};

export const TOP_KEY_ADVICE: Record<string, string> = {
  bases: "bases are merged into the helmfile by helmfile itself: import the rendered helmfile (helmfile -e ENV build > rendered.yaml)",
  helmfiles: "nested helmfiles: import each one with its own berth import helmfile run",
  missingFileHandler: "at the top level it only decides whether a missing nested helmfile (helmfiles:) fails; berth imports none of them: import each helmfile with its own run",
};

export const DEFAULT_ADVICE = "berth has no equivalent; carry it over by hand, or render the helmfile first (helmfile -e ENV build > rendered.yaml)";
