"""Independent reference for io.genrestack.common.metrics tests: scikit-learn's own metrics.

Usage (matrices are whitespace-separated text, one row per track):
  sklearn_oracle.py version
  sklearn_oracle.py auc   SCORES TRUTH     -> "per <label> <auc|nan>" lines, "macro <auc>", "micro <auc>"
  sklearn_oracle.py curve SCORES TRUTH COL -> "fpr ...", "tpr ...", "thr ..." (roc_curve, drop_intermediate=False)
  sklearn_oracle.py prf   PRED TRUTH       -> "samples P R F", "macro P R F" (zero_division=0)
  sklearn_oracle.py bootstrap BASE STACKED TRUTH INDICES
                                           -> per resample (one line of INDICES = its row indices): the macro
                                              roc_auc_score of each model on the resampled rows over the labels
                                              with both classes there ("base ...", "stacked ...", nan when none);
                                              over the resamples with a macro: "ci base|stacked|difference LOW
                                              HIGH" (np.percentile 2.5 / 97.5) and "share WINS TIES" of
                                              stacked - base > 0 and == 0
  sklearn_oracle.py batch JOBS             -> each line of JOBS is one of the above (tab-separated
                                              arguments); its output follows a line "job <index>"
                                              (one Python start for many checks: importing sklearn is slow);
                                              the first line names the sklearn and numpy versions
Floats are printed with repr() so Java parses the exact doubles.
"""
import sys

import numpy as np
import sklearn
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score, roc_curve


def load(path, dtype):
    return np.loadtxt(path, dtype=dtype, ndmin=2)


def out(key, *values):
    print(key, " ".join(repr(float(v)) for v in values))


def main(argv):
    mode = argv[1]
    if mode == "batch":
        print("sklearn", sklearn.__version__, "numpy", np.__version__)
        with open(argv[2]) as jobs:
            for index, line in enumerate(jobs):
                print("job", index)
                main([argv[0]] + line.rstrip("\n").split("\t"))
    elif mode == "version":
        print("sklearn", sklearn.__version__, "numpy", np.__version__)
    elif mode == "auc":
        scores = load(argv[2], np.float64)
        truth = load(argv[3], np.int64)
        ok = []
        for label in range(scores.shape[1]):
            y = truth[:, label]
            if len(np.unique(y)) < 2:
                print("per", label, "nan")
            else:
                ok.append(label)
                print("per", label, repr(float(roc_auc_score(y, scores[:, label]))))
        if len(ok) >= 2:
            out("macro", roc_auc_score(truth[:, ok], scores[:, ok], average="macro"))
        elif len(ok) == 1:
            out("macro", roc_auc_score(truth[:, ok[0]], scores[:, ok[0]]))
        else:
            print("macro nan")
        if len(np.unique(truth)) < 2:
            print("micro nan")
        else:
            out("micro", roc_auc_score(truth, scores, average="micro"))
    elif mode == "curve":
        scores = load(argv[2], np.float64)
        truth = load(argv[3], np.int64)
        col = int(argv[4])
        fpr, tpr, thr = roc_curve(truth[:, col], scores[:, col], drop_intermediate=False)
        out("fpr", *fpr)
        out("tpr", *tpr)
        out("thr", *thr)
    elif mode == "prf":
        pred = load(argv[2], np.int64)
        truth = load(argv[3], np.int64)
        for average in ("samples", "macro"):
            p, r, f, _ = precision_recall_fscore_support(truth, pred, average=average, zero_division=0)
            out(average, p, r, f)
    elif mode == "bootstrap":
        base = load(argv[2], np.float64)
        stacked = load(argv[3], np.float64)
        truth = load(argv[4], np.int64)
        indices = load(argv[5], np.int64)
        macros = {"base": [], "stacked": []}
        for idx in indices:
            y = truth[idx]
            ok = [label for label in range(y.shape[1]) if len(np.unique(y[:, label])) == 2]
            for name, scores in (("base", base), ("stacked", stacked)):
                s = scores[idx]
                if not ok:
                    macros[name].append(float("nan"))
                elif len(ok) == 1:
                    macros[name].append(roc_auc_score(y[:, ok[0]], s[:, ok[0]]))
                else:
                    macros[name].append(roc_auc_score(y[:, ok], s[:, ok], average="macro"))
        b = np.array(macros["base"])
        t = np.array(macros["stacked"])
        out("base", *b)
        out("stacked", *t)
        valid = ~np.isnan(b)
        d = t[valid] - b[valid]
        for name, values in (("base", b[valid]), ("stacked", t[valid]), ("difference", d)):
            out("ci" + name, *np.percentile(values, [2.5, 97.5]))
        out("share", np.mean(d > 0), np.mean(d == 0))
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main(sys.argv)
