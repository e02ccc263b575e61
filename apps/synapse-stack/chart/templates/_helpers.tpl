{{- define "syn.berth" -}}
{{- toJson (.Values.berth | default dict) -}}
{{- end }}

{{- define "syn.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
app.kubernetes.io/part-of: synapse
app.kubernetes.io/version: {{ .root.Values.image.tag | quote }}
{{- end }}

{{- define "syn.opticHost" -}}
{{- $b := include "syn.berth" . | fromJson -}}
{{- .Values.optic.host | default (printf "optic.%s" (required "berth.ingress.domain is required (cluster.yaml ingress.domain)" (($b.ingress | default dict).domain))) -}}
{{- end }}

{{- define "syn.registry" -}}
tcp://root:$(SYN_SVC_PASSWD)@synapse-aha:27492/
{{- end }}

{{/* The seed's per-service environment (Telepath listener, Aha registration, passwords). */}}
{{- define "syn.env" -}}
{{- $v := .root.Values -}}
{{- $net := $v.ahaNetwork -}}
- name: SYN_LOG_LEVEL
  value: {{ $v.logLevel | quote }}
- name: SYN_SVC_PASSWD
  valueFrom:
    secretKeyRef: { name: {{ $v.passwordsSecretName }}, key: svcpass }
{{- if eq .name "aha" }}
- name: SYN_AHACELL_DMON_LISTEN
  value: "tcp://0.0.0.0:27492"
- name: SYN_AHACELL_AUTH_PASSWD
  value: "$(SYN_SVC_PASSWD)"
- name: SYN_AHACELL_HTTPS_PORT
  value: "null"
{{- else if eq .name "optic" }}
- name: SYN_OPTIC_DMON_LISTEN
  value: "null"
- name: SYN_OPTIC_HTTPS_PORT
  value: "4443"
- name: SYN_OPTIC_NETLOC
  value: {{ include "syn.opticHost" .root | quote }}
- name: SYN_OPTIC_AHA_REGISTRY
  value: {{ include "syn.registry" . | quote }}
- name: SYN_OPTIC_AXON
  value: {{ printf "aha://root:$(SYN_SVC_PASSWD)@axon.%s/" $net | quote }}
- name: SYN_CORTEX_PASSWD
  valueFrom:
    secretKeyRef: { name: {{ $v.passwordsSecretName }}, key: corepass }
- name: SYN_OPTIC_CORTEX
  value: {{ printf "aha://root:$(SYN_CORTEX_PASSWD)@cortex.%s/" $net | quote }}
{{- else }}
{{- $p := upper .name }}
- name: SYN_{{ $p }}_DMON_LISTEN
  value: "tcp://0.0.0.0:27492/"
- name: SYN_{{ $p }}_HTTPS_PORT
  value: "null"
- name: SYN_{{ $p }}_AHA_REGISTRY
  value: {{ include "syn.registry" . | quote }}
- name: SYN_{{ $p }}_AHA_NETWORK
  value: {{ $net | quote }}
- name: SYN_{{ $p }}_AHA_NAME
  value: {{ .name | quote }}
{{- if eq .name "cortex" }}
- name: SYN_CORTEX_AUTH_PASSWD
  valueFrom:
    secretKeyRef: { name: {{ $v.passwordsSecretName }}, key: corepass }
- name: SYN_CORTEX_STORM_LOG
  value: "true"
- name: SYN_CORTEX_STORM_LOG_LEVEL
  value: INFO
- name: SYN_CORTEX_AXON
  value: {{ printf "aha://root:$(SYN_SVC_PASSWD)@axon.%s/" $net | quote }}
{{- else }}
- name: SYN_{{ $p }}_AUTH_PASSWD
  value: "$(SYN_SVC_PASSWD)"
{{- end }}
{{- end }}
{{- end }}
