#!/usr/bin/env bash
# The whole pipeline on real-shape synthetic data at growing sizes: per stage wall time and records/s, per service
# peak heap (GC log) and peak RSS, local disk of the work dirs, Kafka log bytes per topic, object-store bytes, and the
# growth exponent between sizes (d log value / d log tracks: 1 = linear).
#
#   bench/scale/run.sh                      # 50 000, 100 000 and 200 000 tracks (about 2 hours on 2 cores)
#   bench/scale/run.sh 5000 10000 20000     # any sizes, ascending
#   EPOCHS=2 STACKED_EPOCHS=3 bench/scale/run.sh ...   # base / stacked epoch caps (defaults 2 and 3: the time per
#                                           # epoch is what scales; a fixed cap keeps early stopping out of the exponents)
#   GENRESTACK_TRAINER_THREADS=1 GENRESTACK_STACKER_THREADS=1 bench/scale/run.sh ...
#                                           # intra-op threads of the trainer / stacker (default: all cores; 1 keeps
#                                           # libtorch's thread pool from stalling when the machine is shared)
#
# Each size runs `./genrestack run --shape real --tracks N --max-epochs EPOCHS --stacked-max-epochs STACKED_EPOCHS` against its own fresh local Kafka +
# S3 (scripts/local-infra.sh with a private work folder), services sized by the local run's heap plan
# (docs/capacity.md). Results: bench/results/scale/scale-<time>.{md,json} and the table on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(50000 100000 200000)
EPOCHS=${EPOCHS:-2}
STACKED_EPOCHS=${STACKED_EPOCHS:-3}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$ROOT/bench/results/scale
BASE=$ROOT/.work/bench-scale
mkdir -p "$OUT" "$BASE"

python3 bench/load.py warn # cores and load average beside the figures (warns on a busy machine)

./genrestack --help >/dev/null # builds on first use
for n in "${SIZES[@]}"; do
  dir=$BASE/$n
  rm -rf "$dir"
  mkdir -p "$dir"
  export GENRESTACK_INFRA_WORK=$dir/infra
  scripts/local-infra.sh start >"$dir/infra-start.log"
  # the local run passes these to every service ({service} = its name): GC log for the peak heap
  export GENRESTACK_SERVICE_JAVA_OPTS="-Xlog:gc:file=$dir/work/logs/{service}-gc.log:uptime"
  python3 bench/scale/sample.py "$dir" &
  sampler=$!
  echo "== $n tracks (work $dir)"
  start=$(date +%s)
  rc=0
  ./genrestack run --shape real --tracks "$n" --max-epochs "$EPOCHS" \
    --stacked-max-epochs "$STACKED_EPOCHS" --run-id "scale-$n" --work "$dir/work" \
    --timeout-minutes 600 >"$dir/run.log" 2>&1 || rc=$?
  echo $(( $(date +%s) - start )) >"$dir/wall_s"
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  echo "$rc" >"$dir/rc"
  tail -n 12 "$dir/run.log"
  ./genrestack decode run-events --run "scale-$n" --bootstrap "$(. "$GENRESTACK_INFRA_WORK/infra.env"; echo "$GENRESTACK_KAFKA_BOOTSTRAP")" \
    >"$dir/run-events.jsonl" 2>"$dir/decode.log" || true
  scripts/local-infra.sh stop >/dev/null || true
  [ "$rc" = 0 ] || echo "run of $n tracks FAILED (exit $rc); see $dir/run.log" >&2
done
python3 bench/scale/report.py "$OUT/scale-$STAMP" "$BASE" "${SIZES[@]}"
