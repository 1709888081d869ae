#!/usr/bin/env python3
"""A small, independent safetensors reader/writer, written by hand from the
format description (8-byte little-endian header length, JSON header, raw
little-endian data), used by ckpt's TestPythonInterop to cross-check the Go
package. Needs only numpy.

    safetensors_ref.py write PATH   write the fixture below to PATH
    safetensors_ref.py check PATH   read PATH and compare it with the fixture

Exit status 0 means success; on failure the reason is printed.
"""
import json
import os
import struct
import sys

import numpy as np

# The dtype codec is shared with the PyTorch reference scripts; the layout
# code below (what this cross-check is about) is written independently.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "pyref"))
from safetensors_io import SIZES, decode, encode  # noqa: E402

NAN = float("nan")
INF = float("inf")

METADATA = {"format": "pt", "note": "h\u00e9llo \u2603"}

# name -> (dtype, shape, values to store). The Go test holds the same table.
TENSORS = {
    "layer.weight": ("F32", [2, 3], [0.0, -1.5, 3.25, 1e-8, -1e30, 123456.789]),
    "layer.bias": ("F16", [4], [1.0, -2.5, 65504.0, 2.0**-24]),
    "half.special": ("F16", [2, 3], [INF, -INF, 0.1, 1 + 2.0**-11, 3 * 2.0**-25, NAN]),
    "emb": ("BF16", [2, 3], [1.0, 1 + 2.0**-8, 1 + 3 * 2.0**-8, -3.140625, NAN, 1e-40]),
    "scalar": ("F32", [], [42.0]),
    "empty": ("F16", [0, 4], []),
}

# What each tensor must read back as, after rounding to its dtype.
EXPECTED = {
    "layer.weight": [0.0, -1.5, 3.25, 1e-8, -1e30, 123456.789],  # as float32
    "layer.bias": [1.0, -2.5, 65504.0, 2.0**-24],
    "half.special": [INF, -INF, 0.0999755859375, 1.0, 2 * 2.0**-24, NAN],
    "emb": [1.0, 1.0, 1.015625, -3.140625, NAN, 2.0**-133],
    "scalar": [42.0],
    "empty": [],
}

def write(path):
    # Deliberately unlike the Go writer: tensors in table order rather than
    # sorted, metadata last, and no alignment padding (all legal).
    header, blobs, offset = {}, [], 0
    for name, (dtype, shape, values) in TENSORS.items():
        raw = encode(dtype, values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = METADATA
    text = json.dumps(header, ensure_ascii=False).encode("utf-8")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def fail(msg):
    print("safetensors_ref: " + msg)
    sys.exit(1)


def check(path):
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 8:
        fail("file too short")
    (n,) = struct.unpack("<Q", buf[:8])
    if n > 100_000_000 or 8 + n > len(buf):
        fail("bad header length %d" % n)
    if (8 + n) % 8 != 0:
        fail("data section starts at %d, not 8-byte aligned" % (8 + n))
    header = json.loads(buf[8 : 8 + n].decode("utf-8"))
    data = buf[8 + n :]
    meta = header.pop("__metadata__", {})
    if meta != METADATA:
        fail("metadata %r, want %r" % (meta, METADATA))
    if set(header) != set(TENSORS):
        fail("tensors %s, want %s" % (sorted(header), sorted(TENSORS)))

    # The ranges must tile the data section exactly, laid out by name.
    spans = sorted((e["data_offsets"][0], e["data_offsets"][1], name) for name, e in header.items())
    pos = 0
    for begin, end, name in spans:
        if begin != pos:
            fail("tensor %s starts at %d, want %d" % (name, begin, pos))
        pos = end
    if pos != len(data):
        fail("tensors cover %d of %d data bytes" % (pos, len(data)))
    nonempty = [name for begin, end, name in spans if end > begin]
    if nonempty != sorted(nonempty):
        fail("data laid out as %s, want sorted by name" % nonempty)

    for name, entry in header.items():
        dtype, shape, _ = TENSORS[name]
        if entry["dtype"] != dtype or entry["shape"] != shape:
            fail("%s: %s%s, want %s%s" % (name, entry["dtype"], entry["shape"], dtype, shape))
        begin, end = entry["data_offsets"]
        count = int(np.prod(shape, dtype=np.int64))
        if end - begin != count * SIZES[dtype]:
            fail("%s: %d bytes for %d elements" % (name, end - begin, count))
        got = decode(dtype, data[begin:end])
        want = np.asarray(EXPECTED[name], dtype=np.float32)
        if not np.array_equal(got, want, equal_nan=True):
            fail("%s: read %r, want %r" % (name, got.tolist(), want.tolist()))
    print("ok: %d tensors, %d metadata keys" % (len(header), len(meta)))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "check"):
        print(__doc__)
        sys.exit(2)
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])


if __name__ == "__main__":
    main()
