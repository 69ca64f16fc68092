#!/usr/bin/env bash
# Extractor throughput vs a plain Jackson parse of the same 20 000 files (real sample JSONs replicated), in one run,
# and the extractor's parse-and-flatten pipeline with 1 worker vs T workers (default 2) and their ratio.
# Usage: bench/extractor/run.sh [N] [T]   (needs ../shared/data; builds the bench module (bench/pom.xml); starts local
# Kafka for the publishing measurement and stops it again if it started it)
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
java -Xmx1g -cp "bench/target/bench.jar:$(cat bench/target/classpath.txt)" io.genrestack.bench.ExtractorBench \
  "$SAMPLES" "$ROOT/.work/bench/extractor-files" "$N" "$T"
python3 bench/load.py warn # the load again, after the measurement
