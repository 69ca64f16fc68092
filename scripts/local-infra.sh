#!/usr/bin/env bash
# Real Kafka (single-node KRaft) and S3 (s3proxy) on 127.0.0.1, without Docker, for tests and
# for the local run of GenreStack. Needs only Java (>= 17) and Maven; the jars are fetched once
# through infra/pom.xml into the cache folder.
#
# Usage: scripts/local-infra.sh start [--secure]|stop|status|env|release <lease>|reset|help
# See docs/local-infra.md for the environment variables, files and exit codes.
set -euo pipefail

readonly PROG=local-infra.sh
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
readonly SCRIPT_DIR
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
readonly REPO_ROOT

readonly EXIT_STOPPED=3   # status/env: nothing running (LSB "program is not running")
readonly EXIT_PARTIAL=1   # status: only some of it is running or answering

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

usage() {
  cat <<'EOF'
Usage: scripts/local-infra.sh COMMAND

Commands:
  start          fetch the jars if needed, start Kafka + s3proxy (or reuse running ones),
                 wait until both answer, write <work>/infra.env and print the addresses
  start --secure the same with TLS everywhere: a generated CA, Kafka with one SASL_SSL listener
                 (SCRAM-SHA-512 users made at format time) and a mutual-TLS controller listener,
                 s3proxy on HTTPS only; `env` then prints the client settings (KAFKA_*, CA file)
  stop           stop exactly the processes recorded in the pid files (TERM, wait, KILL)
  status         print running/stopped per server; exit 0 all running, 3 all stopped, 1 partial
  env            print the env file (export lines) for: eval "$(scripts/local-infra.sh env)"
  release LEASE  drop a lease taken by `start` with GENRESTACK_INFRA_LEASE=LEASE; stops the
                 servers when the last lease is gone and they were started under a lease
  reset          stop, then delete Kafka and S3 data (keeps the jar cache)

Environment: GENRESTACK_INFRA_CACHE, GENRESTACK_INFRA_WORK, GENRESTACK_INFRA_SECURE, GENRESTACK_S3_ACCESS_KEY,
GENRESTACK_S3_SECRET_KEY, GENRESTACK_INFRA_START_TIMEOUT, GENRESTACK_INFRA_STOP_TIMEOUT,
GENRESTACK_INFRA_LEASE, GENRESTACK_KAFKA_JAVA_OPTS, GENRESTACK_S3_JAVA_OPTS,
GENRESTACK_MVN, GENRESTACK_MVN_ARGS, JAVA_HOME.  Details: docs/local-infra.md
EOF
}

# Absolute path of $1 (created if missing), relative paths taken from the caller's cwd.
abs_dir() {
  mkdir -p -- "$1" || die "cannot create folder $1"
  (cd -- "$1" && pwd -P)
}

CACHE=$(abs_dir "${GENRESTACK_INFRA_CACHE:-$REPO_ROOT/.cache/infra}")
WORK=$(abs_dir "${GENRESTACK_INFRA_WORK:-$REPO_ROOT/.work/infra}")
readonly CACHE WORK
readonly ACCESS_KEY=${GENRESTACK_S3_ACCESS_KEY:-genrestack}
readonly SECRET_KEY=${GENRESTACK_S3_SECRET_KEY:-genrestack-secret}
readonly START_TIMEOUT=${GENRESTACK_INFRA_START_TIMEOUT:-180}
readonly STOP_TIMEOUT=${GENRESTACK_INFRA_STOP_TIMEOUT:-30}
if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then JAVA=$JAVA_HOME/bin/java; else JAVA=java; fi
readonly JAVA
readonly MVN=${GENRESTACK_MVN:-mvn}

readonly KAFKA_LIB=$CACHE/kafka-lib
readonly S3PROXY_JAR=$CACHE/s3proxy/s3proxy.jar
readonly STAMP=$CACHE/.fetched
readonly KAFKA_DIR=$WORK/kafka
readonly KAFKA_CONF=$KAFKA_DIR/server.properties
readonly KAFKA_LOG4J=$KAFKA_DIR/log4j2.properties
readonly KAFKA_DATA=$KAFKA_DIR/data
readonly KAFKA_LOG=$WORK/kafka.log
readonly KAFKA_PID=$WORK/kafka.pid
readonly KAFKA_JSA=$CACHE/kafka.jsa
readonly KAFKA_JSA_PENDING=$WORK/kafka.jsa.pending
readonly S3_DIR=$WORK/s3
readonly S3_CONF=$S3_DIR/s3proxy.conf
readonly S3_DATA=$S3_DIR/data
readonly S3_LOG=$WORK/s3proxy.log
readonly S3_PID=$WORK/s3proxy.pid
readonly PORTS_FILE=$WORK/ports
readonly ENV_FILE=$WORK/infra.env
readonly LEASES=$WORK/leases
readonly OWNER_FILE=$WORK/owner
readonly MODE_FILE=$WORK/mode
readonly SECURE_DIR=$WORK/secure
readonly CA_CERT=$SECURE_DIR/ca.crt
readonly CREDENTIALS=$SECURE_DIR/credentials
readonly CLIENT_USER=genrestack
# Requested mode of `start` (--secure or GENRESTACK_INFRA_SECURE=true); the running servers' mode is in $MODE_FILE.
SECURE=0
[[ ${GENRESTACK_INFRA_SECURE:-false} == true ]] && SECURE=1

# ---------------------------------------------------------------------------------------------
# Locking: one start/stop/release at a time per work folder (tests in parallel JVMs, humans).

lock_work() {
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$WORK/.lock"
    flock -w 600 9 || die "could not lock $WORK/.lock within 600 s (another $PROG running?)"
  fi
}

lock_cache() {
  if command -v flock >/dev/null 2>&1; then
    exec 8>"$CACHE/.lock"
    flock -w 900 8 || die "could not lock $CACHE/.lock within 900 s (another fetch running?)"
  fi
}

# ---------------------------------------------------------------------------------------------
# Processes and ports

# Command line of a pid, or nothing.
cmdline_of() {
  if [[ -r /proc/$1/cmdline ]]; then
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true
  else
    ps -o args= -p "$1" 2>/dev/null || true
  fi
}

# True when pid $1 is alive AND is our process (its command line holds marker $2), so a recycled
# pid is never mistaken for (or killed as) one of ours.
is_ours() {
  local pid=$1 marker=$2
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ $(cmdline_of "$pid") == *"$marker"* ]]
}

read_pid() { [[ -f $1 ]] && tr -dc '0-9' <"$1" || true; }

with_timeout() {
  local secs=$1; shift
  if command -v timeout >/dev/null 2>&1; then timeout "$secs" "$@"; else "$@"; fi
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  with_timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# True when an HTTP server answers (any status line) on 127.0.0.1:$1.
http_answers() {
  with_timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n" "$1" >&3
    IFS= read -r line <&3 || exit 1
    [[ $line == HTTP/* ]]' _ "$1" 2>/dev/null
}

# True when an HTTPS server whose certificate our CA signed answers (any status) on 127.0.0.1:$1.
https_answers() {
  with_timeout 6 curl -s -o /dev/null --max-time 5 --cacert "$CA_CERT" "https://127.0.0.1:$1/" 2>/dev/null
}

# True when port $1 is not in use on this host (checked in /proc/net/tcp* on Linux, else by
# trying to connect). Sockets in TIME_WAIT (state 06) do not count: Java servers bind with
# SO_REUSEADDR, so a port is usable again right after a stop.
port_free() {
  local port=$1
  if [[ -r /proc/net/tcp ]]; then
    local hex
    hex=$(printf ':%04X' "$port")
    ! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
      awk -v p="$hex" 'substr($2, length($2) - 4) == p && $4 != "06" { found = 1 } END { exit !found }'
  else
    ! port_open "$port"
  fi
}

# A free port in 20000-31999 (below Linux's ephemeral range), not among "$@".
pick_port() {
  local p i
  for ((i = 0; i < 500; i++)); do
    p=$((20000 + RANDOM % 12000))
    [[ " $* " == *" $p "* ]] && continue
    if port_free "$p"; then echo "$p"; return 0; fi
  done
  die "found no free TCP port in 20000-31999"
}

# ---------------------------------------------------------------------------------------------
# Jars

pom_stamp() { cksum <"$REPO_ROOT/infra/pom.xml" | awk '{print $1 "-" $2}'; }

jars_present() {
  [[ -f $STAMP && $(cat "$STAMP") == "$(pom_stamp)" && -f $S3PROXY_JAR ]] &&
    compgen -G "$KAFKA_LIB/kafka_2.13-*.jar" >/dev/null
}

ensure_jars() {
  jars_present && return 0
  lock_cache
  jars_present && return 0
  command -v "$MVN" >/dev/null 2>&1 || die "'$MVN' not found: install Maven (or set GENRESTACK_MVN)"
  local tmp=$CACHE/.fetch-$$ t0=$SECONDS
  rm -rf -- "$tmp"
  log "fetching Kafka and s3proxy jars into $CACHE (once; log: $CACHE/fetch.log)"
  # shellcheck disable=SC2086 # GENRESTACK_MVN_ARGS is a list of extra arguments
  if ! "$MVN" -q -B -Dstyle.color=never -f "$REPO_ROOT/infra/pom.xml" ${GENRESTACK_MVN_ARGS:-} \
      dependency:copy-dependencies@kafka-lib dependency:copy@s3proxy -Dinfra.cache="$tmp" \
      </dev/null >"$CACHE/fetch.log" 2>&1 9>&- 8>&-; then
    tail -n 40 "$CACHE/fetch.log" >&2 || true
    rm -rf -- "$tmp"
    die "fetching the jars with Maven failed (full log: $CACHE/fetch.log)"
  fi
  rm -rf -- "$KAFKA_LIB" "$CACHE/s3proxy" "$KAFKA_JSA"
  mv -- "$tmp/kafka-lib" "$KAFKA_LIB"
  mv -- "$tmp/s3proxy" "$CACHE/s3proxy"
  rm -rf -- "$tmp"
  pom_stamp >"$STAMP"
  log "jars fetched in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------------------------
# Configuration

check_keys() {
  local re='^[A-Za-z0-9._~+/=-]+$'
  [[ $ACCESS_KEY =~ $re ]] || die "GENRESTACK_S3_ACCESS_KEY may only hold A-Z a-z 0-9 . _ ~ + / = -"
  [[ $SECRET_KEY =~ $re ]] || die "GENRESTACK_S3_SECRET_KEY may only hold A-Z a-z 0-9 . _ ~ + / = -"
}

# Sets KAFKA_PORT, CONTROLLER_PORT, S3_PORT: the previous ones when still free (stable
# addresses across restarts), otherwise fresh free ones.
choose_ports() {
  local kp='' cp='' sp=''
  if [[ -f $PORTS_FILE ]]; then
    kp=$(sed -n 's/^KAFKA_PORT=\([0-9]*\)$/\1/p' "$PORTS_FILE")
    cp=$(sed -n 's/^CONTROLLER_PORT=\([0-9]*\)$/\1/p' "$PORTS_FILE")
    sp=$(sed -n 's/^S3_PORT=\([0-9]*\)$/\1/p' "$PORTS_FILE")
  fi
  [[ -n $kp ]] && port_free "$kp" || kp=$(pick_port)
  [[ -n $cp && $cp != "$kp" ]] && port_free "$cp" || cp=$(pick_port "$kp")
  [[ -n $sp && $sp != "$kp" && $sp != "$cp" ]] && port_free "$sp" || sp=$(pick_port "$kp" "$cp")
  KAFKA_PORT=$kp CONTROLLER_PORT=$cp S3_PORT=$sp
  printf 'KAFKA_PORT=%s\nCONTROLLER_PORT=%s\nS3_PORT=%s\n' "$kp" "$cp" "$sp" >"$PORTS_FILE"
}

load_ports() {
  KAFKA_PORT='' CONTROLLER_PORT='' S3_PORT=''
  [[ -f $PORTS_FILE ]] || return 0
  KAFKA_PORT=$(sed -n 's/^KAFKA_PORT=\([0-9]*\)$/\1/p' "$PORTS_FILE")
  CONTROLLER_PORT=$(sed -n 's/^CONTROLLER_PORT=\([0-9]*\)$/\1/p' "$PORTS_FILE")
  S3_PORT=$(sed -n 's/^S3_PORT=\([0-9]*\)$/\1/p' "$PORTS_FILE")
}

# ---------------------------------------------------------------------------------------------
# Secure mode: CA, certificates and credentials, made once per work folder (kept until `reset`).

running_mode() { cat "$MODE_FILE" 2>/dev/null || echo plaintext; }
requested_mode() { if ((SECURE)); then echo secure; else echo plaintext; fi; }

random_secret() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24; }

credential() { sed -n "s/^$1=//p" "$CREDENTIALS"; }

keytool_cmd() {
  local dir
  dir=$(dirname "$(command -v "$JAVA")")
  if [[ -x $dir/keytool ]]; then echo "$dir/keytool"; else echo keytool; fi
}

# Writes <work>/secure/: ca.key + ca.crt (the CA), server.key + server.crt (127.0.0.1 / localhost, server and
# client use, signed by the CA), server.p12 (the keystore of Kafka and s3proxy), truststore.p12 (the CA for clients
# that want PKCS12), credentials (keystore, truststore and SCRAM passwords). Files are mode 600.
ensure_secure_material() {
  [[ -s $CA_CERT && -s $CREDENTIALS && -s $SECURE_DIR/server.p12 && -s $SECURE_DIR/truststore.p12 ]] && return 0
  command -v openssl >/dev/null 2>&1 || die "--secure needs openssl"
  command -v curl >/dev/null 2>&1 || die "--secure needs curl (readiness check of s3proxy over HTTPS)"
  [[ -f $KAFKA_DATA/meta.properties ]] &&
    die "the Kafka data in $KAFKA_DATA lost its credentials ($SECURE_DIR): run reset, then start --secure"
  local d=$SECURE_DIR ks tp log=$WORK/secure-setup.log
  rm -rf -- "$d"
  mkdir -p "$d"
  chmod 700 "$d"
  ks=$(random_secret) tp=$(random_secret)
  (
    umask 077
    printf 'KEYSTORE_PASSWORD=%s\nTRUSTSTORE_PASSWORD=%s\nADMIN_PASSWORD=%s\nCLIENT_PASSWORD=%s\n' \
      "$ks" "$tp" "$(random_secret)" "$(random_secret)" >"$CREDENTIALS"
  )
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n%s\n%s\n' \
    'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth,clientAuth' >"$d/server.ext"
  if ! {
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=GenreStack local CA $(random_secret)" \
      -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
      -keyout "$d/ca.key" -out "$CA_CERT" &&
      openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' -keyout "$d/server.key" -out "$d/server.csr" &&
      openssl x509 -req -in "$d/server.csr" -CA "$CA_CERT" -CAkey "$d/ca.key" -CAcreateserial -days 825 \
        -extfile "$d/server.ext" -out "$d/server.crt" &&
      openssl pkcs12 -export -name server -in "$d/server.crt" -inkey "$d/server.key" -certfile "$CA_CERT" \
        -passout "pass:$ks" -out "$d/server.p12" &&
      "$(keytool_cmd)" -importcert -noprompt -alias genrestack-ca -file "$CA_CERT" -storetype PKCS12 \
        -keystore "$d/truststore.p12" -storepass "$tp"
  } </dev/null >"$log" 2>&1 9>&- 8>&-; then
    tail -n 20 "$log" >&2 || true
    rm -rf -- "$d"
    die "generating the CA and certificates failed (log: $log)"
  fi
  chmod 600 "$d"/*
  log "generated a CA and certificates in $d"
}

write_kafka_config() {
  mkdir -p "$KAFKA_DIR" "$KAFKA_DATA"
  local listeners
  if [[ $(running_mode) == secure ]]; then
    # One client listener, SASL_SSL with SCRAM-SHA-512 (also from the broker to itself); the KRaft controller
    # listener is TLS with client certificates (SCRAM cannot authenticate to a controller: its users live in the
    # metadata the controller serves). No plaintext listener.
    listeners="listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=CONTROLLER:SSL,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule \
required username=\"admin\" password=\"$(credential ADMIN_PASSWORD)\";
listener.name.controller.ssl.client.auth=required
ssl.keystore.type=PKCS12
ssl.keystore.location=$SECURE_DIR/server.p12
ssl.keystore.password=$(credential KEYSTORE_PASSWORD)
ssl.truststore.type=PEM
ssl.truststore.location=$CA_CERT
super.users=User:admin"
  else
    listeners="listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
  fi
  (
    umask 077
    cat >"$KAFKA_CONF" <<EOF
# Written by scripts/local-infra.sh; rewritten at every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
$listeners
log.dirs=$KAFKA_DATA
num.partitions=3
auto.create.topics.enable=false
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  )
  cat >"$KAFKA_LOG4J" <<'EOF'
# Written by scripts/local-infra.sh: broker log to stdout, which the script sends to kafka.log.
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF
}

write_s3_config() {
  mkdir -p "$S3_DIR" "$S3_DATA"
  local endpoint="s3proxy.endpoint=http://127.0.0.1:$S3_PORT"
  if [[ $(running_mode) == secure ]]; then
    endpoint="s3proxy.secure-endpoint=https://127.0.0.1:$S3_PORT
s3proxy.keystore-path=$SECURE_DIR/server.p12
s3proxy.keystore-password=$(credential KEYSTORE_PASSWORD)"
  fi
  (
    umask 077
    cat >"$S3_CONF" <<EOF
# Written by scripts/local-infra.sh; rewritten at every start.
$endpoint
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ACCESS_KEY
s3proxy.credential=$SECRET_KEY
jclouds.provider=filesystem-nio2
jclouds.identity=$ACCESS_KEY
jclouds.credential=$SECRET_KEY
jclouds.filesystem.basedir=$S3_DATA
EOF
  )
}

# A random Kafka cluster id: 16 random bytes, URL-safe base64 without padding. Like Kafka's own Uuid.randomUuid,
# never one that starts with '-' (1 in 64 would): the format tool's parser would read it as an option.
random_cluster_id() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [[ $id == -* ]] || break
  done
  printf '%s' "$id"
}

format_kafka_if_needed() {
  [[ -f $KAFKA_DATA/meta.properties ]] && return 0
  rm -rf -- "$KAFKA_DATA"
  mkdir -p "$KAFKA_DATA"
  # The SCRAM users of secure mode go into the first metadata, with the broker's own tool.
  local scram=()
  if [[ $(running_mode) == secure ]]; then
    scram=(--add-scram "SCRAM-SHA-512=[name=admin,password=$(credential ADMIN_PASSWORD)]"
      --add-scram "SCRAM-SHA-512=[name=$CLIENT_USER,password=$(credential CLIENT_PASSWORD)]")
  fi
  # Short-lived JVM: C1 only and serial GC start faster.
  if ! "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
      -Dlog4j2.configurationFile="$KAFKA_LOG4J" -cp "$KAFKA_LIB/*" \
      kafka.tools.StorageTool format -t "$(random_cluster_id)" -c "$KAFKA_CONF" "${scram[@]+"${scram[@]}"}" \
      </dev/null >"$WORK/kafka-format.log" 2>&1 9>&- 8>&-; then
    fail_start "formatting the Kafka storage failed" "$WORK/kafka-format.log"
  fi
}

# Starts a detached server: launch <pidfile> <logfile> <command...>. setsid puts it in its own
# session so that Ctrl-C or a closing terminal does not reach it; fds 8/9 (locks) are closed.
launch() {
  local pidfile=$1 logfile=$2; shift 2
  [[ -f $logfile ]] && mv -f -- "$logfile" "$logfile.1"
  if command -v setsid >/dev/null 2>&1; then
    setsid "$@" </dev/null >"$logfile" 2>&1 9>&- 8>&- &
  else
    nohup "$@" </dev/null >"$logfile" 2>&1 9>&- 8>&- &
  fi
  echo $! >"$pidfile"
}

# Application class-data sharing for the broker (about 30 % less start-up CPU): the first broker
# of a cache dumps the classes it loaded into a dynamic archive when it exits after TERM (`stop`
# then moves it to <cache>/kafka.jsa); later brokers map it. A stale or foreign archive (other
# JDK, refetched jars) is only warned about by the JVM, which then runs without it.
# GENRESTACK_INFRA_CDS=false turns this off.
kafka_cds_opts() {
  KAFKA_CDS_OPTS=()
  rm -f -- "$KAFKA_JSA_PENDING"
  [[ ${GENRESTACK_INFRA_CDS:-true} == true ]] || return 0
  if [[ -s $KAFKA_JSA ]]; then
    KAFKA_CDS_OPTS=("-XX:SharedArchiveFile=$KAFKA_JSA")
  else
    local tmp=$CACHE/kafka.jsa.tmp.$$.$RANDOM
    echo "$tmp" >"$KAFKA_JSA_PENDING"
    KAFKA_CDS_OPTS=("-XX:ArchiveClassesAtExit=$tmp")
  fi
}

# After the broker is gone: keep the archive it dumped if it ended by TERM ($1 = 1), else drop it.
finish_kafka_cds() {
  [[ -f $KAFKA_JSA_PENDING ]] || return 0
  local tmp
  tmp=$(cat "$KAFKA_JSA_PENDING")
  if [[ $1 == 1 && -s $tmp && ! -s $KAFKA_JSA ]]; then
    mv -f -- "$tmp" "$KAFKA_JSA" && log "saved the Kafka class-data archive $KAFKA_JSA"
  fi
  rm -f -- "$tmp" "$KAFKA_JSA_PENDING"
}

start_kafka() {
  kafka_cds_opts
  # shellcheck disable=SC2086 # GENRESTACK_KAFKA_JAVA_OPTS is a list of JVM options
  launch "$KAFKA_PID" "$KAFKA_LOG" "$JAVA" -Xmx512m -Xms128m -XX:+UseG1GC -Djava.awt.headless=true \
    "${KAFKA_CDS_OPTS[@]}" -Dlog4j2.configurationFile="$KAFKA_LOG4J" -Dkafka.logs.dir="$KAFKA_DIR/logs" \
    ${GENRESTACK_KAFKA_JAVA_OPTS:-} -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_CONF"
}

start_s3proxy() {
  # shellcheck disable=SC2086 # GENRESTACK_S3_JAVA_OPTS is a list of JVM options
  launch "$S3_PID" "$S3_LOG" "$JAVA" -Xmx512m -Djava.awt.headless=true \
    ${GENRESTACK_S3_JAVA_OPTS:-} -jar "$S3PROXY_JAR" --properties "$S3_CONF"
}

kafka_ready() { grep -q 'Kafka Server started' "$KAFKA_LOG" 2>/dev/null && port_open "$KAFKA_PORT"; }
s3_ready() { if [[ $(running_mode) == secure ]]; then https_answers "$S3_PORT"; else http_answers "$S3_PORT"; fi; }

fail_start() {
  local what=$1 logfile=$2
  log "ERROR: $what; last lines of $logfile:"
  tail -n 40 "$logfile" >&2 2>/dev/null || true
  do_stop >/dev/null 2>&1 || true
  exit 2
}

wait_ready() {
  local deadline=$((SECONDS + START_TIMEOUT)) k_ok=0 s_ok=0
  while ((SECONDS < deadline)); do
    if ((!k_ok)); then
      is_ours "$(read_pid "$KAFKA_PID")" "$KAFKA_CONF" || fail_start "Kafka exited during start" "$KAFKA_LOG"
      kafka_ready && k_ok=1
    fi
    if ((!s_ok)); then
      is_ours "$(read_pid "$S3_PID")" "$S3_CONF" || fail_start "s3proxy exited during start" "$S3_LOG"
      s3_ready && s_ok=1
    fi
    ((k_ok && s_ok)) && return 0
    sleep 0.2
  done
  ((k_ok)) || fail_start "Kafka did not become ready within ${START_TIMEOUT} s" "$KAFKA_LOG"
  fail_start "s3proxy did not answer HTTP within ${START_TIMEOUT} s" "$S3_LOG"
}

write_env_file() {
  local tmp=$ENV_FILE.tmp.$$
  (
    umask 077
    if [[ $(running_mode) == secure ]]; then
      cat >"$tmp" <<EOF
# Written by scripts/local-infra.sh start --secure; removed by stop. Use: eval "\$(scripts/local-infra.sh env)"
export GENRESTACK_KAFKA_BOOTSTRAP='127.0.0.1:$KAFKA_PORT'
export KAFKA_SECURITY_PROTOCOL='SASL_SSL'
export KAFKA_SASL_MECHANISM='SCRAM-SHA-512'
export GENRESTACK_KAFKA_USERNAME='$CLIENT_USER'
export GENRESTACK_KAFKA_PASSWORD='$(credential CLIENT_PASSWORD)'
export KAFKA_SSL_TRUSTSTORE_TYPE='PEM'
export KAFKA_SSL_TRUSTSTORE_LOCATION='$CA_CERT'
export GENRESTACK_S3_ENDPOINT='https://127.0.0.1:$S3_PORT'
export GENRESTACK_S3_CA_FILE='$CA_CERT'
export GENRESTACK_S3_ACCESS_KEY='$ACCESS_KEY'
export GENRESTACK_S3_SECRET_KEY='$SECRET_KEY'
EOF
    else
      cat >"$tmp" <<EOF
# Written by scripts/local-infra.sh start; removed by stop. Use: eval "\$(scripts/local-infra.sh env)"
export GENRESTACK_KAFKA_BOOTSTRAP='127.0.0.1:$KAFKA_PORT'
export GENRESTACK_S3_ENDPOINT='http://127.0.0.1:$S3_PORT'
export GENRESTACK_S3_ACCESS_KEY='$ACCESS_KEY'
export GENRESTACK_S3_SECRET_KEY='$SECRET_KEY'
EOF
    fi
  )
  mv -f -- "$tmp" "$ENV_FILE"
}

print_addresses() {
  local env_access
  env_access=$(sed -n "s/^export GENRESTACK_S3_ACCESS_KEY='\(.*\)'$/\1/p" "$ENV_FILE" 2>/dev/null || true)
  local scheme=http kafka_mode=''
  if [[ $(running_mode) == secure ]]; then
    scheme=https kafka_mode="SASL_SSL/SCRAM-SHA-512 user $CLIENT_USER, CA $CA_CERT, "
  fi
  printf 'kafka    127.0.0.1:%s  (%spid %s, log %s)\n' "$KAFKA_PORT" "$kafka_mode" "$(read_pid "$KAFKA_PID")" \
    "$KAFKA_LOG"
  printf 's3proxy  %s://127.0.0.1:%s  (pid %s, access key %s, log %s)\n' \
    "$scheme" "$S3_PORT" "$(read_pid "$S3_PID")" "${env_access:-$ACCESS_KEY}" "$S3_LOG"
  printf 'env      %s  (eval "$(%s env)")\n' "$ENV_FILE" "$SCRIPT_DIR/local-infra.sh"
}

both_alive() { is_ours "$(read_pid "$KAFKA_PID")" "$KAFKA_CONF" && is_ours "$(read_pid "$S3_PID")" "$S3_CONF"; }

# ---------------------------------------------------------------------------------------------
# State: 0 = both running and answering, 3 = nothing running, 1 = partial.

kafka_running() { is_ours "$(read_pid "$KAFKA_PID")" "$KAFKA_CONF" && [[ -n $KAFKA_PORT ]] && port_open "$KAFKA_PORT"; }
s3_running() { is_ours "$(read_pid "$S3_PID")" "$S3_CONF" && [[ -n $S3_PORT ]] && s3_ready; }

state() {
  load_ports
  local k=0 s=0 kp=0 sp=0
  is_ours "$(read_pid "$KAFKA_PID")" "$KAFKA_CONF" && kp=1
  is_ours "$(read_pid "$S3_PID")" "$S3_CONF" && sp=1
  ((kp)) && kafka_running && k=1
  ((sp)) && s3_running && s=1
  if ((k && s)); then return 0; fi
  if ((!kp && !sp)); then return "$EXIT_STOPPED"; fi
  return "$EXIT_PARTIAL"
}

# ---------------------------------------------------------------------------------------------
# Leases: a test JVM starts with GENRESTACK_INFRA_LEASE=<its pid> and calls `release <pid>` when
# it ends; the last one out stops the servers, unless a human started them (owner=manual).

add_lease() {
  local lease=${GENRESTACK_INFRA_LEASE:-}
  [[ -n $lease ]] || return 0
  [[ $lease =~ ^[0-9]+$ ]] || die "GENRESTACK_INFRA_LEASE must be a process id, got '$lease'"
  mkdir -p "$LEASES"
  : >"$LEASES/$lease"
}

live_leases() {
  local f n=0
  [[ -d $LEASES ]] || { echo 0; return 0; }
  for f in "$LEASES"/*; do
    [[ -e $f ]] || continue
    if kill -0 "$(basename "$f")" 2>/dev/null; then n=$((n + 1)); else rm -f -- "$f"; fi
  done
  echo "$n"
}

# ---------------------------------------------------------------------------------------------
# Commands

do_start() {
  check_keys
  lock_work
  local rc=0 deadline=$((SECONDS + 30))
  state || rc=$?
  # Alive but not answering (a busy machine, or a server still starting): give it a while
  # before restarting anything, since other test JVMs may be using these servers.
  while ((rc == EXIT_PARTIAL && SECONDS < deadline)) && both_alive; do
    sleep 1
    rc=0
    state || rc=$?
  done
  if ((rc == 0)) && [[ $(running_mode) != "$(requested_mode)" ]]; then
    die "the servers of $WORK run in $(running_mode) mode, not $(requested_mode):" \
      "stop them first, or use another GENRESTACK_INFRA_WORK"
  fi
  if ((rc == 0)); then
    add_lease
    # A start by hand makes the servers manual: no test JVM will stop them then.
    [[ -z ${GENRESTACK_INFRA_LEASE:-} ]] && echo manual >"$OWNER_FILE"
    [[ -f $ENV_FILE ]] || write_env_file
    log "already running; reusing"
    print_addresses
    return 0
  fi
  if ((rc == EXIT_PARTIAL)); then
    log "only partly running; restarting both"
    do_stop >/dev/null
  fi
  ensure_jars
  local t0=$SECONDS
  rm -f -- "$ENV_FILE"
  rm -rf -- "$LEASES"
  if [[ -f $KAFKA_DATA/meta.properties && $(running_mode) != "$(requested_mode)" ]]; then
    die "$WORK holds the data of a $(running_mode) broker: start it in that mode," \
      "run reset first, or use another GENRESTACK_INFRA_WORK"
  fi
  ((SECURE)) && ensure_secure_material
  requested_mode >"$MODE_FILE"
  choose_ports
  write_kafka_config
  write_s3_config
  start_s3proxy            # starts while the Kafka storage is being formatted
  format_kafka_if_needed
  start_kafka
  wait_ready
  write_env_file
  if [[ -n ${GENRESTACK_INFRA_LEASE:-} ]]; then echo lease >"$OWNER_FILE"; else echo manual >"$OWNER_FILE"; fi
  add_lease
  log "started in $((SECONDS - t0)) s"
  print_addresses
}

# Sends TERM to every live recorded pid, waits, then KILLs what is left. Removes the pid files.
do_stop() {
  local names=(kafka s3proxy) pidfiles=("$KAFKA_PID" "$S3_PID") markers=("$KAFKA_CONF" "$S3_CONF")
  local i pid alive=() stopped=0 kafka_by_term=0
  for i in 0 1; do
    pid=$(read_pid "${pidfiles[i]}")
    if is_ours "$pid" "${markers[i]}"; then
      kill -TERM "$pid" 2>/dev/null || true
      alive+=("$i:$pid")
      ((i == 0)) && kafka_by_term=1
    else
      [[ -n $pid ]] && log "${names[i]}: recorded pid $pid is not running"
    fi
  done
  local grace=$STOP_TIMEOUT killed=0 entry left
  # A broker dumping its class-data archive at exit needs longer (50 MB, ~5-25 s).
  ((kafka_by_term)) && [[ -f $KAFKA_JSA_PENDING ]] && grace=$((grace + 60))
  local deadline=$((SECONDS + grace))
  while ((${#alive[@]})); do
    left=()
    for entry in "${alive[@]}"; do
      i=${entry%%:*} pid=${entry#*:}
      if is_ours "$pid" "${markers[i]}"; then left+=("$entry"); else echo "${names[i]} stopped (pid $pid)"; stopped=$((stopped + 1)); fi
    done
    alive=("${left[@]+"${left[@]}"}")
    ((${#alive[@]})) || break
    if ((SECONDS >= deadline)); then
      ((killed)) && die "could not kill: ${alive[*]}"
      for entry in "${alive[@]}"; do
        i=${entry%%:*} pid=${entry#*:}
        log "${names[i]} (pid $pid) ignored TERM for ${grace} s; sending KILL"
        kill -KILL "$pid" 2>/dev/null || true
        ((i == 0)) && kafka_by_term=0
      done
      killed=1
      deadline=$((SECONDS + 10))
    fi
    sleep 0.2
  done
  finish_kafka_cds "$kafka_by_term"
  rm -f -- "$KAFKA_PID" "$S3_PID" "$ENV_FILE" "$OWNER_FILE"
  rm -rf -- "$LEASES"
  ((stopped)) || echo "nothing was running"
}

do_status() {
  load_ports
  local kpid spid rc=0
  kpid=$(read_pid "$KAFKA_PID") spid=$(read_pid "$S3_PID")
  local scheme=http
  [[ $(running_mode) == secure ]] && scheme=https
  if kafka_running; then
    printf 'kafka    running  127.0.0.1:%s  pid %s%s\n' "$KAFKA_PORT" "$kpid" \
      "$([[ $scheme == https ]] && echo '  SASL_SSL' || true)"
  elif is_ours "$kpid" "$KAFKA_CONF"; then
    printf 'kafka    starting/not answering  127.0.0.1:%s  pid %s\n' "$KAFKA_PORT" "$kpid"
  else
    printf 'kafka    stopped\n'
  fi
  if s3_running; then
    printf 's3proxy  running  %s://127.0.0.1:%s  pid %s\n' "$scheme" "$S3_PORT" "$spid"
  elif is_ours "$spid" "$S3_CONF"; then
    printf 's3proxy  starting/not answering  %s://127.0.0.1:%s  pid %s\n' "$scheme" "$S3_PORT" "$spid"
  else
    printf 's3proxy  stopped\n'
  fi
  state || rc=$?
  return "$rc"
}

do_env() {
  local rc=0
  state || rc=$?
  if ((rc != 0)) || [[ ! -f $ENV_FILE ]]; then
    log "not running (start it with: $SCRIPT_DIR/local-infra.sh start)"
    return "$EXIT_STOPPED"
  fi
  grep '^export ' "$ENV_FILE"
}

do_release() {
  local lease=${1:-}
  [[ $lease =~ ^[0-9]+$ ]] || die "usage: $PROG release <lease pid>"
  lock_work
  rm -f -- "$LEASES/$lease"
  local n owner
  n=$(live_leases)
  owner=$(cat "$OWNER_FILE" 2>/dev/null || true)
  if ((n == 0)) && [[ $owner == lease ]]; then
    log "last lease released; stopping"
    do_stop
  else
    log "lease $lease released; leaving servers as they are ($n other lease(s), owner ${owner:-none})"
  fi
}

do_reset() {
  lock_work
  do_stop
  rm -rf -- "$KAFKA_DATA" "$S3_DATA" "$PORTS_FILE" "$SECURE_DIR" "$MODE_FILE"
  echo "deleted Kafka and S3 data under $WORK"
}

case ${1:-} in
  start)
    case ${2:-} in
      --secure) SECURE=1 ;;
      '') ;;
      *) usage >&2; exit 2 ;;
    esac
    do_start
    ;;
  stop) lock_work; do_stop ;;
  status) do_status ;;
  env) do_env ;;
  release) do_release "${2:-}" ;;
  reset) do_reset ;;
  help | -h | --help) usage ;;
  *) usage >&2; exit 2 ;;
esac
