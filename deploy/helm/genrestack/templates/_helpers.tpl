{{/* Labels every resource of the chart carries. */}}
{{- define "genrestack.labels" -}}
app.kubernetes.io/part-of: genrestack
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* <service>.<namespace>.svc.<domain>: resolves from every namespace. Argument: (list $ "service-name"). */}}
{{- define "genrestack.fqdn" -}}
{{- $root := index . 0 -}}
{{- printf "%s.%s.svc.%s" (index . 1) $root.Release.Namespace $root.Values.clusterDomain -}}
{{- end -}}

{{/* The Kafka bootstrap address the services (and KEDA) use. */}}
{{- define "genrestack.kafkaBootstrap" -}}
{{- $k := .Values.kafka -}}
{{- if $k.bootstrapServers -}}
{{- $k.bootstrapServers -}}
{{- else if eq $k.mode "bundled" -}}
{{- printf "%s:9092" (include "genrestack.fqdn" (list . "kafka")) -}}
{{- else if eq $k.mode "strimzi" -}}
{{- printf "%s:9092" (include "genrestack.fqdn" (list . (printf "%s-kafka-bootstrap" $k.strimzi.clusterName))) -}}
{{- else if eq $k.mode "external" -}}
{{- fail "kafka.mode=external needs kafka.bootstrapServers" -}}
{{- else -}}
{{- fail (printf "kafka.mode must be bundled, external or strimzi, got %q" $k.mode) -}}
{{- end -}}
{{- end -}}

{{/* The S3 endpoint. */}}
{{- define "genrestack.s3Endpoint" -}}
{{- if .Values.s3.endpoint -}}
{{- .Values.s3.endpoint -}}
{{- else if .Values.minio.enabled -}}
{{- printf "http://%s:9000" (include "genrestack.fqdn" (list . "minio")) -}}
{{- else -}}
{{- fail "minio.enabled=false needs s3.endpoint" -}}
{{- end -}}
{{- end -}}

{{/* The Secret with the S3 key pair. */}}
{{- define "genrestack.s3Secret" -}}
{{- default "genrestack-s3" .Values.s3.existingSecret -}}
{{- end -}}

{{/* env entries of the S3 key pair. */}}
{{- define "genrestack.s3Env" -}}
- name: GENRESTACK_S3_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "genrestack.s3Secret" . }}
      key: {{ .Values.s3.accessKeyKey }}
- name: GENRESTACK_S3_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "genrestack.s3Secret" . }}
      key: {{ .Values.s3.secretKeyKey }}
{{- end -}}

{{/* env entries of the Kafka client security settings (none for PLAINTEXT). */}}
{{- define "genrestack.kafkaSecurityEnv" -}}
{{- $s := .Values.kafka.security -}}
{{- if ne $s.protocol "PLAINTEXT" }}
- name: KAFKA_SECURITY_PROTOCOL
  value: {{ $s.protocol | quote }}
{{- if $s.saslMechanism }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $s.saslMechanism | quote }}
{{- end }}
{{- if $s.jaasConfigSecret.name }}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ $s.jaasConfigSecret.name }}
      key: {{ $s.jaasConfigSecret.key }}
{{- end }}
{{- if $s.truststoreSecret.name }}
- name: KAFKA_SSL_TRUSTSTORE_LOCATION
  value: /etc/genrestack/kafka-truststore/{{ $s.truststoreSecret.key }}
- name: KAFKA_SSL_TRUSTSTORE_TYPE
  value: {{ $s.truststoreSecret.type | quote }}
{{- if $s.truststoreSecret.passwordKey }}
- name: KAFKA_SSL_TRUSTSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $s.truststoreSecret.name }}
      key: {{ $s.truststoreSecret.passwordKey }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Pod annotations: metrics, and the checksum of the ConfigMap so that a config change rolls the pods. */}}
{{- define "genrestack.podAnnotations" -}}
{{- $root := index . 0 -}}
checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ index . 1 | quote }}
prometheus.io/path: /q/metrics
{{- end -}}
