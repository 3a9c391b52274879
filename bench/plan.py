#!/usr/bin/env python3
"""Benchmark `smriti plan` (issue 9's target: under a second for 10,000 cards and a 180-day
horizon) and `stats`, which runs the same simulation for its exam view.

Usage: bench/plan.py [--cards 10000] [--reviews 100000] [--runs 7] [--bin target/release/smriti]

Generates a synthetic home with bench/generate.py, sets a prelims date 180 days after the
generator's clock, then runs `plan --json` and `stats --json` interleaved, reporting CPU time
(user+sys) and wall time as min and median, peak RSS, and the load average.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = "2026-11-24T10:00:00Z"


def run(cmd, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"{cmd} failed: {r.stderr.decode()[:300]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cards", type=int, default=10_000)
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "smriti"))
    args = ap.parse_args()
    home = tempfile.mkdtemp(prefix="smriti-plan-bench-")
    subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), home,
                    "--cards", str(args.cards), "--reviews", str(args.reviews)], check=True)
    with open(os.path.join(home, "config.toml"), "w") as f:
        f.write("[exams]\nprelims = 2027-05-23\n")
    env = {"PATH": os.environ.get("PATH", ""), "SMRITI_HOME": home, "SMRITI_NOW": NOW,
           "SMRITI_SEED": "7", "TZ": "UTC"}
    cmds = {"plan": [args.bin, "plan", "--json"], "stats": [args.bin, "stats", "--json"]}
    times = {k: [] for k in cmds}
    for _ in range(args.runs):
        for name, cmd in cmds.items():
            times[name].append(run(cmd, env))
    load = os.getloadavg()
    print(f"{args.cards} cards, {args.reviews} reviews; prelims 180 days ahead; "
          f"{args.runs} interleaved runs; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("| command | CPU min | CPU median | wall min | wall median |")
    print("|---|---|---|---|---|")
    for name, ts in times.items():
        walls = [w for w, _ in ts]
        cpus = [c for _, c in ts]
        print(f"| {name} | {min(cpus)*1000:.0f} ms | {statistics.median(cpus)*1000:.0f} ms | "
              f"{min(walls)*1000:.0f} ms | {statistics.median(walls)*1000:.0f} ms |")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"peak RSS of any child: {peak} MB")


if __name__ == "__main__":
    main()
