#!/usr/bin/env python3
"""Times the official GMI code (github.com/zpeng27/GMI) on a GPU, epoch by epoch.

    official-gmi-timing.py OFFICIAL_DIR DATASET EPOCHS OUT_JSON

OFFICIAL_DIR is a checkout of the official repository (never part of this project: fetch it and
carry it beside the run). Its model, layers and utils/process.py are imported unmodified. What
this script holds is the training loop of the official execute.py, line for line, cut to EPOCHS
epochs and timed: each epoch is forward (including the official negative sampling in Python and
the upload of the dense target), loss, the checkpoint save when the loss improved, backward and the
Adam step, between two torch.cuda.synchronize() calls. The linear probe of execute.py is not run.

DATASET is `cora` (the official loader, reading OFFICIAL_DIR/data/ind.cora.*) or the path of a
GraphGallery .npz (e.g. coauthor_cs.npz): adjacency symmetrised, binary, no self loops; features
as given; one-hot labels; the same preprocessing as execute.py after its load_data.

Writes OUT_JSON: seconds of every epoch, their median after the first two, peak device memory
(torch.cuda.max_memory_allocated and max_memory_reserved), the GPU's name and the versions.
"""
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn as nn


def load_npz(path):
    # the matrices are pickled under scipy's old module names (scipy.sparse.csr); alias them when gone
    for old in ("scipy.sparse.csr", "scipy.sparse.csc"):
        try:
            __import__(old)
        except ImportError:
            sys.modules[old] = sp
    with np.load(path, allow_pickle=True, encoding="latin1") as z:
        adj = sp.csr_matrix(z["adj_matrix"].item())
        features = sp.csr_matrix(z["node_attr"].item())
        labels = np.asarray(z["node_label"])
    adj = ((adj + adj.T) > 0).astype(np.float32)
    adj.setdiag(0)
    adj.eliminate_zeros()
    onehot = np.zeros((labels.shape[0], labels.max() + 1))
    onehot[np.arange(labels.shape[0]), labels] = 1
    return adj.tocsr(), features.tolil(), onehot


def main():
    official, dataset, epochs, out_json = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    official = os.path.abspath(official)
    out_json = os.path.abspath(out_json)
    if not hasattr(torch.sparse, "FloatTensor"):
        # the official process.py builds its sparse tensors with this legacy constructor
        torch.sparse.FloatTensor = lambda i, v, s: torch.sparse_coo_tensor(i, v, s)
    sys.path.insert(0, official)
    from models import GMI
    from utils import process

    work = tempfile.mkdtemp(prefix="official-gmi-")
    os.symlink(os.path.join(official, "data"), os.path.join(work, "data"))
    os.chdir(work)  # the official code reads data/ and writes best_gmi.pkl in the working folder

    t_load = time.perf_counter()
    if dataset == "cora":
        adj_ori, features, labels, idx_train, idx_val, idx_test = process.load_data("cora")
        name = "cora"
    else:
        adj_ori, features, labels = load_npz(dataset)
        name = os.path.splitext(os.path.basename(dataset))[0]

    # ---- from here as execute.py (hid_units 512, lr 0.001, l2_coef 0, negative_num 5, alpha 0.8, beta 1, gamma 1, prelu)
    hid_units, lr, l2_coef, negative_num, alpha, beta, gamma = 512, 0.001, 0.0, 5, 0.8, 1.0, 1.0
    torch.cuda.set_device(0)
    features, _ = process.preprocess_features(features)
    nb_nodes = features.shape[0]
    ft_size = features.shape[1]
    adj = process.normalize_adj(adj_ori + sp.eye(adj_ori.shape[0]))
    sp_adj = process.sparse_mx_to_torch_sparse_tensor(adj)
    features = torch.FloatTensor(features[np.newaxis])
    model = GMI(ft_size, hid_units, "prelu")
    optimiser = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=l2_coef)
    model.cuda()
    features = features.cuda()
    sp_adj = sp_adj.cuda()
    cnt_wait = 0
    best = 1e9
    adj_dense = adj_ori.toarray()
    adj_target = adj_dense + np.eye(adj_dense.shape[0])
    adj_row_avg = 1.0 / np.sum(adj_dense, axis=1)
    adj_row_avg[np.isnan(adj_row_avg)] = 0.0
    adj_row_avg[np.isinf(adj_row_avg)] = 0.0
    adj_dense = adj_dense * 1.0
    for i in range(adj_ori.shape[0]):
        adj_dense[i] = adj_dense[i] * adj_row_avg[i]
    adj_ori = sp.csr_matrix(adj_dense, dtype=np.float32)
    setup_seconds = time.perf_counter() - t_load

    torch.cuda.reset_peak_memory_stats()
    seconds, losses = [], []
    for epoch in range(epochs):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        model.train()
        optimiser.zero_grad()
        res = model(features, adj_ori, negative_num, sp_adj, None, None)
        loss = alpha * process.mi_loss_jsd(res[0], res[1]) + beta * process.mi_loss_jsd(res[2], res[3]) \
            + gamma * process.reconstruct_loss(res[4], adj_target)
        if loss < best:
            best = loss
            cnt_wait = 0
            torch.save(model.state_dict(), "best_gmi.pkl")
        else:
            cnt_wait += 1
        loss.backward()
        optimiser.step()
        torch.cuda.synchronize()
        seconds.append(time.perf_counter() - t0)
        losses.append(float(loss))
        print(f"official GMI {name} epoch {epoch + 1}: loss {losses[-1]:.6f}, {seconds[-1]:.4f} s", file=sys.stderr, flush=True)

    measured = seconds[2:] if len(seconds) > 3 else seconds
    result = {
        "code": "github.com/zpeng27/GMI (models, layers, utils unmodified; execute.py's training loop)",
        "dataset": name,
        "nodes": int(nb_nodes),
        "features": int(ft_size),
        "hidden": hid_units,
        "epochs": epochs,
        "seconds": seconds,
        "seconds_per_epoch": statistics.median(measured),
        "loss": losses,
        "setup_seconds": setup_seconds,
        "device_peak_allocated_mib": torch.cuda.max_memory_allocated() / 2**20,
        "device_peak_reserved_mib": torch.cuda.max_memory_reserved() / 2**20,
        "gpu": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
    }
    with open(out_json, "w") as f:
        json.dump(result, f, indent=2)
    print(f"official GMI {name}: {result['seconds_per_epoch']:.4f} s/epoch (median of {len(measured)}), "
          f"peak allocated {result['device_peak_allocated_mib']:.0f} MiB", file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
