"""Reference reader for NC traces, written from docs/TRACE_FORMAT.md alone.

interop_test.go runs it to check that the format document is enough to read
what the Go writer produces. Needs Python 3 and the `zstandard` module
(Debian: python3-zstandard).

usage: nctrace.py TRACE_DIR
prints JSON: {"meta", "frames", "events", "sha256" (one per frame, of its
RGB bytes), "recovered"}; exits 1 with a message on a malformed trace.
"""
import hashlib
import json
import struct
import sys
import zlib

import zstandard

HEADER = struct.Struct("<4sHHIIIIIIII")  # 40 bytes, little-endian
MAX_CHUNK_FRAMES = 4096
MAX_CHUNK_RAW = 128 << 20


def read_events(path, complete, width, height):
    """Returns the event lines; drops an unterminated last line if allowed."""
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    torn = lines.pop()  # what follows the last newline: empty or a torn line
    if torn and complete:
        raise ValueError(f"{path}:{len(lines) + 1}: last line has no newline")
    events, prev_t = [], 0.0
    for n, line in enumerate(lines):
        e = json.loads(line)
        if e["i"] != n:
            raise ValueError(f"{path}:{n + 1}: frame index {e['i']}, want {n}")
        if e["t"] < prev_t:
            raise ValueError(f"{path}:{n + 1}: time goes backwards")
        if not (0 <= e["x"] < width and 0 <= e["y"] < height):
            raise ValueError(f"{path}:{n + 1}: cursor outside the frame")
        if e.get("buttons", 0) & ~7:
            raise ValueError(f"{path}:{n + 1}: unknown button bits")
        prev_t = e["t"]
        events.append(e)
    return events


def read_chunks(path, complete, width, height):
    """Indexes frames.bin: a list of (first, count, raw, payload) per chunk."""
    with open(path, "rb") as f:
        data = f.read()
    chunks, off, expect = [], 0, 0
    while off < len(data):
        if len(data) - off < HEADER.size:
            break  # torn header
        (magic, codec, _, first, count, w, h, raw, size, crc,
         hcrc) = HEADER.unpack_from(data, off)
        if magic != b"NCFC" or zlib.crc32(data[off:off + 36]) != hcrc:
            if not any(data[off:]):
                break  # zero-filled tail
            raise ValueError(f"{path}: chunk {len(chunks)} at byte {off}: bad header")
        if (codec != 1 or first != expect or not 1 <= count <= MAX_CHUNK_FRAMES
                or (w, h) != (width, height) or raw != count * w * h * 3
                or raw > MAX_CHUNK_RAW or not 1 <= size <= raw + raw // 256 + 1024):
            raise ValueError(f"{path}: chunk {len(chunks)} at byte {off}: bad fields")
        if off + HEADER.size + size > len(data):
            break  # torn payload
        payload = data[off + HEADER.size:off + HEADER.size + size]
        chunks.append((first, count, raw, crc, payload))
        expect += count
        off += HEADER.size + size
    else:
        off = None
    if off is not None and complete:
        raise ValueError(f"{path}: chunk {len(chunks)} at byte {off}: truncated")
    if chunks and not complete and zlib.crc32(chunks[-1][4]) != chunks[-1][3]:
        chunks.pop()  # a last chunk whose payload never reached the disk
    return chunks


def decode(chunk):
    first, count, raw, crc, payload = chunk
    if zlib.crc32(payload) != crc:
        raise ValueError(f"chunk at frame {first}: payload CRC mismatch")
    # The zstd frame need not declare its content size: bound the output.
    rgb = zstandard.ZstdDecompressor().decompress(payload, max_output_size=raw)
    if len(rgb) != raw:
        raise ValueError(f"chunk at frame {first}: {len(rgb)} bytes, want {raw}")
    return rgb


def main(trace):
    with open(f"{trace}/meta.json") as f:
        meta = json.load(f)
    if meta["format"] != "nctrace" or meta["version"] > 1:
        raise ValueError("not a version 1 NC trace")
    complete, w, h = meta["complete"], meta["width"], meta["height"]
    events = read_events(f"{trace}/events.jsonl", complete, w, h)
    chunks = read_chunks(f"{trace}/frames.bin", complete, w, h)
    frames = chunks[-1][0] + chunks[-1][1] if chunks else 0
    if complete and not (meta["frames"] == frames == len(events)):
        raise ValueError("meta.json, frames.bin and events.jsonl disagree")
    n = min(frames, len(events))
    frame_size = w * h * 3
    sums = []
    for chunk in chunks:
        rgb = decode(chunk)
        for j in range(chunk[1]):
            if len(sums) < n:
                sums.append(hashlib.sha256(rgb[j * frame_size:(j + 1) * frame_size]).hexdigest())
    json.dump({"meta": meta, "frames": n, "events": events[:n], "sha256": sums,
               "recovered": not complete}, sys.stdout)


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except (ValueError, KeyError, zstandard.ZstdError) as e:
        print(e, file=sys.stderr)
        sys.exit(1)
