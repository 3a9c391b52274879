#!/usr/bin/env python3
"""Time `smriti import` of a large Anki collection package: 100,000 cards, 1,000,000 reviews.

Set-up (once): python3 -m venv /tmp/anki-venv && /tmp/anki-venv/bin/pip install anki

Usage (with the venv's Python, so that `import anki` works):

    cargo build --release
    /tmp/anki-venv/bin/python bench/anki_import.py [--cards 100000] [--reviews 1000000] [--runs 3]

It makes the synthetic smriti home with generate.py (as run.py does), turns it into an Anki
collection with anki.py's builder (notes added through Anki's backend, the history as revlog
rows), and has Anki's backend write it as a `.colpkg` (current format: zstd collection.anki21b
beside the placeholder collection.anki2), cached as /tmp/smriti-bench-{cards}-{reviews}.colpkg.
Then it times `smriti import FILE.colpkg` into a fresh empty home, --runs times, and reports
the median wall time and the largest peak RSS (the child's ru_maxrss), with the counts the
import printed. Targets (issue 14): under 10 s and 300 MB.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]


def build_package(python, cards, reviews, out):
    base = f"/tmp/smriti-bench-{cards}-{reviews}"
    if not os.path.isdir(base):
        subprocess.run([python, os.path.join(HERE, "generate.py"), base,
                        "--cards", str(cards), "--reviews", str(reviews)], check=True)
    work = tempfile.mkdtemp(prefix="smriti-anki-import-")
    try:
        col_path = os.path.join(work, "collection.anki2")
        env = dict(os.environ, TZ="UTC")
        subprocess.run([python, os.path.join(HERE, "anki.py"), "--worker", "build", base, col_path, "0"],
                       env=env, check=True)
        from anki.collection import Collection
        col = Collection(col_path)
        try:
            t0 = time.perf_counter()
            col.export_collection_package(out, include_media=False, legacy=False)
            print(f"exported {out} ({os.path.getsize(out) / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
        finally:
            col.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "smriti"))
    args = ap.parse_args()
    package = f"/tmp/smriti-bench-{args.cards}-{args.reviews}.colpkg"
    if not os.path.exists(package):
        build_package(sys.executable, args.cards, args.reviews, package)
    times, peaks, report = [], [], ""
    for _ in range(args.runs):
        home = tempfile.mkdtemp(prefix="smriti-import-home-")
        try:
            env = {"PATH": os.environ.get("PATH", ""), "SMRITI_HOME": home, "TZ": "UTC",
                   "SMRITI_NOW": "2026-11-24T10:00:00Z", "SMRITI_SEED": "1"}
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            t0 = time.perf_counter()
            out = subprocess.run([args.binary, "import", package], env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - t0)
            if out.returncode != 0:
                sys.exit(f"import failed: {out.stderr}")
            # ru_maxrss of the children is the largest so far: a run is only known when it
            # sets a new maximum, so the largest of the runs is what is reported.
            peaks.append(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024)
            report = out.stdout
        finally:
            shutil.rmtree(home, ignore_errors=True)
    times.sort()
    print(report.rstrip())
    print(f"import of {os.path.basename(package)}: median {times[len(times) // 2]:.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in times)}), peak RSS {max(peaks):.0f} MB")


if __name__ == "__main__":
    main()
