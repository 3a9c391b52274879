#!/usr/bin/env python3
"""Generate a large synthetic smriti home: N cards in user decks and M past reviews.

Usage: generate.py HOME [--cards 100000] [--reviews 1000000]

The journal is written the way smriti writes it (one line per answer carrying the card's
state), spread over the past two years, so every command sees a realistic collection.
"""
import argparse
import os
import random

DAY_MS = 86_400_000


def main():
    p = argparse.ArgumentParser()
    p.add_argument("home")
    p.add_argument("--cards", type=int, default=100_000)
    p.add_argument("--reviews", type=int, default=1_000_000)
    p.add_argument("--decks", type=int, default=20)
    p.add_argument("--now-ms", type=int, default=1_795_514_400_000)  # 2026-11-24T10:00:00Z
    args = p.parse_args()
    rng = random.Random(7)
    os.makedirs(os.path.join(args.home, "decks"), exist_ok=True)
    os.makedirs(os.path.join(args.home, "state"), exist_ok=True)

    kinds = ["basic", "typed", "mcq", "cloze", "mains"]
    keys = []
    per_deck = args.cards // args.decks
    for d in range(args.decks):
        deck_id = f"bench-{d:02}"
        lines = [f'[deck]\nid = "{deck_id}"\nname = "Bench {d}"\nexam = "{"mains" if d % 5 == 4 else "prelims"}"\n']
        for i in range(per_deck):
            kind = kinds[i % 5] if d % 5 != 4 else "mains"
            cid = f"c{i}"
            tag = f"topic-{(i * 7 + d) % 12}"
            head = f'\n[[card]]\nid = "{cid}"\nkind = "{kind}"\ntags = ["{tag}"]\nsource = "synthetic"\n'
            if kind == "basic":
                body = f'q = "Synthetic question {d}-{i}?"\na = "Answer {i}"\n'
            elif kind == "typed":
                body = f'q = "Expand ABC{i}."\na = "Alpha Beta Charlie {i}"\naccept = ["ABC{i}"]\n'
            elif kind == "mcq":
                body = f'q = "Which year for event {d}-{i}?"\na = "{1990 + i % 30}"\ngroup = "years"\n'
            elif kind == "cloze":
                body = f'text = "Item {{{{first {i}}}}} comes before {{{{second {i}}}}}."\n'
            else:
                body = f'q = "Discuss theme {d}-{i}."\nword_limit = 250\npoints = ["point one {i}", "point two", "point three", "point four"]\n'
            lines.append(head + body)
            if kind == "cloze":
                keys += [f"{deck_id}/{cid}#1", f"{deck_id}/{cid}#2"]
            else:
                keys.append(f"{deck_id}/{cid}")
        with open(os.path.join(args.home, "decks", f"{deck_id}.toml"), "w") as f:
            f.write("".join(lines))

    # Reviews: each seen card gets a run of reviews over the past two years, in time order.
    seen = keys[: int(len(keys) * 0.8)]
    start = args.now_ms - 730 * DAY_MS
    events = []
    per_card = max(1, args.reviews // len(seen))
    extra = args.reviews - per_card * len(seen)
    for n, key in enumerate(seen):
        count = per_card + (1 if n < extra else 0)
        t = start + rng.randrange(0, 200 * DAY_MS)
        for _ in range(count):
            events.append((t, key))
            t += rng.randrange(1, 60) * DAY_MS // max(1, count // 8)
    events.sort()
    state = {}
    with open(os.path.join(args.home, "state", "journal.tsv"), "w") as f:
        f.write("# smriti journal v1\n")
        for t, key in events:
            grade = 1 if rng.random() < 0.12 else 3
            s = state.get(key)
            intro = s[0] if s else t
            reps = (s[1] if s else 0) + 1
            lapses = (s[2] if s else 0) + (1 if grade == 1 and s else 0)
            stab = round(rng.uniform(0.5, 200.0), 4)
            due = t + max(1, int(stab)) * DAY_MS
            state[key] = (intro, reps, lapses)
            f.write(f"r\t{t}\t{key}\t{grade}\t{rng.randrange(2000, 20000)}\t{intro}\t{t}\t{due}\t{stab}\t{round(rng.uniform(1, 10), 4)}\tr\t{reps}\t{lapses}\n")
    print(f"{len(keys)} cards in {args.decks} decks, {len(events)} reviews -> {args.home}")


if __name__ == "__main__":
    main()
