"""Benchmark hazard photo intake against Pillow's floor for the same work.

    python bench/photo.py [--megapixels 12] [--runs 15]

A synthetic phone photo (4:3, ``--megapixels``, textured like a real scene so that JPEG
decoding costs what it costs on a phone photo, with EXIF orientation, GPS and time) goes
through ``config.photos.process_photo``: header and pixel-count checks, Pillow's
verify, SHA-256, decode at reduced scale, orientation, metadata stripped, display copy
(<= 2048 px) and thumbnail (<= 320 px) encoded as JPEG, GPS and time extracted.

The floor, in the same run on the same bytes, is the least Pillow must do for the same
output: open, ``draft`` to the smallest 1/2^n scale that still covers 2048 px, decode,
resize to 2048, encode, resize to 320, encode. Runs alternate between the two and the
median of each is reported. Database and storage writes are not part of either figure.

The last line printed is one JSON object (CONTRACT.md, "Benchmarks").
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

DISPLAY, THUMB = 2048, 320


def phone_jpeg(megapixels: float, seed: int = 7) -> bytes:
    """A textured 4:3 JPEG with EXIF orientation 6, GPS and time, quality 92 like phones."""
    width = int(round((megapixels * 1e6 * 4 / 3) ** 0.5))
    height = int(round(width * 3 / 4))
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, size=(height // 16 + 1, width // 16 + 1, 3), dtype=np.uint8)
    base = Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC)
    noise = rng.integers(-12, 13, size=(height, width, 3), dtype=np.int16)
    pixels = np.clip(np.asarray(base, dtype=np.int16) + noise, 0, 255).astype(np.uint8)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "BenchPhone"
    exif.get_ifd(0x8769)[0x9003] = "2026:11:20 09:30:00"
    exif.get_ifd(0x8825).update({1: "N", 2: (32.0, 3.0, 36.0), 3: "E", 4: (118.0, 47.0, 24.0)})
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()


def floor(data: bytes) -> tuple[bytes, bytes]:
    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (DISPLAY, DISPLAY))
    image.load()
    image.thumbnail((DISPLAY, DISPLAY))
    display = io.BytesIO()
    image.save(display, format="JPEG", quality=85)
    image.thumbnail((THUMB, THUMB))
    thumb = io.BytesIO()
    image.save(thumb, format="JPEG", quality=80)
    return display.getvalue(), thumb.getvalue()


def timed(function: object, data: bytes) -> float:
    started = time.perf_counter()
    function(data)  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megapixels", type=float, default=12.0)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if not (0.1 <= args.megapixels <= 40 and 3 <= args.runs <= 1000):
        parser.error("--megapixels must be 0.1..40 and --runs 3..1000")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SAFEGRID_TESTING", "1")
    import django

    django.setup()
    from config.photos import process_photo

    def intake(data: bytes) -> object:
        return process_photo(data, keep_location=True)

    data = phone_jpeg(args.megapixels)
    with Image.open(io.BytesIO(data)) as probe:
        width, height = probe.size
    result = process_photo(data, keep_location=True)
    assert result.gps is not None and max(result.width, result.height) <= DISPLAY
    intake(data), floor(data)  # warm up

    intake_ms, floor_ms = [], []
    for _ in range(args.runs):
        intake_ms.append(timed(intake, data))
        floor_ms.append(timed(floor, data))
    figures = {
        "megapixels": round(width * height / 1e6, 2),
        "width": width,
        "height": height,
        "bytes": len(data),
        "runs": args.runs,
        "intake_ms": round(statistics.median(intake_ms), 2),
        "intake_p95_ms": round(sorted(intake_ms)[int(0.95 * (len(intake_ms) - 1))], 2),
        "floor_ms": round(statistics.median(floor_ms), 2),
        "display_px": [result.width, result.height],
    }
    figures["ratio"] = round(figures["intake_ms"] / figures["floor_ms"], 3)
    figures["target_ratio_at_most"] = 1.5
    print(f"{'photo':<12}{'size':>14}{'median ms':>12}")
    print(f"{'intake':<12}{f'{width}x{height}':>14}{figures['intake_ms']:>12.1f}")
    print(f"{'floor':<12}{f'{width}x{height}':>14}{figures['floor_ms']:>12.1f}")
    print(f"ratio intake/floor: {figures['ratio']:.3f} (target <= 1.5)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
