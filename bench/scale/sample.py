"""Samples a local run every second until killed: per service (found by its jar in /proc/*/cmdline) the peak RSS
(VmHWM) and the largest size of its work dir (<work>/scratch/<service>), and the machine's 1-minute load average
(mean and max over the run, so the report can say how busy the machine was while this size ran); writes
<dir>/samples.json after each pass.
Usage: python3 bench/scale/sample.py DIR (the bench's folder of one size; the run's --work is DIR/work)."""
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from disk import du  # noqa: E402

SERVICES = ["extractor", "scaler", "trainer", "stacker", "evaluator"]
out_dir = sys.argv[1]
work = os.path.join(out_dir, "work")
peak = {s: {"rss_kib": 0, "work_dir_bytes": 0} for s in SERVICES}
machine = {"cores": os.cpu_count() or 1, "load_sum": 0.0, "load_n": 0, "load_max": 0.0}
stop = False


def on_term(*_):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)




def scan():
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace")
            if "quarkus-run.jar" not in cmd:
                continue
            service = next((s for s in SERVICES if f"{s}-service" in cmd), None)
            if service is None:
                continue
            for ln in open(f"/proc/{pid}/status"):
                if ln.startswith("VmHWM:"):
                    peak[service]["rss_kib"] = max(peak[service]["rss_kib"], int(ln.split()[1]))
        except OSError:
            continue
    one = os.getloadavg()[0]
    machine["load_sum"] += one
    machine["load_n"] += 1
    machine["load_max"] = max(machine["load_max"], one)
    for s in SERVICES:
        peak[s]["work_dir_bytes"] = max(peak[s]["work_dir_bytes"], du(os.path.join(work, "scratch", s)))


while not stop:
    scan()
    tmp = os.path.join(out_dir, "samples.json.tmp")
    with open(tmp, "w") as f:
        json.dump({**peak, "machine": machine}, f)
    os.replace(tmp, os.path.join(out_dir, "samples.json"))
    for _ in range(10):
        if stop:
            break
        time.sleep(0.1)
