"""Time the images and animations of geo.publish on the curated data.

    python bench/publish.py [--runs 3] [--out folder]

The reference, measured in the same run, is one wide PNG of the situation map (regime,
2023-08-10, drawn from scratch: figure, borders, capitals, legend). Then 80 monthly frames
(2020-01-01 to 2026-08-01) are drawn on one reused figure, and encoded as a GIF and an MP4.
Each figure is the median of --runs interleaved runs (min and max beside it); the ratio says how
many single images the 80 frames cost. The load average is printed because the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.facts import load_facts  # noqa: E402
from geo.publish import (  # noqa: E402
    MapAnimation,
    MapImage,
    animation_frames,
    render_animation,
    render_image,
)


def timed(work: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def spread(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, help="also write the image, GIF and MP4 here")
    args = parser.parse_args()
    facts = load_facts(ROOT / "data")
    render_image(facts, MapImage(date(2023, 8, 10)))  # warm: fonts and caches
    movie = MapAnimation(date(2020, 1, 1), date(2026, 8, 1), "month")
    mp4 = MapAnimation(movie.start, movie.end, "month", fmt="mp4")
    frames = len(movie.days())
    times: dict[str, list[float]] = {"image": [], "frames": [], "gif": [], "mp4": []}
    image = gif = video = b""
    for _ in range(args.runs):  # interleaved, so that each sees the same load on a shared machine
        t, image = timed(lambda: render_image(facts, MapImage(date(2023, 8, 10))))
        times["image"].append(t)
        times["frames"].append(timed(lambda: sum(1 for _ in animation_frames(facts, movie)))[0])
        t, gif = timed(lambda: render_animation(facts, movie))
        times["gif"].append(t)
        t, video = timed(lambda: render_animation(facts, mp4))
        times["mp4"].append(t)
    image_s, frames_s, gif_s, mp4_s = (statistics.median(times[k])
                                       for k in ("image", "frames", "gif", "mp4"))
    assert isinstance(image, bytes) and isinstance(gif, bytes) and isinstance(video, bytes)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, data in (("image.png", image), ("frames.gif", gif), ("frames.mp4", video)):
            (args.out / name).write_bytes(data)
    load = os.getloadavg()[0]
    print(f"one wide PNG (reference): {image_s * 1000:.0f} ms median (min "
          f"{min(times['image']) * 1000:.0f}, max {max(times['image']) * 1000:.0f}), "
          f"{len(image) / 1024:.0f} KB")
    print(f"{frames} monthly frames drawn: {spread(times['frames'])} = {frames_s / image_s:.1f} x "
          f"the reference ({frames_s / frames * 1000:.0f} ms a frame)")
    print(f"GIF, {frames} frames: {spread(times['gif'])} = {gif_s / image_s:.1f} x, "
          f"{len(gif) / 1024 / 1024:.2f} MB")
    print(f"MP4, {frames} frames: {spread(times['mp4'])} = {mp4_s / image_s:.1f} x, "
          f"{len(video) / 1024 / 1024:.2f} MB")
    print(f"runs per median: {args.runs}; load average (1 min) at the end: {load:.1f}")
    print(json.dumps({"image_ms": round(image_s * 1000), "frames": frames,
                      "frames_s": round(frames_s, 2), "gif_s": round(gif_s, 2),
                      "gif_bytes": len(gif), "mp4_s": round(mp4_s, 2), "mp4_bytes": len(video),
                      "load": round(load, 1)}))


if __name__ == "__main__":
    main()
