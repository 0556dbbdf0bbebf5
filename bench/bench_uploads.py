"""Upload benchmark: checking and re-encoding a media object's frame (``kb.write.uploads``).

Prints, for a photo-sized JPEG, a video-frame PNG that does not compress (the worst case for PNG)
and a tiny JPEG carrying EXIF/GPS, the median time to check, decode, redraw without metadata and
re-encode it; and how long a forged PNG claiming 30,000 × 30,000 pixels (a decompression bomb)
takes to be refused.

Run: ``.venv/bin/python -m bench.bench_uploads`` (add ``--runs N``).
"""

from __future__ import annotations

import argparse
import io
import statistics
import struct
import tempfile
import time
import zlib
from pathlib import Path

from PIL import Image

from kb.errors import KBError
from kb.write.uploads import Uploads


def _encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _bomb() -> bytes:
    data = bytearray(_encoded(Image.new("RGB", (4, 4)), "PNG"))
    data[16:24] = struct.pack(">II", 30_000, 30_000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)
    return bytes(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    uploads = Uploads(Path(tempfile.mkdtemp()), max_bytes=10_000_000)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 0.0), 3: "E", 4: (13.0, 24.0, 0.0)}
    cases = [
        ("JPEG photo 1600x1200", _encoded(Image.effect_noise((1600, 1200), 40).convert("RGB"), "JPEG", quality=85)),
        ("PNG frame 1280x720, incompressible", _encoded(Image.effect_noise((1280, 720), 20).convert("RGB"), "PNG")),
        ("JPEG 16x12 with EXIF/GPS", _encoded(Image.new("RGB", (16, 12)), "JPEG", exif=exif.tobytes())),
    ]
    for label, data in cases:
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            clean = uploads.clean(data)
            times.append(time.perf_counter() - start)
        median = statistics.median(times) * 1000
        print(f"{label}: {len(data):,} B in, {len(clean.data):,} B out, median {median:.1f} ms")
    start = time.perf_counter()
    try:
        uploads.clean(_bomb())
    except KBError as error:
        print(f"forged 30000x30000 PNG: {error.status} in {(time.perf_counter() - start) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
