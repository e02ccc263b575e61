{{- define "svc.labels" -}}
app: {{ .Values.name }}
app.kubernetes.io/name: {{ .Values.name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: everything
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
{{- end }}
{{- define "svc.selector" -}}
app: {{ .Values.name }}
{{- end }}
{{- define "svc.image" -}}
{{- with .Values.image.registry }}{{ . }}/{{ end }}{{ .Values.image.repository }}:{{ required "image.tag is required" .Values.image.tag }}
{{- end }}
{{- define "svc.environment" -}}
{{- (.Values.berth | default dict).environment | default .Release.Namespace -}}
{{- end }}
{{/* Database settings shared by the service and its migration Job. */}}
{{- define "svc.dbEnv" -}}
- name: DB_HOST
  value: {{ .Values.db.host | quote }}
- name: DB_PORT
  value: {{ .Values.db.port | quote }}
- name: DB_NAME
  value: {{ .Values.db.name | quote }}
- name: DB_USER
  value: {{ .Values.db.user | quote }}
- name: DB_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ .Values.db.secretName }}, key: {{ .Values.db.passwordKey }} }
- name: DB_POOL_SIZE
  value: {{ .Values.db.poolSize | quote }}
{{- end }}
