{{/* Resource names: <release>-<component>, cut to 63 characters. */}}
{{- define "anvil.name" -}}
{{- printf "%s-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "anvil.selectorLabels" -}}
app.kubernetes.io/name: anvil
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "anvil.labels" -}}
{{ include "anvil.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* image: {root, image: {repository, tag}} */}}
{{- define "anvil.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{- define "anvil.secretName" -}}
{{- if .Values.secret.existingSecret -}}
{{- .Values.secret.existingSecret -}}
{{- else -}}
{{- include "anvil.name" (dict "root" . "component" "env") -}}
{{- end -}}
{{- end -}}

{{/* The TEMPORAL_TLS_* variables that point at the mounted certificate Secret. */}}
{{- define "anvil.temporalTlsEnv" -}}
{{- if .Values.temporalTls.secretName }}
- { name: TEMPORAL_TLS_CLIENT_CERT_PATH, value: /etc/anvil/temporal-tls/tls.crt }
- { name: TEMPORAL_TLS_CLIENT_KEY_PATH, value: /etc/anvil/temporal-tls/tls.key }
{{- if .Values.temporalTls.serverCa }}
- { name: TEMPORAL_TLS_SERVER_CA_CERT_PATH, value: /etc/anvil/temporal-tls/ca.crt }
{{- end }}
{{- if .Values.temporalTls.serverName }}
- { name: TEMPORAL_TLS_SERVER_NAME, value: {{ .Values.temporalTls.serverName | quote }} }
{{- end }}
{{- end }}
{{- end -}}

{{/* Pod-level settings every Anvil pod shares. */}}
{{- define "anvil.podCommon" -}}
automountServiceAccountToken: false
{{- with .Values.serviceAccountName }}
serviceAccountName: {{ . }}
{{- end }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets: {{- toYaml . | nindent 2 }}
{{- end }}
securityContext: {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{/* Container env sources: the ConfigMap, then the Secret (a key in both: the Secret's wins). */}}
{{- define "anvil.envFrom" -}}
- configMapRef: { name: {{ include "anvil.name" (dict "root" . "component" "config") }} }
- secretRef: { name: {{ include "anvil.secretName" . }} }
{{- end -}}

{{/* Volumes: a writable /tmp of the given size (the root filesystem is read-only) and the Temporal TLS files. */}}
{{- define "anvil.volumes" -}}
- name: tmp
  emptyDir: { sizeLimit: {{ .tmpSize }} }
{{- if .root.Values.temporalTls.secretName }}
- name: temporal-tls
  secret: { secretName: {{ .root.Values.temporalTls.secretName }}, defaultMode: 0440 }
{{- end }}
{{- end -}}

{{- define "anvil.volumeMounts" -}}
- { name: tmp, mountPath: /tmp }
{{- if .Values.temporalTls.secretName }}
- { name: temporal-tls, mountPath: /etc/anvil/temporal-tls, readOnly: true }
{{- end }}
{{- end -}}

{{/* Restarts pods when the settings change. */}}
{{- define "anvil.configChecksum" -}}
checksum/config: {{ toJson .Values.config | sha256sum }}
checksum/secret: {{ toJson .Values.secret | sha256sum }}
{{- end -}}
