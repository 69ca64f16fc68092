{{/*
Service + Deployment of one GenreStack service. Argument: a dict with
  root: the top context, name: the Deployment/Service name, module: the image / container name (e.g. stacker-service),
  svc: the service's values, autoscaled: true when an autoscaler owns the replica count, worker: false for REST only.
*/}}
{{- define "genrestack.workload" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $svc := .svc -}}
{{- $name := .name -}}
{{- $isTrainer := eq .module "trainer-service" -}}
{{- $isStacker := and (eq .module "stacker-service") .worker -}}
{{- /* The trainer and the job-running stacker may get a GPU; the REST-only /predict tier stays on the CPU. */ -}}
{{- $gpuCapable := or $isTrainer $isStacker -}}
{{- $gpu := and $gpuCapable $svc.gpu $svc.gpu.enabled -}}
{{- $djl := or $isTrainer (eq .module "stacker-service") -}}
{{- $kafkaClient := include "genrestack.kafkaClient" $root | fromYaml -}}
{{- $truststore := and (ne $kafkaClient.protocol "PLAINTEXT") $kafkaClient.truststore -}}
{{- $jwt := include "genrestack.jwtSecret" $root -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  labels:
    app.kubernetes.io/name: {{ $name }}
    genrestack.io/metrics: "true"
    {{- include "genrestack.labels" $root | nindent 4 }}
spec:
  selector:
    app.kubernetes.io/name: {{ $name }}
    app.kubernetes.io/instance: {{ $root.Release.Name }}
  ports:
    - name: http
      port: {{ $svc.port }}
      targetPort: http
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    app.kubernetes.io/name: {{ $name }}
    {{- include "genrestack.labels" $root | nindent 4 }}
spec:
  {{- if not .autoscaled }}
  replicas: {{ $svc.replicas }}
  {{- end }}
  {{- if eq .module "extractor-service" }}
  # The input volume is ReadWriteOnce: stop the old pod before the new one mounts it.
  strategy:
    type: Recreate
  {{- else if or $isTrainer $gpu }}
  # Never needs a spare GPU to roll: one old pod goes before its replacement starts.
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 0
      maxUnavailable: 1
  {{- end }}
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ $name }}
      app.kubernetes.io/instance: {{ $root.Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ $name }}
        {{- include "genrestack.labels" $root | nindent 8 }}
      annotations:
        {{- include "genrestack.podAnnotations" (list $root $svc.port) | nindent 8 }}
    spec:
      enableServiceLinks: false
      # The services never call the Kubernetes API.
      automountServiceAccountToken: false
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- if $isTrainer }}
      # Leaves time to finish the current epoch's checkpoint; an interrupted job resumes from it on another pod.
      terminationGracePeriodSeconds: {{ $svc.terminationGracePeriodSeconds }}
      {{- end }}
      {{- if $gpuCapable }}
      {{- with $svc.runtimeClassName }}
      runtimeClassName: {{ . }}
      {{- end }}
      {{- with $svc.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- end }}
      {{- if and $isTrainer $svc.topologySpread.enabled }}
      topologySpreadConstraints:
        - maxSkew: {{ $svc.topologySpread.maxSkew }}
          topologyKey: {{ $svc.topologySpread.topologyKey }}
          whenUnsatisfiable: {{ $svc.topologySpread.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              app.kubernetes.io/name: {{ $name }}
              app.kubernetes.io/instance: {{ $root.Release.Name }}
      {{- end }}
      containers:
        - name: {{ .module }}
          image: "{{ $v.image.registry }}/{{ .module }}:{{ $v.image.tag }}{{ if $gpu }}-cuda{{ end }}"
          imagePullPolicy: {{ $v.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $svc.port }}
          envFrom:
            - configMapRef:
                name: genrestack-config
            {{- if $isTrainer }}
            - configMapRef:
                name: genrestack-trainer
            {{- end }}
            {{- if $isStacker }}
            - configMapRef:
                name: genrestack-stacker
            {{- end }}
          env:
            {{- include "genrestack.s3Env" $root | nindent 12 }}
            {{- include "genrestack.kafkaSecurityEnv" $root | nindent 12 }}
            {{- if not .worker }}
            - name: GENRESTACK_PLATFORM_WORKER_ENABLED
              value: "false"
            {{- end }}
            {{- if eq .module "extractor-service" }}
            # Runs may only read below the data mount (POST /runs paths outside it are refused).
            - name: GENRESTACK_EXTRACTOR_INPUT_ROOTS
              value: /data
            {{- end }}
            {{- if $v.s3.caSecret.name }}
            - name: GENRESTACK_S3_CA_FILE
              value: /etc/genrestack/s3-ca/{{ $v.s3.caSecret.key }}
            {{- end }}
            {{- if $jwt }}
            - name: MP_JWT_VERIFY_PUBLICKEY_LOCATION
              value: /etc/genrestack/jwt/public-key.pem
            {{- end }}
            {{- range $k, $val := $svc.env }}
            - name: {{ $k }}
              value: {{ $val | quote }}
            {{- end }}
          resources:
            {{- $res := deepCopy $svc.resources }}
            {{- if $gpu }}
            {{- $_ := set $res "limits" (merge (dict $svc.gpu.resourceName $svc.gpu.count) (default (dict) $res.limits)) }}
            {{- end }}
            {{- toYaml $res | nindent 12 }}
          securityContext:
            {{- toYaml $v.containerSecurityContext | nindent 12 }}
          # Started = Quarkus is up; liveness and readiness only start after it.
          startupProbe:
            httpGet:
              path: /q/health/started
              port: http
            periodSeconds: {{ $v.probes.startup.periodSeconds }}
            failureThreshold: {{ $v.probes.startup.failureThreshold }}
          # Ready = topics and bucket ensured, Kafka and S3 answer, the stage worker is in its group.
          readinessProbe:
            httpGet:
              path: /q/health/ready
              port: http
            periodSeconds: {{ $v.probes.readiness.periodSeconds }}
            failureThreshold: {{ $v.probes.readiness.failureThreshold }}
          # Alive while the process runs (a Kafka or S3 outage makes the pod not-ready, never restarts it).
          livenessProbe:
            httpGet:
              path: /q/health/live
              port: http
            periodSeconds: {{ $v.probes.liveness.periodSeconds }}
            failureThreshold: {{ $v.probes.liveness.failureThreshold }}
          # The root filesystem is read-only: every path the service writes is a volume below.
          volumeMounts:
            {{- if eq .module "extractor-service" }}
            - name: input
              mountPath: /data
              readOnly: true
            {{- end }}
            - name: work
              mountPath: /var/lib/genrestack/work
            {{- if $djl }}
            - name: djl-cache
              mountPath: /var/lib/genrestack/djl
            {{- end }}
            {{- if $truststore }}
            - name: kafka-truststore
              mountPath: /etc/genrestack/kafka-truststore
              readOnly: true
            {{- end }}
            {{- if $v.s3.caSecret.name }}
            - name: s3-ca
              mountPath: /etc/genrestack/s3-ca
              readOnly: true
            {{- end }}
            {{- if $jwt }}
            - name: jwt
              mountPath: /etc/genrestack/jwt
              readOnly: true
            {{- end }}
            - name: tmp
              mountPath: /tmp
      volumes:
        {{- if eq .module "extractor-service" }}
        - name: input
          persistentVolumeClaim:
            claimName: {{ default "genrestack-input" $v.input.existingClaim }}
            readOnly: true
        {{- end }}
        # Scratch: the trainer's materialised rows, the stacker's rows, the evaluator's column files
        # (docs/capacity.md, "Disk per pod"); sized, and requested as ephemeral storage.
        - name: work
          emptyDir:
            sizeLimit: {{ $svc.workDir.sizeLimit }}
        {{- if $djl }}
        # DJL's native-library cache (the JNI glue on the CUDA image; ~430 MB of CPU natives on the JVM image).
        - name: djl-cache
          emptyDir:
            sizeLimit: {{ (default (dict "sizeLimit" "2Gi") $svc.djlCache).sizeLimit }}
        {{- end }}
        {{- if $truststore }}
        - name: kafka-truststore
          secret:
            secretName: {{ $kafkaClient.truststore.name }}
            items:
              - key: {{ $kafkaClient.truststore.key }}
                path: {{ $kafkaClient.truststore.key }}
        {{- end }}
        {{- if $v.s3.caSecret.name }}
        - name: s3-ca
          secret:
            secretName: {{ $v.s3.caSecret.name }}
            items:
              - key: {{ $v.s3.caSecret.key }}
                path: {{ $v.s3.caSecret.key }}
        {{- end }}
        {{- if $jwt }}
        # The public key that verifies the REST API's bearer tokens.
        - name: jwt
          secret:
            secretName: {{ $jwt }}
            items:
              - key: {{ ternary $v.auth.publicKeySecret.key "public-key.pem" (ne $v.auth.publicKeySecret.name "") }}
                path: public-key.pem
        {{- end }}
        - name: tmp
          emptyDir:
            sizeLimit: 1Gi
{{- end -}}
