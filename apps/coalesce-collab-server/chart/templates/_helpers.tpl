{{- define "collab.labels" -}}
app.kubernetes.io/name: coalesce-collab-server
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: coalesce
app.kubernetes.io/component: collab
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
{{- end }}
{{- define "collab.selector" -}}
app.kubernetes.io/name: coalesce-collab-server
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- define "collab.image" -}}
{{- with .Values.image.registry }}{{ . }}/{{ end }}{{ .Values.image.repository }}:{{ required "image.tag is required" .Values.image.tag }}
{{- end }}
