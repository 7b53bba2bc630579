#!/usr/bin/env python3
"""Writes the pickle fixtures of PickleTest and PlanetoidLoaderTest: the same values in every protocol 0 to 5.

Needs numpy and scipy (written with Python 3.11, numpy 2.4, scipy 1.17). Run it in this folder.
- values.pN.pkl: a dict of the kinds of values the loaders meet (see PickleTest.readsProtocolsZeroToFive).
- pN/ind.tiny.{x,y,tx,ty,allx,ally,graph,test.index}: one small Planetoid dataset (540 nodes).
Protocol 5 stores numpy arrays as numpy._core.numeric._frombuffer of an in-band BYTEARRAY8 buffer.
"""
import collections
import os
import pickle

import numpy as np
import scipy.sparse as sp


def values():
    return {
        "str": "caf\u00e9 \u2603",
        "bytes": b"\x00\xff\\'\"\n",
        "int": -5,
        "big": 2 ** 70,
        "float": 3.25,
        "bools": (True, False),
        "none": None,
        "list": [1, 2, 3],
        "ints": np.array([[1, -2, 3], [4, 5, -6]], dtype=np.int32),
        "floats": np.asfortranarray(np.array([[0.5, 1.5], [2.5, 3.5], [4.5, 5.5]], dtype=np.float64)),
        "csr": sp.csr_matrix(np.array([[0, 1.5, 0], [2.0, 0, 0]], dtype=np.float32)),
    }


def planetoid():
    rng = np.random.default_rng(7)
    n_all, n_test, f, c = 530, 10, 6, 3
    dense = (rng.random((n_all + n_test, f)) < 0.3).astype(np.float32)
    labels = rng.integers(0, c, n_all + n_test)
    onehot = np.eye(c, dtype=np.int64)[labels]
    graph = collections.defaultdict(list)
    for i in range(n_all + n_test):
        for j in rng.integers(0, n_all + n_test, 2):
            graph[i].append(int(j))
    test = list(range(n_all, n_all + n_test))
    rng.shuffle(test)
    tx = sp.csr_matrix(dense[n_all:])
    ty = onehot[n_all:]
    # test.index[k] gets row k of tx: put the rows in test.index order
    order = [t - n_all for t in test]
    return {
        "x": sp.csr_matrix(dense[:20]), "y": onehot[:20],
        "allx": sp.csr_matrix(dense[:n_all]), "ally": onehot[:n_all],
        "tx": tx[order], "ty": ty[order], "graph": graph,
    }, test


def main():
    parts, test = planetoid()
    for proto in range(6):
        with open("values.p%d.pkl" % proto, "wb") as f:
            pickle.dump(values(), f, protocol=proto)
        os.makedirs("p%d" % proto, exist_ok=True)
        for name, obj in parts.items():
            with open(os.path.join("p%d" % proto, "ind.tiny." + name), "wb") as f:
                pickle.dump(obj, f, protocol=proto)
        with open(os.path.join("p%d" % proto, "ind.tiny.test.index"), "w") as f:
            f.write("".join("%d\n" % t for t in test))


if __name__ == "__main__":
    main()
