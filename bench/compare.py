#!/usr/bin/env python3
"""smriti against Anki's backend on the same synthetic collections, in one run.

Usage (with the venv's Python, so that Anki's backend can be driven; see README.md):

    /tmp/anki-venv/bin/python bench/compare.py [--sizes 10000,100000] [--runs 7]
        [--with-300k] [--bin target/release/smriti [--bin OTHER ...]] [--no-anki]
        [--exam-dates] [--markdown FILE]

For each size (cards; reviews are ten times that), the smriti home comes from generate.py and
the Anki collection from anki.py's `prepare` (both cached under /tmp). Every round runs each
measure once on each side, interleaved, so that load from other work on the machine hits both
alike. Per measure it reports CPU time (user + sys of the process, which barely moves with
load), wall time (min and median), and peak RSS; and the load average before and after.

  first card   `smriti quiz --plain` killed once the first card is on stdout (so its CPU
               is what it took to get there) | Anki: open the collection, v3 queue, render
               the question, killed once it is shown
  save, plain  from the grade sent to the next card on stdout (journal line fsynced) |
               Anki: answer_card (an fsynced SQLite commit) and the next card rendered
  save, full   the same in the full-screen quiz, through a pseudo-terminal (basic cards:
  screen       others are skipped)
  decks        a whole `smriti decks` | Anki: open, deck_due_tree() (the deck list), close
  stats        a whole `smriti stats` | Anki: open, graphs() over all history, close
  plan         a whole `smriti plan`, which simulates each day to the last exam date set
               (none without `--exam-dates`, so it only loads; no Anki counterpart)

With `--exam-dates`, every smriti home gets a config with both exam dates ahead (prelims
2027-05-23, mains 2027-08-20, from the synthetic today 2026-11-24), as an aspirant's has:
the quiz then picks by the exam scheduler's dates, and `plan` simulates the 269 days to
mains. `--exam-dates prelims` sets prelims alone, 180 days ahead: issue 12's `plan` target
is for a 180-day horizon. (Anki has no such setting.)

With `--bin` given more than once, every build is measured in every round (each on its own
copy of the home), and a table puts the builds side by side.

"Anki backend" is Anki's figure minus the median of a process that only starts Python and
imports anki (also measured each round: killed once ready for the first card, whose process
is killed once the card is shown; run to its exit for decks and stats, which exit).
"""
import argparse
import fcntl
import importlib.util
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = "2026-11-24T10:00:00Z"
EXAM_DATES = {
    "both": "[exams]\nprelims = 2027-05-23\nmains = 2027-08-20\n",
    "prelims": "[exams]\nprelims = 2027-05-23\n",
}


def load_anki_bench():
    spec = importlib.util.spec_from_file_location("anki_bench", os.path.join(HERE, "anki.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def smriti_env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMRITI_")}
    env.update(SMRITI_HOME=home, SMRITI_NOW=NOW, SMRITI_SEED="1", TZ="UTC", NO_COLOR="1",
               TERM="xterm")
    return env


def cpu_of(rusage):
    return rusage.ru_utime + rusage.ru_stime


def read_until(fd, marker, buf=b"", timeout=60):
    end = time.perf_counter() + timeout
    while marker not in buf:
        left = end - time.perf_counter()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise RuntimeError(f"timed out waiting for {marker!r}: {buf[-400:]!r}")
        chunk = os.read(fd, 65536)
        if not chunk:
            raise RuntimeError(f"output ended before {marker!r}: {buf[-400:]!r}")
        buf += chunk
    return buf


def smriti_whole(binary, home, args):
    """(wall s, cpu s) of a whole smriti run."""
    start = time.perf_counter()
    p = subprocess.Popen([binary] + args, env=smriti_env(home), stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"smriti {' '.join(args)} failed: {p.stderr.read()[-400:]!r}")
    p.stderr.close()
    return wall, cpu_of(ru)


def smriti_first(binary, home):
    """(wall to the first card, cpu to it, wall of saving one answer) in plain mode."""
    start = time.perf_counter()
    p = subprocess.Popen([binary, "quiz", "--plain"], env=smriti_env(home), stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    fd = p.stdout.fileno()
    card = read_until(fd, b"> ")
    t_first = time.perf_counter() - start
    text = card.decode("utf-8", "replace")
    replies = [b"a\n"] if "answer (letter)" in text else [b"x\n"] if text.rstrip().endswith("answer>") \
        else [b"\n", b"3\n"]
    for r in replies[:-1]:
        p.stdin.write(r)
        p.stdin.flush()
        read_until(fd, b"> ")
    t0 = time.perf_counter()
    p.stdin.write(replies[-1])
    p.stdin.flush()
    read_until(fd, "── ".encode())
    t_save = time.perf_counter() - t0
    p.kill()
    _, _, ru = os.wait4(p.pid, 0)
    return t_first, cpu_of(ru), t_save


def smriti_first_cpu(binary, home):
    """CPU of getting to the first card alone: killed as soon as it is on stdout."""
    p = subprocess.Popen([binary, "quiz", "--plain"], env=smriti_env(home), stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    read_until(p.stdout.fileno(), b"> ")
    p.kill()
    _, _, ru = os.wait4(p.pid, 0)
    return cpu_of(ru)


ESCAPE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


class Screen:
    """What a full-screen program wrote since the last `clear`, without escapes."""

    def __init__(self, fd):
        self.fd, self.text = fd, b""

    def wait_for(self, needle, timeout=60):
        end = time.perf_counter() + timeout
        while needle not in self.text:
            left = end - time.perf_counter()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise RuntimeError(f"timed out waiting for {needle!r}: {self.text[-400:]!r}")
            chunk = os.read(self.fd, 65536)
            self.text += ESCAPE.sub(b"", chunk).replace("\u00a0".encode(), b" ")

    def clear(self):
        self.text = b""


def smriti_tui_save(binary, home):
    """Wall time of one full-screen save: a basic card revealed, graded Good, to the next card."""
    pid, fd = pty.fork()
    if pid == 0:
        # The terminal's size is set before smriti starts, so its first screen is whole.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.execve(binary, [binary, "quiz"], smriti_env(home))
    try:
        screen = Screen(fd)
        for _ in range(200):
            screen.wait_for(b"quit")
            if b"space reveal" in screen.text:
                screen.clear()
                os.write(fd, b" ")
                screen.wait_for(b"good")
                screen.wait_for(b"quit")
                screen.clear()
                t0 = time.perf_counter()
                os.write(fd, b"3")
                screen.wait_for(b"next review in")
                return time.perf_counter() - t0
            typing = b"^S" in screen.text
            screen.clear()
            os.write(fd, b"\x13" if typing else b"s")  # skip a card of another kind
        raise RuntimeError("no basic card came up")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def peak_mb(binary, home, args, stdin=b""):
    r = subprocess.run(["/usr/bin/time", "-f", "%M", binary] + args, env=smriti_env(home),
                       input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return int(r.stderr.decode().strip().splitlines()[-1]) / 1024


class Anki:
    def __init__(self, mod, path):
        self.mod, self.path, self.python = mod, path, sys.executable

    def run(self, mode, kill_after_ready=False):
        """(wall to READY, cpu, info, wall to exit)."""
        p = self.mod.Proc(self.python, mode, self.path)
        t, info = p.read_line("READY ")
        if kill_after_ready:
            p.p.send_signal(signal.SIGKILL)
        else:
            p.p.stdin.close()
        _, status, ru = os.wait4(p.p.pid, 0)
        end = time.perf_counter()
        p.p.stdout.close()
        p.p.stderr.close()
        return t - p.start, cpu_of(ru), info, end - p.start

    def save(self):
        p = self.mod.Proc(self.python, "first", self.path)
        p.read_line("READY ")
        t0 = time.perf_counter()
        p.send("3\n")
        t1, _ = p.read_line("SAVED ")
        p.finish(kill=True)
        return t1 - t0


def fmt_ms(xs):
    if not xs:
        return "—"
    return f"{min(xs) * 1000:.1f} / {statistics.median(xs) * 1000:.1f}"


def smriti_round(b, home, r):
    """One round of every smriti measure of binary `b` on `home`, into `r`."""
    wall, _, save = smriti_first(b, home)
    r["smriti"]["first"][0].append(wall)
    r["smriti"]["first"][1].append(smriti_first_cpu(b, home))
    r["save"].append(save)
    try:
        r["tui"].append(smriti_tui_save(b, home))
    except (RuntimeError, OSError) as e:
        print(f"full-screen save not measured: {e}", file=sys.stderr)
    for name, cmd in (("decks", ["decks"]), ("stats", ["stats"]), ("plan", ["plan"])):
        wall, cpu = smriti_whole(b, home, cmd)
        r["smriti"][name][0].append(wall)
        r["smriti"][name][1].append(cpu)


def measure(size, args, mod):
    """Every measure of every binary (and Anki's), interleaved round by round. Each binary
    works on its own copy of the generated home (their caches may differ in format), named
    for this process, so that runs of other builds at the same time do not share it."""
    cards, reviews = size, size * 10
    base = f"/tmp/smriti-bench-{cards}-{reviews}"
    if not os.path.isdir(base):
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), base,
                        "--cards", str(cards), "--reviews", str(reviews)], check=True)
    homes = []
    for k, _ in enumerate(args.bin):
        home = f"{base}-run-{os.getpid()}-{k}"
        shutil.rmtree(home, ignore_errors=True)
        shutil.copytree(base, home)
        if args.exam_dates:
            with open(os.path.join(home, "config.toml"), "w") as f:
                f.write(EXAM_DATES[args.exam_dates])
        homes.append(home)
    anki = None
    if not args.no_anki:
        anki = Anki(mod, mod.prepare(cards, reviews, sys.executable))
    # Warm-up: builds the index and caches a real user would already have, and fills the
    # page cache on both sides.
    for b, home in zip(args.bin, homes):
        for _ in range(2):
            # A session that ends (input closed) writes the state index; one killed does not.
            smriti_whole(b, home, ["quiz", "--plain"])
            smriti_whole(b, home, ["decks"])
            smriti_first(b, home)
    if anki:
        anki.run("first", kill_after_ready=True)
    load_before = os.getloadavg()
    runs = [{"smriti": {k: ([], []) for k in ("first", "decks", "stats", "plan")},
             "save": [], "tui": []} for _ in args.bin]
    a = {k: ([], []) for k in ("startup", "startup_exit", "first", "decks", "stats")}
    a_save = []
    for _ in range(args.runs):
        for b, home, r in zip(args.bin, homes, runs):
            smriti_round(b, home, r)
        if anki:
            # The first card's process is killed once the card is shown, so its start-up
            # baseline is one killed once ready; decks and stats exit (closing the collection,
            # then Python's own teardown), so theirs is one that exits.
            for key, mode, killed in (("startup", "startup", True), ("startup_exit", "startup", False),
                                      ("first", "first", True), ("decks", "decks", False),
                                      ("stats", "stats", False)):
                ready, cpu, _, exit_wall = anki.run(mode, kill_after_ready=killed)
                a[key][0].append(ready if killed else exit_wall)
                a[key][1].append(cpu)
            a_save.append(anki.save())
    for b, home, r in zip(args.bin, homes, runs):
        r["mem"] = {
            "quiz": peak_mb(b, home, ["quiz", "--plain"]),
            "stats": peak_mb(b, home, ["stats"]),
            "decks": peak_mb(b, home, ["decks"]),
        }
        shutil.rmtree(home, ignore_errors=True)
    load_after = os.getloadavg()
    out = []
    for b, r in zip(args.bin, runs):
        r.update(size=size, bin=b, anki=a, anki_save=a_save, load=(load_before, load_after))
        out.append(r)
    return out


def backend(a, k):
    """Anki's per-run figure minus the median of its Python start-up alone (killed once ready
    for the first card, run to its exit for the others)."""
    up = a["startup"] if k == "first" else a["startup_exit"]
    up_wall = statistics.median(up[0]) if up[0] else 0
    up_cpu = statistics.median(up[1]) if up[1] else 0
    return [w - up_wall for w in a[k][0]], [c - up_cpu for c in a[k][1]]


def table(r, runs):
    s, a = r["smriti"], r["anki"]
    lines = [
        f"#### {r['size']:,} cards, {r['size'] * 10:,} reviews ({runs} runs; load average "
        f"{r['load'][0][0]:.1f} before, {r['load'][1][0]:.1f} after)",
        "",
        "| measure | smriti CPU | smriti wall | Anki CPU | Anki wall | Anki backend CPU | Anki backend wall |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, key in (("first card", "first"), ("decks", "decks"), ("stats", "stats")):
        bw, bc = backend(a, key) if a[key][0] else ([], [])
        lines.append(f"| {name} | {fmt_ms(s[key][1])} | {fmt_ms(s[key][0])} | {fmt_ms(a[key][1])} | "
                     f"{fmt_ms(a[key][0])} | {fmt_ms(bc)} | {fmt_ms(bw)} |")
    lines.append(f"| plan | {fmt_ms(s['plan'][1])} | {fmt_ms(s['plan'][0])} | — | — | — | — |")
    lines.append(f"| save an answer, plain | — | {fmt_ms(r['save'])} | — | {fmt_ms(r['anki_save'])} | — | — |")
    lines.append(f"| save an answer, full screen | — | {fmt_ms(r['tui'])} | — | — | — | — |")
    lines.append(f"| Python + import anki (to ready) | — | — | {fmt_ms(a['startup'][1])} | {fmt_ms(a['startup'][0])} | — | — |")
    lines.append(f"| Python + import anki (to exit) | — | — | {fmt_ms(a['startup_exit'][1])} | {fmt_ms(a['startup_exit'][0])} | — | — |")
    m = r["mem"]
    lines.append(f"| peak RSS quiz / stats / decks | {m['quiz']:.0f} / {m['stats']:.0f} / {m['decks']:.0f} MB "
                 "| | | | | |")
    lines.append("")
    lines.append("Times are min / median in ms.")
    return "\n".join(lines)


def builds_table(rs, runs):
    """The builds side by side: CPU (and wall) min / median per measure."""
    size = rs[0]["size"]
    load = rs[0]["load"]
    head = " | ".join(f"`{os.path.basename(r['bin'])}` CPU | wall" for r in rs)
    lines = [
        f"#### Builds compared: {size:,} cards, {size * 10:,} reviews ({runs} interleaved runs; "
        f"load average {load[0][0]:.1f} before, {load[1][0]:.1f} after)",
        "",
        f"| measure | {head} |",
        "|---|" + "---|---|" * len(rs),
    ]
    for name, key in (("first card", "first"), ("decks", "decks"), ("stats", "stats"),
                      ("plan", "plan")):
        cells = " | ".join(f"{fmt_ms(r['smriti'][key][1])} | {fmt_ms(r['smriti'][key][0])}" for r in rs)
        lines.append(f"| {name} | {cells} |")
    for name, key in (("save an answer, plain", "save"), ("save an answer, full screen", "tui")):
        cells = " | ".join(f"— | {fmt_ms(r[key])}" for r in rs)
        lines.append(f"| {name} | {cells} |")
    cells = " | ".join(f"{r['mem']['quiz']:.0f} / {r['mem']['stats']:.0f} / {r['mem']['decks']:.0f} MB | "
                       for r in rs)
    lines.append(f"| peak RSS quiz / stats / decks | {cells}|")
    lines.append("")
    lines.append("Times are min / median in ms.")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--with-300k", action="store_true", help="also 300,000 cards (slow to build)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--bin", action="append",
                    help="the smriti binary (default target/release/smriti); given more than "
                    "once, the builds are measured interleaved and compared")
    ap.add_argument("--no-anki", action="store_true", help="smriti alone")
    ap.add_argument("--exam-dates", nargs="?", const="both", choices=sorted(EXAM_DATES),
                    help="exam dates set in every smriti home's config: both (the default) "
                    "or prelims alone")
    ap.add_argument("--markdown", help="also write the tables to this file")
    args = ap.parse_args()
    args.bin = args.bin or [os.path.join(HERE, "..", "target", "release", "smriti")]
    mod = None
    if not args.no_anki:
        mod = load_anki_bench()
        mod.require_anki()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    if args.with_300k:
        sizes.append(300_000)
    out = []
    for size in sizes:
        rs = measure(size, args, mod)
        t = table(rs[0], args.runs)
        if len(rs) > 1:
            t += "\n\n" + builds_table(rs, args.runs)
        print(t + "\n", flush=True)
        out.append(t)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n\n".join(out) + "\n")


if __name__ == "__main__":
    main()
