{{- define "gw.host" -}}
{{- $b := .Values.berth | default dict -}}
{{- $ing := $b.ingress | default dict -}}
coalesce.{{ required "berth.ingress.domain is required (cluster.yaml ingress.domain)" $ing.domain }}
{{- end }}
