#!/usr/bin/env python3
"""Writes the binary cases of the hostile corpus (.npz archives, Planetoid folders).

Plain Python 3 (struct, zipfile; no numpy), deterministic: run it from this folder to recreate them.
"""
import os
import struct
import zipfile


def npy(descr, shape, payload):
    """A .npy 1.0 file: magic, version, header dict padded to 64 bytes, raw data."""
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, "".join("%d, " % s for s in shape) if len(shape) != 1 else "%d," % shape[0])
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + payload


def f32(*values):
    return struct.pack("<%df" % len(values), *values)


def i32(*values):
    return struct.pack("<%di" % len(values), *values)


def good_entries():
    return {
        "adj_matrix.npy": npy("<f4", (3, 3), f32(0, 1, 0, 1, 0, 1, 0, 1, 0)),
        "node_attr.npy": npy("<f4", (3, 2), f32(1, 0, 0, 1, 1, 1)),
        "node_label.npy": npy("<i4", (3,), i32(0, 1, 0)),
    }


def write_npz(folder, entries, name="graph.npz"):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for k, v in entries.items():
            info = zipfile.ZipInfo(k, date_time=(2020, 1, 1, 0, 0, 0))
            z.writestr(info, v)
    return path


def main():
    # a well-formed archive cut in half
    p = write_npz("npz_truncated", good_entries())
    with open(p, "rb") as f:
        data = f.read()
    with open(p, "wb") as f:
        f.write(data[: len(data) // 2])

    e = good_entries()
    e["adj_matrix.npy"] = b"\x93NUMPX" + e["adj_matrix.npy"][6:]
    write_npz("npz_wrong_magic", e)

    e = good_entries()
    e["node_label.npy"] = npy("<f4", (3,), f32(0, 1, 0))
    write_npz("npz_float_labels", e)

    e = good_entries()
    e["node_label.npy"] = npy("<i4", (2,), i32(0, 1))
    write_npz("npz_label_shape", e)

    e = good_entries()
    e["node_attr.npy"] = npy("<f4", (3, 2), f32(1, 0, float("nan"), 1, 1, 1))
    write_npz("npz_nan_attr", e)

    e = good_entries()
    e["adj_matrix.npy"] = npy("<f4", (2, 3), f32(0, 1, 0, 1, 0, 1))
    write_npz("npz_not_square", e)

    write_npz("npz_empty_graph", {"adj_matrix.npy": npy("<f4", (0, 0), b"")})

    write_npz("npz_no_adjacency", {"something.npy": npy("<i4", (1,), i32(1))})

    os.makedirs("npz_not_a_zip", exist_ok=True)
    with open(os.path.join("npz_not_a_zip", "graph.npz"), "wb") as f:
        f.write(b"this is not a zip archive\n")

    # Planetoid folders: one file present (the others missing), and every file not a pickle
    os.makedirs("planetoid_missing_files", exist_ok=True)
    with open(os.path.join("planetoid_missing_files", "ind.tiny.x"), "wb") as f:
        f.write(b"\x80\x02N.")
    os.makedirs("planetoid_not_pickles", exist_ok=True)
    for part in ["x", "y", "tx", "ty", "allx", "ally", "graph"]:
        with open(os.path.join("planetoid_not_pickles", "ind.tiny." + part), "wb") as f:
            f.write(b"not a pickle\n")
    with open(os.path.join("planetoid_not_pickles", "ind.tiny.test.index"), "wb") as f:
        f.write(b"2\n")


if __name__ == "__main__":
    main()
