#!/usr/bin/env bash
# Seconds per training epoch: DJL MlpTrainer (memory-mapped RowStoreDataset and in-memory ArrayDataset) vs the same
# network in PyTorch from Python, on the same synthetic data (ROWS x 2669 -> 256 -> 327, batch 32), same thread count.
#
#   bench/trainer/run.sh                       # 20 000 rows, 3 epochs, 1 thread
#   THREADS=2 EPOCHS=4 ROWS=20000 bench/trainer/run.sh
#
# Builds the bench module (bench/pom.xml; its Java in bench/src/main/java). Needs: the Maven build's dependencies
# cached (-o) and /usr/bin/python3 with python3-torch (apt-get install -y python3-torch). Results:
# bench/results/trainer/{djl,torch}.json and a summary on stdout. The first epoch of each run includes warm-up; the
# summary uses the median of the epochs after the first. Wall times are only comparable on an otherwise idle machine;
# the CPU seconds (training thread for DJL, process for Python; use THREADS=1) are the robust comparison on a shared
# one.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${ROWS:-20000}
EPOCHS=${EPOCHS:-3}
THREADS=${THREADS:-1}
OUT=$(pwd)/bench/results/trainer
mkdir -p "$OUT"
python3 bench/load.py warn # cores and load average beside the figures (warns on a busy machine)

mvn -B -q -o -DskipTests package -pl bench -am
DJL_CACHE_DIR="${DJL_CACHE_DIR:-$(pwd)/.cache/djl}" DJL_OFFLINE=true java -Xmx2g -Dai.djl.offline=true \
  -cp "bench/target/bench.jar:$(cat bench/target/classpath.txt)" io.genrestack.bench.TrainerBench \
  "$OUT" "$ROWS" "$EPOCHS" "$THREADS" 2>&1 | grep -E '^BENCH|ERROR|Exception' || true
test -s "$OUT/djl.json" || { echo "Java bench produced no result" >&2; exit 1; }

OMP_NUM_THREADS=$THREADS /usr/bin/python3 bench/trainer/torch_mlp.py "$OUT" "$THREADS" "$EPOCHS" | grep '^BENCH' || true

/usr/bin/python3 - "$OUT" <<'PY'
import json, statistics, sys
d = sys.argv[1]
j = json.load(open(d + "/djl.json")); t = json.load(open(d + "/torch.json"))
def med(v): return statistics.median(v[1:] if len(v) > 1 else v)
rows = [("DJL MlpTrainer, RowStoreDataset (mmap)", j["djl_rowstore_epoch_s"], j["djl_rowstore_epoch_cpu_s"]),
        ("DJL MlpTrainer, ArrayDataset (memory) ", j["djl_arraydataset_epoch_s"], j["djl_arraydataset_epoch_cpu_s"]),
        ("PyTorch from Python (memory)         ", t["torch_epoch_s"], t["torch_epoch_cpu_s"])]
print(f"rows {j['rows']}, threads DJL {j['threads']} / torch {t['threads']} (PyTorch {t['torch']} from Python); "
      "median of epochs after the first; wall = training phase, cpu = CPU seconds of the epoch")
for name, wall, cpu in rows:
    print(f"{name}: wall {med(wall):7.2f} s/epoch {wall}   cpu {med(cpu):7.2f} s/epoch {cpu}")
(_, rw, rc), (_, aw, ac), (_, pw, pc) = rows
print(f"ratio DJL(mmap) / PyTorch     : wall {med(rw) / med(pw):.2f}  cpu {med(rc) / med(pc):.2f}")
print(f"ratio DJL(memory) / PyTorch   : wall {med(aw) / med(pw):.2f}  cpu {med(ac) / med(pc):.2f}")
print(f"ratio RowStore / ArrayDataset : wall {med(rw) / med(aw):.2f}  cpu {med(rc) / med(ac):.2f}")
PY
python3 bench/load.py warn # the load again, after the measurement
