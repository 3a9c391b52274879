#!/usr/bin/env python3
"""Measure smriti on a large synthetic collection, as whole processes.

Usage: bench/run.py [--cards N] [--reviews N] [--runs 7] [--bin target/release/smriti]

Builds the collection with generate.py (once per size, cached under /tmp), then times:
  first card  from process start to the first card on stdout (quiz --plain)
  save        from sending an answer to the next card on stdout (journal write + fsync)
  stats       a whole `smriti stats` run (if the command exists)
  check       a whole `smriti check` run (parses every deck, no cache)
and the peak memory (max RSS) of each. Prints a table of medians.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = "2026-11-24T10:00:00Z"


def env_for(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMRITI_")}
    env.update(SMRITI_HOME=home, SMRITI_NOW=NOW, SMRITI_SEED="1", TZ="UTC", NO_COLOR="1")
    return env


def peak_rss_kb(before):
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(after, before)


def read_until(stream, marker):
    buf = b""
    while marker not in buf:
        chunk = os.read(stream.fileno(), 65536)
        if not chunk:
            raise RuntimeError(f"output ended before {marker!r}: {buf[-500:]!r}")
        buf += chunk
    return buf


def quiz_once(binary, home):
    """(seconds to first card, seconds to save one answer and show the next card)."""
    start = time.perf_counter()
    p = subprocess.Popen([binary, "quiz", "--plain"], env=env_for(home),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = read_until(p.stdout, b"> ")
    t_first = time.perf_counter() - start
    # Answer the card: one line for mcq/typed, two for the others.
    card = first.decode("utf-8", "replace")
    replies = [b"a\n"] if "answer (letter)" in card else [b"x\n"] if card.rstrip().endswith("answer>") else [b"\n", b"3\n"]
    for r in replies[:-1]:
        p.stdin.write(r)
        p.stdin.flush()
        read_until(p.stdout, b"> ")
    t0 = time.perf_counter()
    p.stdin.write(replies[-1])
    p.stdin.flush()
    read_until(p.stdout, "── ".encode())
    t_save = time.perf_counter() - t0
    p.kill()
    p.wait()
    return t_first, t_save


def timed(cmd, env):
    start = time.perf_counter()
    r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start, r.returncode, r.stderr.decode()[:300]


def max_rss(cmd, env, stdin=None):
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, env=env, input=stdin,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return int(r.stderr.decode().strip().splitlines()[-1]) // 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "smriti"))
    args = ap.parse_args()
    base = f"/tmp/smriti-bench-{args.cards}-{args.reviews}"
    if not os.path.isdir(base):
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), base,
                        "--cards", str(args.cards), "--reviews", str(args.reviews)], check=True)
    # Work on a copy, so answers given by the benchmark do not accumulate in the template.
    home = base + "-run"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(base, home)
    env = env_for(home)
    # Warm-up: builds the snapshot and deck cache a real user would already have.
    subprocess.run([args.bin, "quiz", "--plain"], env=env, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    firsts, saves = [], []
    for _ in range(args.runs):
        f, s = quiz_once(args.bin, home)
        firsts.append(f)
        saves.append(s)
    rows = [("quiz: first card", statistics.median(firsts), max_rss([args.bin, "quiz", "--plain"], env, b"")),
            ("quiz: save one answer", statistics.median(saves), None)]
    for name, cmd in (("stats", [args.bin, "stats"]), ("check", [args.bin, "check"])):
        times = []
        for _ in range(args.runs):
            t, code, err = timed(cmd, env)
            if code != 0:
                times = None
                print(f"{name}: exit {code}: {err}", file=sys.stderr)
                break
            times.append(t)
        if times:
            rows.append((name, statistics.median(times), max_rss(cmd, env)))
    print(f"collection: {args.cards} notes, {args.reviews} reviews; median of {args.runs} runs")
    print(f"{'measure':<24}{'time':>10}{'peak memory':>14}")
    for name, t, mem in rows:
        print(f"{name:<24}{t * 1000:>8.1f}ms{(str(mem) + ' MB') if mem is not None else '':>14}")


if __name__ == "__main__":
    main()
