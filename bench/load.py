"""Machine load beside benchmark figures: `python3 bench/load.py [warn]` prints cores and load average and,
with `warn`, a warning on stderr when the 1-minute load average exceeds half the cores (figures then are not those of
a quiet machine). Used by every benchmark script."""
import os
import sys


def load():
    cores = os.cpu_count() or 1
    one, five, fifteen = os.getloadavg()
    return cores, one, five, fifteen


def line():
    cores, one, five, fifteen = load()
    busy = one > cores / 2
    return (f"machine: {cores} cores, load average {one:.2f} {five:.2f} {fifteen:.2f}"
            + (" — BUSY: figures measured on a loaded machine, not comparable to a quiet one" if busy else " (quiet)"),
            busy)


if __name__ == "__main__":
    text, busy = line()
    print(text)
    if len(sys.argv) > 1 and sys.argv[1] == "warn" and busy:
        print("WARNING: " + text, file=sys.stderr)
