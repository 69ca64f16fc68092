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
{{- printf "%s:%s" (include "genrestack.fqdn" (list . (printf "%s-kafka-bootstrap" $k.strimzi.clusterName))) (ternary "9093" "9092" $k.strimzi.secure) -}}
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

{{/*
The Kafka client security of the services as YAML (read with fromYaml): protocol, mechanism, jaas {name, key},
truststore {name, key, type, passwordKey}. kafka.mode=strimzi with strimzi.secure: TLS + SCRAM-SHA-512 with the
KafkaUser's Secret and the cluster CA; otherwise kafka.security (external clusters).
*/}}
{{- define "genrestack.kafkaClient" -}}
{{- $k := .Values.kafka -}}
{{- if and (eq $k.mode "strimzi") $k.strimzi.secure -}}
protocol: SASL_SSL
mechanism: SCRAM-SHA-512
jaas: {name: {{ $k.strimzi.user | quote }}, key: sasl.jaas.config}
truststore: {name: {{ printf "%s-cluster-ca-cert" $k.strimzi.clusterName | quote }}, key: ca.crt, type: PEM, passwordKey: ""}
{{- else if or (eq $k.mode "strimzi") (eq $k.mode "bundled") -}}
protocol: PLAINTEXT
{{- else -}}
{{- $s := $k.security -}}
protocol: {{ $s.protocol | quote }}
mechanism: {{ $s.saslMechanism | quote }}
{{- if $s.jaasConfigSecret.name }}
jaas: {name: {{ $s.jaasConfigSecret.name | quote }}, key: {{ $s.jaasConfigSecret.key | quote }}}
{{- end }}
{{- if $s.truststoreSecret.name }}
truststore: {name: {{ $s.truststoreSecret.name | quote }}, key: {{ $s.truststoreSecret.key | quote }}, type: {{ $s.truststoreSecret.type | quote }}, passwordKey: {{ $s.truststoreSecret.passwordKey | quote }}}
{{- end }}
{{- end -}}
{{- end -}}

{{/* env entries of the Kafka client security settings (none for PLAINTEXT). */}}
{{- define "genrestack.kafkaSecurityEnv" -}}
{{- $c := include "genrestack.kafkaClient" . | fromYaml -}}
{{- if ne $c.protocol "PLAINTEXT" }}
- name: KAFKA_SECURITY_PROTOCOL
  value: {{ $c.protocol | quote }}
{{- if $c.mechanism }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $c.mechanism | quote }}
{{- end }}
{{- with $c.jaas }}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ .name }}
      key: {{ .key }}
{{- end }}
{{- with $c.truststore }}
- name: KAFKA_SSL_TRUSTSTORE_LOCATION
  value: /etc/genrestack/kafka-truststore/{{ .key }}
- name: KAFKA_SSL_TRUSTSTORE_TYPE
  value: {{ .type | quote }}
{{- if .passwordKey }}
- name: KAFKA_SSL_TRUSTSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .name }}
      key: {{ .passwordKey }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The Secret with the JWT public key ("" when none is configured). */}}
{{- define "genrestack.jwtSecret" -}}
{{- if .Values.auth.publicKeySecret.name -}}
{{- .Values.auth.publicKeySecret.name -}}
{{- else if .Values.auth.publicKey -}}
genrestack-jwt
{{- end -}}
{{- end -}}

{{/* Pod labels of the GenreStack services (NetworkPolicy peers). Argument: the root context. */}}
{{- define "genrestack.servicePeers" -}}
- podSelector:
    matchExpressions:
      - key: app.kubernetes.io/name
        operator: In
        values: [extractor-service, scaler-service, trainer-service, stacker-service, evaluator-service, stacker-predict]
      - key: app.kubernetes.io/instance
        operator: In
        values: [{{ .Release.Name | quote }}]
{{- end -}}

{{/* Pod annotations: metrics, and the checksum of the ConfigMap so that a config change rolls the pods. */}}
{{- define "genrestack.podAnnotations" -}}
{{- $root := index . 0 -}}
checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ index . 1 | quote }}
prometheus.io/path: /q/metrics
{{- end -}}

{{/* securityContext of Strimzi's pods and containers (Pod Security Standards "restricted", read-only root). */}}
{{- define "genrestack.strimziPodSecurity" -}}
runAsNonRoot: true
seccompProfile:
  type: RuntimeDefault
{{- end -}}
{{- define "genrestack.strimziContainerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end -}}
