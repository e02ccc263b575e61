{{- define "server.labels" -}}
app: {{ .Values.name }}
app.kubernetes.io/name: {{ .Values.name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: everything
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
{{- end }}
{{- define "server.berth" -}}
{{- toJson (.Values.berth | default dict) -}}
{{- end }}
{{- define "server.namespace" -}}
{{- $b := include "server.berth" . | fromJson -}}
{{- $b.namespace | default .Release.Namespace -}}
{{- end }}
{{- define "server.environment" -}}
{{- $b := include "server.berth" . | fromJson -}}
{{- $b.environment | default .Release.Namespace -}}
{{- end }}
