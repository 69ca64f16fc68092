#!/usr/bin/env bash
# Cost of the evaluator's bootstrap of the macro ROC-AUC (RESAMPLES resamples, both models, exact weighted AUC per
# label and resample) relative to one exact macro ROC-AUC of the same label columns, measured in the same run, on
# TRACKS validation tracks x LABELS labels (synthetic columns with a long-tailed prevalence, docs/metrics.md).
#
#   bench/bootstrap/run.sh                          # 300 000 tracks x 766 labels, 1 000 resamples, every 10th label
#   STRIDE=1 bench/bootstrap/run.sh                 # every label (no extrapolation; about 10x longer)
#   TRACKS=60000 RESAMPLES=1000 STRIDE=5 bench/bootstrap/run.sh
#
# One thread, timed by the thread's CPU clock (wall time beside it). With STRIDE > 1 only every STRIDE-th label is
# measured and the totals are extrapolated by LABELS / measured labels (the summary says so). Builds the bench module
# (bench/pom.xml; BootstrapBench in bench/src/main/java); the multiplicities file (TRACKS x RESAMPLES bytes) lies in
# .work/bench/bootstrap while it runs. Results: bench/results/bootstrap/bootstrap.json and a summary on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
TRACKS=${TRACKS:-300000}
LABELS=${LABELS:-766}
RESAMPLES=${RESAMPLES:-1000}
STRIDE=${STRIDE:-10}
OUT=$(pwd)/bench/results/bootstrap
WORK=$(pwd)/.work/bench/bootstrap
mkdir -p "$OUT" "$WORK"
python3 bench/load.py warn # cores and load average beside the figures (warns on a busy machine)

mvn -B -q -o -DskipTests package -pl bench -am
java -Xmx1g -cp "bench/target/bench.jar:$(cat bench/target/classpath.txt)" io.genrestack.bench.BootstrapBench \
  "$WORK" "$TRACKS" "$LABELS" "$RESAMPLES" "$STRIDE" | grep '^BENCH'
mv "$WORK/bootstrap.json" "$OUT/bootstrap.json"

python3 - "$OUT/bootstrap.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
m, L = j["measuredLabels"], j["labels"]
extra = "" if m == L else f" (measured {m} of {L} labels, the middle label of every {j['stride']}; totals extrapolated x{L / m:.2f})"
print(f"{j['tracks']} validation tracks x {L} labels, {j['resamples']} resamples, "
      f"{j['positivesPerTrack']:.2f} true labels per track, largest multiplicity {j['maxWeight']}{extra}; one thread, CPU s")
print(f"draw the resamples (once per source)  : {j['drawCpuS']:8.2f} s")
print(f"exact macro AUC, base + stacked       : {j['extrapolatedExactMacroCpuSBothModels']:8.2f} s")
print(f"bootstrap, base + stacked             : {j['extrapolatedBootstrapCpuSBothModels']:8.2f} s "
      f"({j['nsPerTrackLabelResample']:.3f} ns per track x label x resample)")
print(f"ratio bootstrap / exact macro AUC     : {j['ratioBootstrapToExactMacro']:8.1f}  "
      f"(per resample {j['ratioPerResample']:.4f} of one exact macro AUC)")
print(f"macro base {j['macro'][0]:.4f} CI {j['ciBase']}, stacked {j['macro'][1]:.4f} CI {j['ciStacked']}, "
      f"difference CI {j['ciDifference']}, stacked wins {j['stackedWins']:.3f}")
PY
python3 bench/load.py warn # the load again, after the measurement
