"""Minimal safetensors reader and writer, written from the format's rules,
for the PyTorch reference scripts (Debian ships no `safetensors` module).

Layout: 8-byte little-endian header length N, N bytes of JSON header
({name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}), then
the raw little-endian tensor bytes, offsets relative to the data section.
"""
import json
import struct

import numpy as np

SIZES = {"F32": 4, "F16": 2, "BF16": 2}


def encode(dtype, values):
    """Float values as little-endian bytes of dtype (bf16: round to nearest even, NaN kept)."""
    values = np.ascontiguousarray(values, dtype=np.float32)
    if dtype == "F32":
        return values.astype("<f4").tobytes()
    if dtype == "F16":
        return values.astype("<f2").tobytes()
    if dtype == "BF16":
        values = values.reshape(-1)
        bits = values.view(np.uint32).astype(np.uint64)
        # round to nearest even on the 16 bits that are dropped
        rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
        nan = np.isnan(values)
        rounded[nan] = (bits[nan] >> 16) | 0x40
        return rounded.astype("<u2").tobytes()
    raise ValueError("unsupported dtype " + dtype)


def decode(dtype, raw, shape=(-1,)):
    """Little-endian bytes of dtype as a float32 array of the given shape."""
    if dtype == "F32":
        v = np.frombuffer(raw, dtype="<f4")
    elif dtype == "F16":
        v = np.frombuffer(raw, dtype="<f2").astype(np.float32)
    elif dtype == "BF16":
        v = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
    else:
        raise ValueError("unsupported dtype " + dtype)
    return v.astype(np.float32).reshape(shape)


def load(path):
    """Returns ({name: float32 ndarray}, {metadata})."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        tensors[name] = decode(info["dtype"], body[begin:end], info["shape"])
    return tensors, meta


def save(path, tensors, metadata=None, dtypes=None):
    """Writes {name: array} as F32 (or per-name dtypes) with string metadata."""
    dtypes = dtypes or {}
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in sorted(tensors):
        arr = np.asarray(tensors[name], dtype=np.float32)
        dtype = dtypes.get(name, "F32")
        raw = encode(dtype, arr)
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-(8 + len(blob)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for c in chunks:
            f.write(c)
