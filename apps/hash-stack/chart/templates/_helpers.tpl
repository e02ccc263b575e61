{{- define "hash.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: hash
app.kubernetes.io/version: {{ .root.Values.image.tag | quote }}
{{- end }}

{{- define "hash.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{- define "hash.image" -}}
{{- $v := .root.Values -}}
{{- with $v.image.registry }}{{ . }}/{{ end }}{{ index $v.images .name }}:{{ required "image.tag is required" $v.image.tag }}
{{- end }}

{{- define "hash.external" -}}
{{- $b := .Values.berth | default dict -}}
{{- toJson ($b.external | default dict) -}}
{{- end }}

{{/* Postgres connection: the cluster's managed endpoint when hash-postgres is external, else in-cluster. */}}
{{- define "hash.pg" -}}
{{- $ext := index (include "hash.external" . | fromJson) "hash-postgres" -}}
{{- if $ext -}}
{{- dict "host" $ext.host "port" (toString $ext.port) "secret" ($ext.secret | default .Values.postgres.secretName) "sslmode" "require" "external" true | toJson -}}
{{- else -}}
{{- dict "host" .Values.postgres.host "port" (toString .Values.postgres.port) "secret" .Values.postgres.secretName "sslmode" "disable" "external" false | toJson -}}
{{- end -}}
{{- end }}

{{/* Redis connection: managed (TLS) when hash-redis is external, else in-cluster. */}}
{{- define "hash.redis" -}}
{{- $ext := index (include "hash.external" . | fromJson) "hash-redis" -}}
{{- if $ext -}}
{{- dict "host" $ext.host "port" (toString $ext.port) "secret" ($ext.secret | default .Values.redis.secretName) "tls" "true" | toJson -}}
{{- else -}}
{{- dict "host" .Values.redis.host "port" (toString .Values.redis.port) "secret" .Values.redis.secretName "tls" "false" | toJson -}}
{{- end -}}
{{- end }}

{{- define "hash.domain" -}}
{{- $b := .Values.berth | default dict -}}
{{- required "berth.ingress.domain is required (cluster.yaml ingress.domain)" (($b.ingress | default dict).domain) -}}
{{- end }}

{{- define "hash.scheme" -}}
{{- if .Values.route.https }}https{{ else }}http{{ end -}}
{{- end }}

{{/* Credentials every backend container gets by reference (never values in the ConfigMap). */}}
{{- define "hash.secretEnv" -}}
{{- $pg := include "hash.pg" . | fromJson -}}
{{- $redis := include "hash.redis" . | fromJson -}}
- name: HASH_GRAPH_PG_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ $pg.secret }}, key: password }
- name: HASH_REDIS_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ $redis.secret }}, key: password }
{{- end }}

{{/* Kratos's DSN is assembled from the ConfigMap and the password Secret ($(VAR) expansion). */}}
{{- define "hash.kratosEnv" -}}
{{ include "hash.secretEnv" . }}
- name: DSN
  value: "postgres://$(HASH_GRAPH_PG_USER):$(HASH_GRAPH_PG_PASSWORD)@$(HASH_GRAPH_PG_HOST):$(HASH_GRAPH_PG_PORT)/$(HASH_KRATOS_PG_DATABASE)?sslmode=$(HASH_GRAPH_PG_SSLMODE)"
- name: SECRETS_COOKIE
  valueFrom:
    secretKeyRef: { name: {{ .Values.kratosSecretName }}, key: cookie-secret }
- name: SECRETS_CIPHER
  valueFrom:
    secretKeyRef: { name: {{ .Values.kratosSecretName }}, key: cipher-secret }
- name: KRATOS_API_KEY
  valueFrom:
    secretKeyRef: { name: {{ .Values.kratosSecretName }}, key: api-key }
{{- end }}
