"""Python peer of the extractor's parse-and-flatten step, for bench/extractor/run.sh (ExtractorBench starts it).

The approach of the public third-party preprocessing of the MediaEval AcousticBrainz baseline: `json.loads` of each
low-level document, `metadata` and `rhythm.beats_position` dropped, the nested dicts and lists walked recursively, the
four tonal strings one-hot encoded; here every leaf is keyed by its JSON pointer and the values are picked in the
extractor's manifest order, so the vector is the extractor's (checked against its vectors before timing). Each file
becomes 4-byte floats (the record the peer would hand on). Runs on WORKERS processes (multiprocessing.Pool).

    python3 peer.py COLUMNS REFERENCE FILE_LIST WORKERS

COLUMNS: the manifest, one column per line `name<TAB>pointer<TAB>category` (category empty for numeric columns);
REFERENCE: lines `file<TAB>` + the extractor's float32 vector as hex, for the check; FILE_LIST: the files to time,
one per line. Prints `peer tracks/s <rate>` and `peer checked <k> files`.
"""
import array
import json
import multiprocessing
import sys
import time

# the key/scale vocabularies; flats map to sharps as the extractor does
FLATS = {"Bb": "A#", "Db": "C#", "Eb": "D#", "Gb": "F#", "Ab": "G#"}
COLUMNS = []  # (pointer, category or None), set in each worker by init()


def init(columns_file):
    global COLUMNS
    with open(columns_file, encoding="utf-8") as f:
        COLUMNS = [(p, c or None) for _, p, c in (line.rstrip("\n").split("\t") for line in f if line.strip())]


def leaves(node, pointer, out):
    """Every leaf of a nested dict/list under its JSON pointer (keys escaped as RFC 6901 says)."""
    if isinstance(node, dict):
        for k, v in node.items():
            leaves(v, pointer + "/" + k.replace("~", "~0").replace("/", "~1"), out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            leaves(v, pointer + "/" + str(i), out)
    else:
        out[pointer] = node


def flatten(raw):
    doc = json.loads(raw)
    doc.pop("metadata", None)
    doc["rhythm"].pop("beats_position", None)
    flat = {}
    for section in ("lowlevel", "rhythm", "tonal"):
        leaves(doc[section], "/" + section, flat)
    vector = []
    for pointer, category in COLUMNS:
        value = flat.get(pointer)
        if category is None:
            vector.append(float("nan") if value is None else float(value))
        elif value is None:
            vector.append(float("nan"))
        else:
            vector.append(1.0 if FLATS.get(value, value) == category else 0.0)
    return array.array("f", vector).tobytes()


def flatten_file(path):
    with open(path, "rb") as f:
        return len(flatten(f.read()))


def main():
    columns_file, reference_file, list_file, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    init(columns_file)
    checked = 0
    with open(reference_file, encoding="utf-8") as f:
        for line in f:
            name, hexed = line.rstrip("\n").split("\t")
            with open(name, "rb") as doc:
                mine = flatten(doc.read())
            if mine != bytes.fromhex(hexed):
                a, b = array.array("f", mine), array.array("f", bytes.fromhex(hexed))
                bad = [i for i in range(len(b)) if i >= len(a) or a[i] != b[i]][:5]
                sys.exit(f"peer vector differs from the extractor's for {name} at columns {bad}")
            checked += 1
    with open(list_file, encoding="utf-8") as f:
        files = [line.rstrip("\n") for line in f if line.strip()]
    with multiprocessing.Pool(workers, initializer=init, initargs=(columns_file,)) as pool:
        list(pool.imap(flatten_file, files[: min(200, len(files))], chunksize=16))  # start-up and warm-up
        t0 = time.perf_counter()
        total = sum(pool.imap(flatten_file, files, chunksize=32))
        elapsed = time.perf_counter() - t0
    if total != len(files) * 4 * len(COLUMNS):
        sys.exit("peer produced the wrong number of values")
    print(f"peer checked {checked} files")
    print(f"peer tracks/s {len(files) / elapsed:.1f}")


if __name__ == "__main__":
    main()
