"""Builds the scale benchmark's table from the folders bench/scale/run.sh left: python3 bench/scale/report.py
OUT_PREFIX BASE SIZE... (writes OUT_PREFIX.md and OUT_PREFIX.json and prints the markdown)."""
import json
import math
import os
import re
import sys
from datetime import datetime

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import load  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from disk import du  # noqa: E402

STAGES = ["extractor", "scaler", "trainer", "stacker", "evaluator"]
GC = re.compile(r"(\d+)([KMG])->(\d+)([KMG])\((\d+)([KMG])\)")
UNIT = {"K": 1 / 1024, "M": 1, "G": 1024}




def gc_peaks(path):
    """(peak heap used before a GC, peak heap after a GC, peak committed) in MiB from a -Xlog:gc file."""
    before = after = committed = 0.0
    if os.path.exists(path):
        for ln in open(path, errors="replace"):
            m = GC.search(ln)
            if m:
                before = max(before, int(m.group(1)) * UNIT[m.group(2)])
                after = max(after, int(m.group(3)) * UNIT[m.group(4)])
                committed = max(committed, int(m.group(5)) * UNIT[m.group(6)])
    return before, after, committed


def stage_times(events_path):
    """Seconds from a stage's first to its last event of the run (trainer/stacker: over all their units)."""
    first, last = {}, {}
    if os.path.exists(events_path):
        # `genrestack decode` prints "# topic-partition@offset key=..." and then the record as pretty JSON
        for chunk in re.split(r"^# .*$", open(events_path).read(), flags=re.M):
            chunk = chunk.strip()
            if not chunk.startswith("{"):
                continue
            e = json.loads(chunk)
            st, t = e.get("stage"), e.get("time")
            if st not in STAGES or not t:
                continue
            ts = float(t) if isinstance(t, (int, float)) else datetime.fromisoformat(
                str(t).replace("Z", "+00:00")).timestamp()
            first[st] = min(first.get(st, ts), ts)
            last[st] = max(last.get(st, ts), ts)
    return {s: last[s] - first[s] for s in first}


def kafka_topics(infra):
    data = os.path.join(infra, "kafka", "data")
    out = {}
    if os.path.isdir(data):
        for d in os.listdir(data):
            m = re.match(r"(.+)-\d+$", d)
            if m and os.path.isdir(os.path.join(data, d)) and not d.startswith("__"):
                out[m.group(1)] = out.get(m.group(1), 0) + du(os.path.join(data, d))
    return out


def measure(base, n):
    d = os.path.join(base, str(n))
    r = {"tracks": n, "rc": int(open(os.path.join(d, "rc")).read()) if os.path.exists(os.path.join(d, "rc")) else None,
         "wall_s": int(open(os.path.join(d, "wall_s")).read()) if os.path.exists(os.path.join(d, "wall_s")) else None}
    samples = json.load(open(os.path.join(d, "samples.json"))) if os.path.exists(os.path.join(d, "samples.json")) else {}
    times = stage_times(os.path.join(d, "run-events.jsonl"))
    r["stages"] = {}
    for s in STAGES:
        before, after, committed = gc_peaks(os.path.join(d, "work", "logs", f"{s}-gc.log"))
        t = times.get(s)
        r["stages"][s] = {
            "seconds": t, "tracks_per_s": (n / t) if t else None,
            "peak_heap_mib": before, "peak_heap_after_gc_mib": after, "heap_committed_mib": committed,
            "peak_rss_mib": samples.get(s, {}).get("rss_kib", 0) / 1024,
            "work_dir_peak_mib": samples.get(s, {}).get("work_dir_bytes", 0) / 2**20,
        }
    m = samples.get("machine", {})
    r["load_mean"] = m["load_sum"] / m["load_n"] if m.get("load_n") else None
    r["load_max"] = m.get("load_max")
    r["cores"] = m.get("cores")
    r["kafka_bytes"] = kafka_topics(os.path.join(d, "infra"))
    r["object_store_bytes"] = du(os.path.join(d, "infra", "s3", "data"))
    r["synthetic_data_bytes"] = du(os.path.join(d, "work", "data"))
    return r


def exponent(a, b, na, nb):
    if not a or not b or a <= 0 or b <= 0 or na == nb:
        return None
    return math.log(b / a) / math.log(nb / na)


def fmt(v, spec=".0f"):
    return "–" if v is None else format(v, spec)


def main():
    prefix, base, sizes = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3:]]
    rows = [measure(base, n) for n in sizes]
    text, busy = load.line()
    md = [f"# Scale benchmark ({datetime.utcnow():%Y-%m-%d %H:%M} UTC)", "", text, "",
          "Real-shape synthetic data (`--shape real`: 766/315/327/296 labels), `./genrestack run`, "
          f"sizes {sizes}, base epochs ≤ {os.environ.get('EPOCHS', '2')}, stacked epochs ≤ "
          f"{os.environ.get('STACKED_EPOCHS', '3')}, trainer / stacker intra-op threads "
          f"{os.environ.get('GENRESTACK_TRAINER_THREADS', 'all cores')} / "
          f"{os.environ.get('GENRESTACK_STACKER_THREADS', 'all cores')}. "
          "Stage time = first to last run event of the stage.", ""]
    md += ["Machine load (1-minute load average) while each size ran: " + "; ".join(
        f"{r['tracks']} tracks: mean {fmt(r['load_mean'], '.1f')}, max {fmt(r['load_max'], '.1f')}"
        + (f" on {r['cores']} cores" + (" — BUSY" if r["load_mean"] > r["cores"] / 2 else " (quiet)")
           if r["load_mean"] is not None and r["cores"] else "") for r in rows) + ".", ""]
    md += ["| tracks | exit | wall s | stage | stage s | tracks/s | peak heap MiB (after GC) | peak RSS MiB | work dir MiB |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        for i, s in enumerate(STAGES):
            x = r["stages"][s]
            md.append(f"| {r['tracks'] if i == 0 else ''} | {r['rc'] if i == 0 else ''} | "
                      f"{fmt(r['wall_s']) if i == 0 else ''} | {s} | {fmt(x['seconds'], '.1f')} | "
                      f"{fmt(x['tracks_per_s'])} | {fmt(x['peak_heap_mib'])} ({fmt(x['peak_heap_after_gc_mib'])}) | "
                      f"{fmt(x['peak_rss_mib'])} | {fmt(x['work_dir_peak_mib'])} |")
    md += ["", "| tracks | Kafka log bytes per topic (MiB) | object store MiB | synthetic input MiB |", "|---|---|---|---|"]
    for r in rows:
        topics = ", ".join(f"{t} {b / 2**20:.0f}" for t, b in sorted(r["kafka_bytes"].items()) if b > 0)
        md.append(f"| {r['tracks']} | {topics} | {r['object_store_bytes'] / 2**20:.0f} | "
                  f"{r['synthetic_data_bytes'] / 2**20:.0f} |")
    md += ["", "Growth exponent between consecutive sizes (1.0 = linear in tracks, 0 = constant):", "",
           "| sizes | wall | " + " | ".join(f"{s} time" for s in STAGES) + " | "
           + " | ".join(f"{s} heap" for s in STAGES) + " |",
           "|---|---|" + "---|" * (2 * len(STAGES))]
    for a, b in zip(rows, rows[1:]):
        na, nb = a["tracks"], b["tracks"]
        cells = [fmt(exponent(a["wall_s"], b["wall_s"], na, nb), ".2f")]
        cells += [fmt(exponent(a["stages"][s]["seconds"], b["stages"][s]["seconds"], na, nb), ".2f") for s in STAGES]
        cells += [fmt(exponent(a["stages"][s]["peak_heap_after_gc_mib"], b["stages"][s]["peak_heap_after_gc_mib"],
                               na, nb), ".2f") for s in STAGES]
        md.append(f"| {na}→{nb} | " + " | ".join(cells) + " |")
    busy = busy or any(r["load_mean"] is not None and r["cores"] and r["load_mean"] > r["cores"] / 2 for r in rows)
    if busy:
        md += ["", "**Measured on a busy machine**: times are not those of a quiet one, and sizes measured under "
               "different loads make the time exponents unreliable."]
    open(prefix + ".md", "w").write("\n".join(md) + "\n")
    json.dump({"load": text, "rows": rows}, open(prefix + ".json", "w"), indent=1)
    print("\n".join(md))
    print(f"\nwritten: {prefix}.md, {prefix}.json")


if __name__ == "__main__":
    main()
