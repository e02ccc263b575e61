{{- define "api.labels" -}}
app.kubernetes.io/name: coalesce-api-server
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: coalesce
app.kubernetes.io/component: api
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
{{- end }}
{{- define "api.selector" -}}
app.kubernetes.io/name: coalesce-api-server
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- define "api.image" -}}
{{- with .Values.image.registry }}{{ . }}/{{ end }}{{ .Values.image.repository }}:{{ required "image.tag is required" .Values.image.tag }}
{{- end }}
{{/* The namespace the release lands in: berth's context when rendered by berth, else helm's. */}}
{{- define "api.namespace" -}}
{{- $b := .Values.berth | default dict -}}
{{- $b.namespace | default .Release.Namespace -}}
{{- end }}
