#!/usr/bin/env python3
"""Measure smriti on a large synthetic collection, as whole processes.

Usage: bench/run.py [--cards N] [--reviews N] [--runs 7] [--bin target/release/smriti]
                    [--devices N]

Builds the collection with generate.py (once per size, cached under /tmp), then times:
  first card  from process start to the first card on stdout (quiz --plain)
  save        from sending an answer to the next card on stdout (journal write + fsync)
  stats       a whole `smriti stats` run (if the command exists)
  check       a whole `smriti check` run (parses every deck, no cache)
and the peak memory (max RSS) of each. Prints a table of medians.

With --devices N (N >= 2) it instead compares start-up on one device's journal with the same
reviews split over N device journals (line by line in turn, so nearly every card was answered
on several devices and is replayed), with the index up to date, and after another device
appended 1,000 answers. Each start is timed as wall time and CPU (user+sys), min and median
of interleaved runs, with the load average before and after.
"""
import argparse
import os
import random
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


def quiz_once(binary, home, env=None):
    """(seconds to first card, seconds to save one answer and show the next card)."""
    start = time.perf_counter()
    p = subprocess.Popen([binary, "quiz", "--plain"], env=env or env_for(home),
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


CRC32C_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    CRC32C_TABLE.append(_c)


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = CRC32C_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def answer_line(rng, key, at):
    """A v2 answer line as smriti writes it, with a fresh id and its checksum."""
    stab = round(rng.uniform(0.5, 200.0), 4)
    due = at + max(1, int(stab)) * 86_400_000
    body = (f"r\t{rng.getrandbits(64):016x}\t{at}\t{key}\t-\t3\t5000\t{at - 86_400_000}\t{at}\t"
            f"{due}\t{stab}\t5.0\tr\t2\t0\t-")
    return f"{body}\t{crc32c(body.encode()):08x}\n"


def device_homes(base, devices):
    """(one device's home, the same reviews over `devices` journals): copies of `base`,
    which is never changed. Each is warmed (index and deck cache built) by a session, at the
    path its copies are measured at (`fresh`): the deck cache names the deck files by path, so
    a cache warmed elsewhere would be rebuilt by the first command measured."""
    homes = []
    for n in (1, devices):
        home = f"{base}-dev{n}"
        shutil.rmtree(home, ignore_errors=True)
        warm_at = run_path(home)
        shutil.rmtree(warm_at, ignore_errors=True)
        shutil.copytree(base, warm_at)
        home, built = warm_at, home
        state = os.path.join(home, "state")
        os.makedirs(os.path.join(state, "devices"), exist_ok=True)
        with open(os.path.join(state, "journal.tsv"), "rb") as f:
            header = f.readline()
            lines = f.readlines()
        os.remove(os.path.join(state, "journal.tsv"))
        for d in range(n):
            with open(os.path.join(state, "devices", f"dev{d}.tsv"), "wb") as f:
                f.write(header)
                f.writelines(lines[d::n])
        warm = dict(env_for(home), SMRITI_DEVICE="dev0")
        subprocess.run([BIN, "quiz", "--plain"], env=warm, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        os.rename(home, built)
        homes.append(built)
    return homes


def run_path(home):
    return home + "-run"


def fresh(home, keys=None):
    """A copy of the warmed `home` (the quiz measured leaves an answer past the index); with
    `keys`, another device appended 1,000 answers of those cards to its journal."""
    copy = run_path(home)
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(home, copy)
    if keys:
        rng = random.Random(5)
        at = 1_795_500_000_000
        with open(os.path.join(copy, "state", "devices", "dev1.tsv"), "a") as f:
            for i in range(1000):
                f.write(answer_line(rng, rng.choice(keys), at + i * 1000))
    return copy


def cpu_of(run):
    """(wall seconds of `run()`'s measure, CPU seconds of the processes it ran)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = run()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def compare_devices(base, devices, runs):
    one, many = device_homes(base, devices)
    with open(os.path.join(one, "state", "devices", "dev0.tsv")) as f:
        keys = sorted({line.split("\t")[3] for _, line in zip(range(200_000), f) if line[0] == "r"})
    cases = [("1 device", one, None), (f"{devices} devices", many, None),
             (f"{devices} devices, +1,000 from another", many, keys)]
    results = {}
    loads = [os.getloadavg()]
    for _ in range(runs):
        for name, template, grow in cases:
            home = fresh(template, grow)
            env = dict(env_for(home), SMRITI_DEVICE="dev0")
            # `stats` first: it writes nothing, and the quiz leaves its answer behind.
            stats = cpu_of(lambda: timed([BIN, "stats"], env)[0])
            first = cpu_of(lambda: quiz_once(BIN, home, env)[0])
            results.setdefault((name, "first card"), []).append(first)
            results.setdefault((name, "stats"), []).append(stats)
            shutil.rmtree(home, ignore_errors=True)
    loads.append(os.getloadavg())
    print(f"{sum(1 for _ in open(os.path.join(one, 'state', 'devices', 'dev0.tsv'))) - 1} reviews; "
          f"{runs} interleaved runs; load average before {loads[0][0]:.2f}, after {loads[1][0]:.2f}")
    print(f"{'home':<34}{'measure':<12}{'wall min':>10}{'median':>10}{'cpu min':>10}{'median':>10}")
    for (name, measure), xs in results.items():
        walls = [w for w, _ in xs]
        cpus = [c for _, c in xs]
        print(f"{name:<34}{measure:<12}{min(walls) * 1000:>8.0f}ms{statistics.median(walls) * 1000:>8.0f}ms"
              f"{min(cpus) * 1000:>8.0f}ms{statistics.median(cpus) * 1000:>8.0f}ms")


BIN = None


def main():
    global BIN
    ap = argparse.ArgumentParser()
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "smriti"))
    ap.add_argument("--devices", type=int, default=0)
    args = ap.parse_args()
    BIN = args.bin
    base = f"/tmp/smriti-bench-{args.cards}-{args.reviews}"
    if not os.path.isdir(base):
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), base,
                        "--cards", str(args.cards), "--reviews", str(args.reviews)], check=True)
    if args.devices >= 2:
        compare_devices(base, args.devices, args.runs)
        return
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
