#!/usr/bin/env python3
"""Time `smriti import` of a large Anki collection package: 100,000 cards, 1,000,000 reviews.

Set-up (once): python3 -m venv /tmp/anki-venv && /tmp/anki-venv/bin/pip install anki

Usage (with the venv's Python, so that `import anki` works):

    cargo build --release
    /tmp/anki-venv/bin/python bench/anki_import.py [--cards 100000] [--reviews 1000000] [--runs 3]

It makes the synthetic smriti home with generate.py (as run.py does), turns it into an Anki
collection with anki.py's builder (notes added through Anki's backend, the history as revlog
rows), and has Anki's backend write it as a `.colpkg` (current format: zstd collection.anki21b
beside the placeholder collection.anki2), cached as /tmp/smriti-anki-import-{cards}-{reviews}.colpkg.
Then it times `smriti import FILE.colpkg` into a fresh empty home, --runs times, and reports
CPU time (user+sys) and wall time, min and median, the largest peak RSS (GNU time's %M)
and the load average, with the counts the
import printed. Targets (issue 14): under 10 s and 300 MB.
"""
import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]

DAY_MS = 86_400_000
NOW_MS = 1_795_514_400_000  # 2026-11-24T10:00:00Z, generate.py's and run.py's now


def shift_ms():
    """Whole days from the synthetic today to the real one, as anki.py shifts its build (Anki
    has no clock override, and the builder checks that Anki's today is the synthetic one)."""
    utc = datetime.timezone.utc

    def day_of(dt):
        return (dt - datetime.timedelta(hours=4)).date()

    now = datetime.datetime.now(utc)
    synthetic = datetime.datetime.fromtimestamp(NOW_MS / 1000, utc)
    return (day_of(now) - day_of(synthetic)).days * DAY_MS


def build_package(python, cards, reviews, out):
    # A home of its own (not run.py's): anki.py's builder reads the journal generate.py writes,
    # and a home that smriti has opened for writing is no longer in that form.
    base = f"/tmp/smriti-anki-import-{cards}-{reviews}"
    if not os.path.isdir(base):
        subprocess.run([python, os.path.join(HERE, "generate.py"), base,
                        "--cards", str(cards), "--reviews", str(reviews)], check=True)
    # Kept between runs: at full size the build takes minutes.
    work = base + "-import"
    col_path = os.path.join(work, "collection.anki2")
    if not os.path.exists(col_path):
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        env = dict(os.environ, TZ="UTC")
        subprocess.run([python, os.path.join(HERE, "anki.py"), "--worker", "build", base, col_path,
                        str(shift_ms())], env=env, check=True)
    from anki.collection import Collection
    col = Collection(col_path)
    try:
        t0 = time.perf_counter()
        col.export_collection_package(out, include_media=False, legacy=False)
        print(f"exported {out} ({os.path.getsize(out) / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
    finally:
        col.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "smriti"))
    args = ap.parse_args()
    package = f"/tmp/smriti-anki-import-{args.cards}-{args.reviews}.colpkg"
    if not os.path.exists(package):
        build_package(sys.executable, args.cards, args.reviews, package)
    walls, cpus, peaks, report = [], [], [], ""
    load_before = os.getloadavg()[0]
    for _ in range(args.runs):
        home = tempfile.mkdtemp(prefix="smriti-import-home-")
        try:
            env = {"PATH": os.environ.get("PATH", ""), "SMRITI_HOME": home, "TZ": "UTC",
                   "SMRITI_NOW": "2026-11-24T10:00:00Z", "SMRITI_SEED": "1"}
            # GNU time: the import's own user and system CPU seconds and peak RSS (KiB).
            cmd = ["/usr/bin/time", "-f", "%U %S %M", args.binary, "import", package]
            t0 = time.perf_counter()
            out = subprocess.run(cmd, env=env, capture_output=True, text=True)
            walls.append(time.perf_counter() - t0)
            if out.returncode != 0:
                sys.exit(f"import failed: {out.stderr}")
            user, system, rss = out.stderr.strip().splitlines()[-1].split()
            cpus.append(float(user) + float(system))
            peaks.append(int(rss) / 1024)
            report = out.stdout
        finally:
            shutil.rmtree(home, ignore_errors=True)
    load_after = os.getloadavg()[0]

    def min_median(xs):
        xs = sorted(xs)
        return f"{xs[0]:.2f} / {xs[len(xs) // 2]:.2f} s"

    print(report.rstrip())
    print(f"import of {os.path.basename(package)}, {args.runs} runs, min / median: "
          f"CPU (user+sys) {min_median(cpus)}, wall {min_median(walls)}, "
          f"peak RSS {max(peaks):.0f} MB; load average {load_before:.1f} before, "
          f"{load_after:.1f} after")

if __name__ == "__main__":
    main()
