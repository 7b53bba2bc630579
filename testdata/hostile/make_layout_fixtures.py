#!/usr/bin/env python3
"""Writes the binary-layout cases of the hostile corpus (folders of gmi convert's layout).

Each case is the same small graph (a path 0 - 1 - 2 - 3, two features, a public split) with one
thing wrong. graph.json lists each file's CRC-32 as gmi convert does, computed after the change
(except in layout_bad_checksum), so the loader must find the fault in the content itself.
Plain Python 3 (struct, zlib, json; no numpy), deterministic: run it from this folder.
"""
import json
import os
import shutil
import struct
import zlib


def i32(*v):
    return struct.pack("<%di" % len(v), *v)


def i64(*v):
    return struct.pack("<%dq" % len(v), *v)


def f32(*v):
    return struct.pack("<%df" % len(v), *v)


def good():
    files = {
        "adjacency.indptr.i64": i64(0, 1, 3, 5, 6),
        "adjacency.indices.i32": i32(1, 0, 2, 1, 3, 2),
        "features.indptr.i64": i64(0, 1, 2, 4, 5),
        "features.indices.i32": i32(0, 1, 0, 1, 0),
        "features.values.f32": f32(1, 1, 1, 1, 2),
        "labels.i32": i32(0, 1, 0, 1),
        "split.train.i32": i32(0),
        "split.val.i32": i32(1),
        "split.test.i32": i32(2, 3),
    }
    manifest = {
        "format": "gmi-binary", "version": 1, "byte_order": "little-endian", "name": "small",
        "nodes": 4, "features": 2, "classes": 2, "multi_label": False,
        "adjacency_entries": 6, "feature_entries": 5,
        "split": {"kind": "public-test"}, "split_sizes": [1, 1, 2], "source": "make_layout_fixtures.py",
    }
    return files, manifest


def write(name, files, manifest, crc_of=None):
    folder = name
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    crc = {}
    for f, data in files.items():
        with open(os.path.join(folder, f), "wb") as out:
            out.write(data)
        crc[f] = "%08x" % (zlib.crc32((crc_of or {}).get(f, data)) & 0xffffffff)
    manifest = dict(manifest)
    manifest["crc32"] = crc
    with open(os.path.join(folder, "graph.json"), "w") as out:
        json.dump(manifest, out, indent=2)
        out.write("\n")


def case(name, edit_files=None, edit_manifest=None, crc_of_original=False):
    files, manifest = good()
    original = dict(files)
    if edit_files:
        edit_files(files)
    if edit_manifest:
        edit_manifest(manifest)
    write(name, files, manifest, original if crc_of_original else None)


case("layout_asymmetric", lambda f: f.update({"adjacency.indices.i32": i32(1, 0, 2, 1, 3, 1)}))
case("layout_column_out_of_range", lambda f: f.update({"adjacency.indices.i32": i32(7, 0, 2, 1, 3, 2)}))
case("layout_offsets_decrease", lambda f: f.update({"features.indptr.i64": i64(0, 2, 1, 4, 5)}))
case("layout_nan_feature", lambda f: f.update({"features.values.f32": f32(1, float("nan"), 1, 1, 2)}))
case("layout_bad_checksum", lambda f: f.update({"features.values.f32": f32(1, 1, 1, 1, 3)}), crc_of_original=True)
case("layout_truncated", lambda f: f.update({"adjacency.indices.i32": i32(1, 0, 2, 1, 3, 2)[:-3]}))
case("layout_huge_claim", edit_manifest=lambda m: m.update({"nodes": 2000000000}))
case("layout_wrong_version", edit_manifest=lambda m: m.update({"version": 9}))
case("layout_split_overlap", lambda f: f.update({"split.test.i32": i32(1, 3)}))
