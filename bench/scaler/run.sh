#!/usr/bin/env bash
# Scaler instances: N synthetic tracks × C features (default 20 000 × 2669) scaled by the packaged scaler service with
# 1 instance (genrestack.scaler.parts=1), then a fresh copy with 2 instances in one consumer group and parts=2; prints
# both times (job submitted → trainer jobs handed over) and their ratio.
# Usage: bench/scaler/run.sh [N] [C]   (builds scaler-service and the bench module; starts local Kafka + S3
# (scripts/local-infra.sh) for the measurement and stops them again if it started them; logs in .work/bench/scaler)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
N="${1:-20000}"
C="${2:-2669}"
python3 bench/load.py warn # cores and load average beside the figures (warns on a busy machine)
mvn -B -q -o -DskipTests package -pl scaler-service,bench -am
started=false
if ! scripts/local-infra.sh status >/dev/null 2>&1; then scripts/local-infra.sh start >/dev/null; started=true; fi
trap '[ "$started" = true ] && scripts/local-infra.sh stop >/dev/null' EXIT
eval "$(scripts/local-infra.sh env)"
export GENRESTACK_KAFKA_BOOTSTRAP GENRESTACK_S3_ENDPOINT GENRESTACK_S3_ACCESS_KEY GENRESTACK_S3_SECRET_KEY
java -Xmx1g -cp "bench/target/bench.jar:$(cat bench/target/classpath.txt)" io.genrestack.bench.ScalerBench \
  "$ROOT" "$ROOT/.work/bench/scaler" "$N" "$C"
python3 bench/load.py warn # the load again, after the measurement
