#!/usr/bin/env bash
# Extractor throughput on N files (default 20 000: the real sample JSONs replicated), all in one run: a plain Jackson
# parse (baseline), a streaming Jackson parse (JsonParser tokens, fast doubles: the limit), the extractor's pipeline
# with 1 and T workers (default 2) and with T workers + exactly-once publishing to Kafka, the Python peer
# (bench/extractor/peer.py: json.loads + flatten on T processes), and archive reading (the extractor's InputScanner
# on a .tar.bz2 of the files vs bzip2 -dc, one core each). Ends with the ratios beside their targets (PASS/BELOW).
# Usage: bench/extractor/run.sh [N] [T]   (needs ../shared/data, python3, bzip2, tar; builds the bench module
# (bench/pom.xml); starts local Kafka for the publishing measurement and stops it again if it started it)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
N="${1:-20000}"
T="${2:-2}"
SAMPLES="${GENRESTACK_SHARED_DATA:-$ROOT/../shared/data}/acousticbrainz/lowlevel"
python3 bench/load.py warn # cores and load average beside the figures (warns on a busy machine)
mvn -B -q -DskipTests package -pl bench -am
started=false
if ! scripts/local-infra.sh status >/dev/null 2>&1; then scripts/local-infra.sh start >/dev/null; started=true; fi
trap '[ "$started" = true ] && scripts/local-infra.sh stop >/dev/null' EXIT
eval "$(scripts/local-infra.sh env)"
export GENRESTACK_KAFKA_BOOTSTRAP
# the broker's pid, for the CPU breakdown of the publishing pass (the local broker shares the cores)
GENRESTACK_BENCH_BROKER_PID="$(cat "${GENRESTACK_INFRA_WORK:-$ROOT/.work/infra}/kafka.pid" 2>/dev/null || true)"
export GENRESTACK_BENCH_BROKER_PID
java -Xmx1g -cp "bench/target/bench.jar:$(cat bench/target/classpath.txt)" io.genrestack.bench.ExtractorBench \
  "$SAMPLES" "$ROOT/.work/bench/extractor-files" "$N" "$T" "$ROOT/bench/extractor/peer.py"
python3 bench/load.py warn # the load again, after the measurement
