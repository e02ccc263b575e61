{{- /* A host below the cluster's ingress domain: "api.hash" → api.hash.<domain>. */ -}}
{{- define "gw.fqdn" -}}
{{- $b := .root.Values.berth | default dict -}}
{{- $ing := $b.ingress | default dict -}}
{{ .host }}.{{ required "berth.ingress.domain is required for https/passthrough hosts (cluster.yaml ingress.domain)" $ing.domain }}
{{- end }}

{{- /* A listener name (a DNS label) for a host: "api.hash" → api-hash. */ -}}
{{- define "gw.listener" -}}
{{ .prefix }}-{{ .host | replace "." "-" }}
{{- end }}
