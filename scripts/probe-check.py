#!/usr/bin/env python3
"""An independent check of gmi's honest probe with scikit-learn.

    python3 scripts/probe-check.py EMBEDDINGS.npy SPLIT.json [--grid 0.001,0.01,0.1,1,10,100]

SPLIT.json is the split.json that gmi train writes beside embeddings.npy (or that
`gmi datasets export` writes): labels and train/val/test node ids. The protocol is the
one docs/evaluation.md describes, written independently with scikit-learn: features
standardised with the train nodes' mean and standard deviation (StandardScaler), one
LogisticRegression(solver="lbfgs") per C of the grid, C chosen on validation accuracy
(first maximum, i.e. the smallest C on ties), test accuracy of that classifier.
Prints one JSON object per split.
"""
import argparse
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("embeddings")
    ap.add_argument("split")
    ap.add_argument("--grid", default="0.001,0.01,0.1,1,10,100")
    ap.add_argument("--max-iter", type=int, default=5000)
    a = ap.parse_args()
    x = np.load(a.embeddings).astype(np.float64)
    s = json.load(open(a.split))
    y = np.asarray(s["labels"])
    grid = [float(c) for c in a.grid.split(",")]
    for k, sp in enumerate(s["splits"]):
        tr, va, te = (np.asarray(sp[p], dtype=np.int64) for p in ("train", "val", "test"))
        t0 = time.time()
        scaler = StandardScaler().fit(x[tr])
        xtr, xva, xte = scaler.transform(x[tr]), scaler.transform(x[va]), scaler.transform(x[te])
        val_acc, models, warned = [], [], []
        for c in grid:
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always", ConvergenceWarning)
                m = LogisticRegression(C=c, solver="lbfgs", max_iter=a.max_iter).fit(xtr, y[tr])
            warned.append(any(issubclass(i.category, ConvergenceWarning) for i in w))
            val_acc.append(float((m.predict(xva) == y[va]).mean()))
            models.append(m)
        best = int(np.argmax(val_acc))
        test = float((models[best].predict(xte) == y[te]).mean())
        print(json.dumps({"split": sp["kind"], "c": grid[best], "val_accuracy": val_acc, "test_accuracy": test,
                          "not_converged": [g for g, w in zip(grid, warned) if w], "seconds": round(time.time() - t0, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
