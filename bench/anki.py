#!/usr/bin/env python3
"""Measure Anki's own backend on the same synthetic collection that run.py times smriti on.

Set-up (once; Anki's Python package bundles its Rust backend, rslib, as _rsbridge.so):

    python3 -m venv /tmp/anki-venv && /tmp/anki-venv/bin/pip install anki

Usage (run it with the venv's Python, so that `import anki` works):

    /tmp/anki-venv/bin/python bench/anki.py [--cards 100000] [--reviews 1000000] [--runs 7]

What it does:
  1. Makes the smriti home with generate.py if missing (/tmp/smriti-bench-{cards}-{reviews},
     the same path and generator as run.py), then converts it into an Anki collection
     (.anki2), cached under /tmp/smriti-bench-{cards}-{reviews}-anki/:
       - one note per smriti note: the Basic notetype for basic/typed/mcq/mains cards
         (front = q, back = a, or the points joined with <br>), the Cloze notetype for cloze
         cards ({{x}} gaps become {{c1::x}}, {{c2::...}}, one card per gap); tags kept;
       - one deck per smriti deck, with the same name, under a parent deck "smriti", so that
         studying "smriti" covers the whole collection as `smriti quiz` does;
       - every journal answer as a row of the revlog table (id = answer time in ms, made
         unique; ease = grade 1-4; ivl/lastIvl in days; time = answer ms capped at 60 s);
       - every card's current state from its latest journal line (review cards: type/queue 2,
         due day, ivl, reps, lapses) and its FSRS memory state (stability, difficulty, last
         review) taken from smriti's own state; FSRS is switched on, desired retention 0.9,
         20 new cards a day (smriti's defaults), day starts at 04:00 (both defaults).
     Notes go in through the backend's add_notes; review history and card states are
     bulk-written with col.db.executemany in one transaction. The build ends with a
     check_database run, whose list of problems must be empty (this validates the bulk
     writes, and leaves the file vacuumed and analysed as a maintained collection is).
     Anki has no clock override, so every instant is shifted by whole days to make the
     synthetic "now" (2026-11-24, run.py's SMRITI_NOW) Anki's today (days start at 04:00
     UTC: workers run with TZ=UTC, as run.py runs smriti); the cache is rebuilt on another
     day.
  2. Times, each in a fresh Python process as a user launching a program would, median of
     --runs, with the peak memory of each process (its VmHWM, the peak RSS since exec):
       start-up     `python` + `import anki` (and the Collection/scheduler imports), alone
       first card   open the collection, v3 scheduler get_queued_cards(), render the question
       save         answer that card Good (sched.answer_card, committed by the backend before
                    it returns) and show the next card, as run.py's save does
       stats        the statistics screen's data: backend graphs(search="", days=0), i.e. all
                    cards and every review ever (Anki's stats page "all history")
       check        col.fix_integrity() (Tools > Check Database, the backend's check_database):
                    a different operation from `smriti check`, which validates the deck
                    files; Anki's runs an SQLite quick_check, VACUUM, REINDEX and ANALYZE,
                    then rewrites every note (and commits)
     Each figure is given whole-process, and "backend only" = whole-process minus the
     start-up median (also cross-checked against the in-process time, reported beside it).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# This file is bench/anki.py: keep its folder off sys.path, or `import anki` imports itself.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

DAY_MS = 86_400_000
NOW = "2026-11-24T10:00:00Z"  # run.py's SMRITI_NOW, also generate.py's default --now-ms
NOW_MS = 1_795_514_400_000
BUILD_VERSION = 1  # bump when the conversion changes, to rebuild cached collections
VENV_HINT = ("set it up with:\n  python3 -m venv /tmp/anki-venv && /tmp/anki-venv/bin/pip install anki\n"
             "and run this script with /tmp/anki-venv/bin/python")


def require_anki():
    try:
        import anki  # noqa: F401
        from anki.collection import Collection  # noqa: F401
    except ImportError as e:
        sys.exit(f"anki.py: Anki's Python package is not importable from {sys.executable} ({e});\n"
                 + VENV_HINT)


def worker_env():
    env = dict(os.environ)
    env.update(TZ="UTC")  # run.py runs smriti with TZ=UTC; Anki's day rollover is local time
    env.pop("PYTHONPATH", None)
    return env


# ---------------------------------------------------------------------------------------
# Building the Anki collection from the smriti home
# ---------------------------------------------------------------------------------------

CLOZE_GAP = re.compile(r"\{\{(.*?)\}\}", re.S)


def to_anki_cloze(text):
    n = 0

    def repl(m):
        nonlocal n
        n += 1
        return "{{c%d::%s}}" % (n, m.group(1))

    return CLOZE_GAP.sub(repl, text), n


def read_decks(home):
    import tomllib
    decks = []
    ddir = os.path.join(home, "decks")
    for name in sorted(os.listdir(ddir)):
        if name.endswith(".toml"):
            with open(os.path.join(ddir, name), "rb") as f:
                decks.append(tomllib.load(f))
    return decks


def read_journal(home, shift_ms):
    """(list of review events in file order, latest state per card key)."""
    events, state = [], {}
    v2 = False
    with open(os.path.join(home, "state", "journal.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("# smriti journal v2"):
                v2 = True
            if line.startswith("#") or not line.strip():
                continue
            p = line.rstrip("\n").split("\t")
            if v2:
                # A v2 line is a v1 line with an id after the kind and the id it undoes after
                # the key (and a hold and a CRC past the state): dropped, it reads as v1. Any
                # kind but `r` only sets the state it carries, as an undo does.
                p = [p[0], p[2], p[3]] + p[5:]
            tag, at, key = p[0], int(p[1]) + shift_ms, p[2]
            st = dict(intro=int(p[5]) + shift_ms, last=int(p[6]) + shift_ms, due=int(p[7]) + shift_ms,
                      stab=float(p[8]), diff=float(p[9]), phase=p[10], reps=int(p[11]), lapses=int(p[12]))
            if tag == "r":
                events.append((at, key, int(p[3]), int(p[4]), st))
            state[key] = st  # an undo line ("u") restores a state and adds no review
    return events, state


def build_collection(home, path, shift_ms):
    from anki import notes_pb2
    from anki.collection import Collection

    t0 = time.perf_counter()
    for suffix in ("", "-wal", ".media.db2"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    col = Collection(path)
    try:
        today0 = (NOW_MS + shift_ms) // DAY_MS * DAY_MS  # 00:00 UTC of the synthetic today
        crt = (today0 - 800 * DAY_MS) // 1000 + 4 * 3600  # a day start (04:00 UTC) before all reviews
        col.db.execute("update col set crt = ?", crt)
        col.set_config("rollover", 4)
        col.set_config("creationOffset", 0)
        col.set_config("localOffset", 0)
        col.set_config("fsrs", True)  # what the deck options' FSRS switch sets (collection-wide)
        conf = col.decks.get_config(1)
        conf["new"]["perDay"] = 20  # smriti's new_per_day default
        conf["rev"]["perDay"] = 9999  # smriti has no daily review cap: the UI's maximum
        conf["desiredRetention"] = 0.9  # smriti's desired_retention default
        col.decks.update_config(conf)

        basic = col.models.by_name("Basic")
        cloze = col.models.by_name("Cloze")
        requests, owners = [], []
        parent = col.decks.id("smriti")
        col.decks.select(parent)  # the deck a user would click to study: all of smriti's decks
        for deck in read_decks(home):
            did = col.decks.id(f"smriti::{deck['deck']['name']}")
            for c in deck.get("card", []):
                kind = c["kind"]
                if kind == "cloze":
                    text, gaps = to_anki_cloze(c["text"])
                    fields, ntid, ords = [text, ""], cloze["id"], gaps
                else:
                    back = "<br>".join(c["points"]) if kind == "mains" else c.get("a", "")
                    fields, ntid, ords = [c["q"], back], basic["id"], 0
                note = notes_pb2.Note(notetype_id=ntid, fields=fields, tags=c.get("tags", []))
                requests.append(notes_pb2.AddNoteRequest(note=note, deck_id=did))
                owners.append((f"{deck['deck']['id']}/{c['id']}", ords))
        nids = list(col._backend.add_notes(requests=requests).nids)
        t_notes = time.perf_counter() - t0
        card_ids = {}
        for cid, nid, ord_ in col.db.all("select id, nid, ord from cards"):
            card_ids[(nid, ord_)] = cid
        key_to_cid = {}
        for nid, (key, ords) in zip(nids, owners):
            if ords:
                for o in range(ords):
                    key_to_cid[f"{key}#{o + 1}"] = card_ids[(nid, o)]
            else:
                key_to_cid[key] = card_ids[(nid, 0)]

        events, state = read_journal(home, shift_ms)
        revlog, used, last_ivl = [], set(), {}
        for at, key, grade, took, st in events:
            cid = key_to_cid[key]
            rid = at
            while rid in used:
                rid += 1
            used.add(rid)
            ivl = max(1, round((st["due"] - at) / DAY_MS))
            rtype = 0 if st["reps"] == 1 else 1  # first answer: learning; later: review
            revlog.append([rid, cid, -1, grade, ivl, last_ivl.get(cid, 0), 2500, min(took, 60_000), rtype])
            last_ivl[cid] = ivl

        day_start = lambda ms: (ms // 1000 - crt) // 86400  # noqa: E731 (day index, as Anki's due)
        today = day_start(NOW_MS + shift_ms)
        end_of_today_s = crt + (today + 1) * 86400
        updates = []
        for key, st in state.items():
            if st["phase"] == "n":
                continue  # never answered (or undone back to new): stays a new card
            cid = key_to_cid[key]
            due_s = st["due"] // 1000
            if st["phase"] == "r":
                ctype, queue, due = 2, 2, day_start(st["due"])
            else:  # learning (l) or relearning (R)
                ctype = 1 if st["phase"] == "l" else 3
                queue, due = (1, due_s) if due_s < end_of_today_s else (3, day_start(st["due"]))
            ivl = max(1, round((st["due"] - st["last"]) / DAY_MS)) if ctype in (2, 3) else 0
            data = json.dumps({"s": round(st["stab"], 4), "d": round(st["diff"], 4), "dr": 0.9,
                               "lrt": st["last"] // 1000}, separators=(",", ":"))
            updates.append([ctype, queue, due, ivl, st["reps"], st["lapses"], 1 if queue in (1, 3) else 0,
                            data, st["last"] // 1000, cid])

        def write():
            for i in range(0, len(revlog), 100_000):
                col.db.executemany("insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
                                   " values (?,?,?,?,?,?,?,?,?)", revlog[i:i + 100_000])
            col.db.executemany("update cards set type=?, queue=?, due=?, ivl=?, factor=2500, reps=?, lapses=?,"
                               " left=?, data=?, mod=?, usn=-1 where id=?", updates)

        col.db.transact(write)
        t_history = time.perf_counter() - t0 - t_notes
        problems = list(col._backend.check_database())
        t_check = time.perf_counter() - t0 - t_notes - t_history

        # Sanity: Anki's "today" is the synthetic today, and it counts the same due reviews.
        anki_today = col.sched.today
        due_smriti = sum(1 for st in state.values() if st["phase"] == "r" and day_start(st["due"]) <= today)
        due_anki = col.db.scalar("select count() from cards where queue = 2 and due <= ?", anki_today)
        some = next(iter(key_to_cid.values()))
        card = col.get_card(col.db.scalar("select id from cards where queue = 2 limit 1") or some)
        counts = dict(notes=col.note_count(), cards=col.card_count(),
                      revlog=col.db.scalar("select count() from revlog"))
    finally:
        col.close()
    print(f"built {path}: {counts['notes']} notes, {counts['cards']} cards, {counts['revlog']} revlog rows; "
          f"today = day {anki_today} (expected {today}); due reviews {due_anki} (smriti's {due_smriti}); "
          f"FSRS memory state of a review card: {card.memory_state if card.memory_state else 'none'}"
          .replace("\n", " "))
    print(f"  add_notes {t_notes:.1f}s, history {t_history:.1f}s, check_database {t_check:.1f}s; "
          f"problems reported by check_database: {list(problems) or 'none'}")
    if problems or anki_today != today or due_anki != due_smriti or not card.memory_state:
        sys.exit("anki.py: the built collection does not match the smriti home (see above)")
    if counts["revlog"] != len(events) or counts["cards"] != len(key_to_cid):
        sys.exit("anki.py: card or review counts differ from the smriti home")


# ---------------------------------------------------------------------------------------
# Worker: one fresh process per measurement
# ---------------------------------------------------------------------------------------

def peak_rss_mb():
    """This process's peak RSS since exec (VmHWM). Unlike getrusage's ru_maxrss, it does not
    count the pages of the parent that the child had between fork and exec."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def worker(mode, path, *extra):
    """Prints READY when its job is done (for first: when the card is shown), then the
    in-process times as JSON on the same line."""
    if mode == "build":
        os.environ["TZ"] = "UTC"
        time.tzset()
        build_collection(path, extra[0], int(extra[1]))
        return
    if mode == "startup":
        from anki.collection import Collection  # noqa: F401 (first: anki.cards alone is circular)
        from anki.cards import Card  # noqa: F401
        from anki.scheduler.v3 import CardAnswer  # noqa: F401
        print("READY " + json.dumps({"peak_mb": peak_rss_mb()}), flush=True)
        return
    from anki.collection import Collection
    from anki.cards import Card
    from anki.scheduler.v3 import CardAnswer
    t0 = time.perf_counter()
    col = Collection(path)
    t_open = time.perf_counter()
    if mode == "first":
        def show():
            queued = col.sched.get_queued_cards(fetch_limit=1)
            if not queued.cards:
                return None, None
            qc = queued.cards[0]
            card = Card(col)
            card._load_from_backend_card(qc.card)
            card.start_timer()
            text = card.question()
            return qc, (card, text)

        qc, shown = show()
        t1 = time.perf_counter()
        if qc is None:
            print("READY " + json.dumps({"inproc_ms": (t1 - t0) * 1000, "empty": True}), flush=True)
            return
        print("READY " + json.dumps({"inproc_ms": (t1 - t0) * 1000, "open_ms": (t_open - t0) * 1000,
                                     "card": shown[0].id,
                                     "question_chars": len(shown[1])}), flush=True)
        line = sys.stdin.readline()
        if not line:
            col.close()
            return
        t2 = time.perf_counter()
        answer = col.sched.build_answer(card=shown[0], states=qc.states, rating=CardAnswer.GOOD)
        col.sched.answer_card(answer)  # a backend op: its transaction is committed on return
        t3 = time.perf_counter()
        show()
        t4 = time.perf_counter()
        print("SAVED " + json.dumps({"answer_ms": (t3 - t2) * 1000, "next_ms": (t4 - t3) * 1000,
                                     "answered": shown[0].id, "peak_mb": peak_rss_mb()}), flush=True)
        sys.stdin.readline()  # killed here, as run.py kills smriti after the save
        col.close()
        return
    if mode == "stats":
        resp = col._backend.graphs(search="", days=0)
        info = {"reviews_counted": sum(resp.buttons.all_time.learning) + sum(resp.buttons.all_time.young)
                + sum(resp.buttons.all_time.mature)}
    elif mode == "decks":
        # The deck list with its due counts, as Anki's deck browser shows it (`smriti decks`).
        tree = col.sched.deck_due_tree()
        info = {"decks": len(tree.children)}
    elif mode == "check":
        text, ok = col.fix_integrity()  # Tools > Check Database; runs the backend's check_database
        info = {"problems": [] if ok else text.splitlines()}
    elif mode == "count":
        info = {"revlog": col.db.scalar("select count() from revlog"),
                "synchronous": col.db.scalar("pragma synchronous"),
                "journal_mode": col.db.scalar("pragma journal_mode")}
    else:
        sys.exit(f"unknown worker mode {mode}")
    t1 = time.perf_counter()
    col.close()
    t2 = time.perf_counter()
    info.update(inproc_ms=(t1 - t0) * 1000, open_ms=(t_open - t0) * 1000, close_ms=(t2 - t1) * 1000,
                peak_mb=peak_rss_mb())
    print("READY " + json.dumps(info), flush=True)


# ---------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------

class Proc:
    """A worker process and its wall-clock times."""

    def __init__(self, python, mode, path):
        self.start = time.perf_counter()
        self.p = subprocess.Popen([python, os.path.abspath(__file__), "--worker", mode, path],
                                  env=worker_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)

    def read_line(self, prefix):
        line = self.p.stdout.readline().decode()
        if not line.startswith(prefix):
            err = self.p.stderr.read().decode()[-2000:] if not line else ""
            raise RuntimeError(f"expected {prefix!r}, got {line!r} {err}")
        return time.perf_counter(), json.loads(line[len(prefix):])

    def send(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def finish(self, kill=False):
        """Seconds from start to exit."""
        if kill:
            self.p.send_signal(signal.SIGKILL)
        else:
            self.p.stdin.close()
        _, status = os.waitpid(self.p.pid, 0)
        end = time.perf_counter()
        self.p.returncode = os.waitstatus_to_exitcode(status)
        err = self.p.stderr.read().decode()
        if not kill and self.p.returncode != 0:
            raise RuntimeError(f"worker exited {self.p.returncode}: {err[-2000:]}")
        return end - self.start


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def prepare(cards, reviews, python):
    """The path of a fresh working copy of the Anki collection for this size (built and
    cached on first use, from the smriti home generate.py makes)."""
    import anki.buildinfo
    base = f"/tmp/smriti-bench-{cards}-{reviews}"
    if not os.path.isdir(base):
        subprocess.run([python, os.path.join(HERE, "generate.py"), base,
                        "--cards", str(cards), "--reviews", str(reviews)], check=True)
    # Whole days from the synthetic today to the real one (days start at 04:00 UTC, as in Anki
    # with TZ=UTC and smriti's default day_start_hour); the build shifts every instant by this.
    def day_of(dt):
        return (dt - datetime.timedelta(hours=4)).date()

    utc = datetime.timezone.utc
    shift_days = (day_of(datetime.datetime.now(utc)) - day_of(datetime.datetime.fromtimestamp(NOW_MS / 1000, utc))).days
    shift_ms = shift_days * DAY_MS
    cache = base + "-anki"
    template = os.path.join(cache, "collection.anki2")
    stamp = os.path.join(cache, "built.json")
    want = {"version": BUILD_VERSION, "shift_days": shift_days, "anki": anki.buildinfo.version,
            "journal_mtime": os.path.getmtime(os.path.join(base, "state", "journal.tsv"))}
    have = None
    if os.path.exists(stamp):
        with open(stamp) as f:
            have = json.load(f)
    if have != want:
        shutil.rmtree(cache, ignore_errors=True)
        os.makedirs(cache)
        # In its own process: this one stays small, so forking the measured workers is cheap.
        subprocess.run([python, os.path.abspath(__file__), "--worker", "build", base, template,
                        str(shift_ms)], env=worker_env(), check=True)
        with open(stamp, "w") as f:
            json.dump(want, f)
    # Work on a copy, so answers given by the benchmark do not accumulate in the template.
    run_dir = base + "-anki-run"
    shutil.rmtree(run_dir, ignore_errors=True)
    shutil.copytree(cache, run_dir)
    path = os.path.join(run_dir, "collection.anki2")

    return path


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "--worker":
        worker(*sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--json", help="also write the medians and every run's times to this file")
    args = ap.parse_args()
    require_anki()
    import anki.buildinfo
    python = sys.executable

    path = prepare(args.cards, args.reviews, python)

    def count():
        p = Proc(python, "count", path)
        _, info = p.read_line("READY ")
        p.finish()
        return info

    load_before = os.getloadavg()
    before = count()
    # Warm-up: one launch to the first card, so files are in the page cache as for run.py.
    w = Proc(python, "first", path)
    w.read_line("READY ")
    w.finish()

    res = {k: [] for k in ("startup", "startup_exit", "startup_mem", "first", "first_inproc", "open",
                           "first_mem", "save", "save_answer", "stats", "stats_inproc",
                           "stats_mem", "check", "check_inproc", "check_mem")}
    answered = 0
    for _ in range(args.runs):
        # Interleaved, so that load from other work on the machine hits every measure alike.
        p = Proc(python, "startup", path)
        t, info = p.read_line("READY ")
        res["startup"].append(t - p.start)
        res["startup_exit"].append(p.finish())
        res["startup_mem"].append(info["peak_mb"])

        p = Proc(python, "first", path)
        t, info = p.read_line("READY ")
        res["first"].append(t - p.start)
        res["first_inproc"].append(info["inproc_ms"] / 1000)
        res["open"].append(info["open_ms"] / 1000)
        if not info.get("empty"):
            t0 = time.perf_counter()
            p.send("3\n")
            t1, info = p.read_line("SAVED ")
            res["save"].append(t1 - t0)
            res["save_answer"].append(info["answer_ms"] / 1000)
            res["first_mem"].append(info["peak_mb"])
            answered += 1
        p.finish(kill=True)

        p = Proc(python, "stats", path)
        _, info = p.read_line("READY ")
        res["stats"].append(p.finish())
        res["stats_inproc"].append((info["inproc_ms"] + info["close_ms"]) / 1000)
        res["stats_mem"].append(info["peak_mb"])
        stats_reviews = info["reviews_counted"]
    for _ in range(args.runs):  # check last: it vacuums and rewrites the collection
        p = Proc(python, "check", path)
        _, info = p.read_line("READY ")
        res["check"].append(p.finish())
        res["check_inproc"].append((info["inproc_ms"] + info["close_ms"]) / 1000)
        res["check_mem"].append(info["peak_mb"])
        if info["problems"]:
            print(f"check_database reported: {info['problems']}", file=sys.stderr)
    after = count()

    up, up_exit = med(res["startup"]), med(res["startup_exit"])
    ms = lambda s: f"{s * 1000:>8.1f}ms"  # noqa: E731
    mb = lambda xs: f"{max(xs):.0f} MB" if xs else ""  # noqa: E731
    rows = [
        ("python + import anki", ms(up), mb(res["startup_mem"]), "to ready; to exit " + ms(up_exit).strip()),
        ("quiz: first card", ms(med(res["first"])), mb(res["first_mem"]), ""),
        ("  backend only", ms(med(res["first"]) - up), "", f"in-process {ms(med(res['first_inproc'])).strip()}, of which opening the collection "
         f"{ms(med(res['open'])).strip()}"),
        ("quiz: save one answer", ms(med(res["save"])), "", f"answer_card alone {ms(med(res['save_answer'])).strip()}"),
        ("stats", ms(med(res["stats"])), mb(res["stats_mem"]), ""),
        ("  backend only", ms(med(res["stats"]) - up_exit), "", f"in-process {ms(med(res['stats_inproc'])).strip()}"),
        ("check (Check Database)", ms(med(res["check"])), mb(res["check_mem"]), ""),
        ("  backend only", ms(med(res["check"]) - up_exit), "", f"in-process {ms(med(res['check_inproc'])).strip()}"),
    ]
    print(f"Anki {anki.buildinfo.version} backend; collection: {args.cards} notes, {args.reviews} reviews; "
          f"median of {args.runs} runs")
    print(f"{'measure':<24}{'time':>10}{'peak memory':>14}   notes")
    for name, t, mem, note in rows:
        print(f"{name:<24}{t:>10}{mem:>14}   {note}")
    saved = after["revlog"] - before["revlog"]
    print(f"answers saved and found by a new process: {saved} of {answered}; stats counted {stats_reviews} "
          f"reviews; sqlite journal_mode={after['journal_mode']} synchronous={after['synchronous']}")
    load = os.getloadavg()
    print(f"load average (1 min) {load_before[0]:.1f} before, {load[0]:.1f} after, on {os.cpu_count()} cores")
    if saved != answered:
        print("anki.py: some answers were not saved", file=sys.stderr)
        sys.exit(1)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cards": args.cards, "reviews": args.reviews, "runs": args.runs,
                       "anki": anki.buildinfo.version, "times_s": res}, f, indent=1)


if __name__ == "__main__":
    main()
