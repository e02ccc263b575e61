import { writeFiles } from "./helpers.js";

/**
 * A small chart whose output shows what reached the templates: the release namespace, the
 * cluster's Kubernetes version (.Capabilities.KubeVersion), whether an extra API is served
 * (.Capabilities.APIVersions.Has), a few values, and one CRD (rendered only with --include-crds).
 */
export function writeDemoChart(dir: string, opts: { name?: string; version?: string } = {}): void {
  const name = opts.name ?? "demo";
  const version = opts.version ?? "0.1.0";
  writeFiles(dir, {
    "Chart.yaml": `apiVersion: v2\nname: ${name}\nversion: ${version}\nappVersion: "1.0"\n`,
    "values.yaml": "color: red\nsize: small\nbig: ''\n",
    "crds/widgets.yaml": [
      "apiVersion: apiextensions.k8s.io/v1",
      "kind: CustomResourceDefinition",
      "metadata:",
      "  name: widgets.example.com",
      "spec:",
      "  group: example.com",
      "  names: {kind: Widget, plural: widgets}",
      "  scope: Namespaced",
      "  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]",
      "",
    ].join("\n"),
    "templates/configmap.yaml": [
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: {{ .Release.Name }}-cfg",
      "  namespace: {{ .Release.Namespace }}",
      "data:",
      `  chartVersion: {{ .Chart.Version | quote }}`,
      "  kubeVersion: {{ .Capabilities.KubeVersion.Version | quote }}",
      "  kubeMinor: {{ .Capabilities.KubeVersion.Minor | quote }}",
      '  {{- if semverCompare ">=1.29-0" .Capabilities.KubeVersion.Version }}',
      '  modern: "true"',
      "  {{- end }}",
      "  color: {{ .Values.color | quote }}",
      "  size: {{ .Values.size | quote }}",
      "  bigLength: {{ len .Values.big | quote }}",
      "",
    ].join("\n"),
    "templates/servicemonitor.yaml": [
      '{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}',
      "apiVersion: monitoring.coreos.com/v1",
      "kind: ServiceMonitor",
      "metadata:",
      "  name: {{ .Release.Name }}",
      "spec:",
      "  selector: {matchLabels: {app: {{ .Release.Name }}}}",
      "  endpoints: [{port: http}]",
      "{{- end }}",
      "",
    ].join("\n"),
  });
}
