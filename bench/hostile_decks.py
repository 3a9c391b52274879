#!/usr/bin/env python3
"""Time `smriti check` on ~10 MB decks of hostile shapes: the deck limits must keep each
within 2 s and 200 MB, whether the deck is valid or stops at a limit.

Usage: hostile_decks.py [--bin target/release/smriti] [--mb 10]
"""
import argparse
import os
import subprocess
import tempfile

HEAD = '[deck]\nid = "h"\nname = "Hostile"\nexam = "prelims"\n\n'


def fill(make, mb, most=None):
    """Cards from make(i) until the deck is `mb` megabytes (or has `most` cards)."""
    parts, size, i = [HEAD], len(HEAD), 0
    while size < mb * 1024 * 1024 and (most is None or i < most):
        card = make(i)
        parts.append(card)
        size += len(card)
        i += 1
    return "".join(parts)


def shapes(mb):
    yield "basic cards, valid", fill(
        lambda i: f'[[card]]\nid = "c{i}"\nq = "Q{i} {"x" * 180}?"\na = "A{i}"\nsource = "s"\n\n', mb)
    yield "tiny basic cards (past the card limit)", fill(
        lambda i: f'[[card]]\nid = "c{i}"\nq = "Q"\na = "A"\nsource = "s"\n', mb)
    yield "cloze, 50 gaps of 16 KB text", fill(
        lambda i: f'[[card]]\nid = "c{i}"\nkind = "cloze"\ntext = "{("{{g}} " + "y" * 320) * 50}"\nsource = "s"\n', mb)
    yield "cloze, 50 short gaps", fill(
        lambda i: f'[[card]]\nid = "c{i}"\nkind = "cloze"\ntext = "{"{{g}} " * 50}"\nsource = "s"\n', mb)
    opts = ", ".join(f'"o{j}"' for j in range(26))
    yield "mcq, 26 options", fill(
        lambda i: f'[[card]]\nid = "c{i}"\nkind = "mcq"\nq = "Q{i}?"\na = "o1"\noptions = [{opts}]\nsource = "s"\n', mb)
    yield "mcq, 26 options, under the value limit", fill(
        lambda i: f'[[card]]\nid = "c{i}"\nkind = "mcq"\nq = "Q{i}?"\na = "o1"\noptions = [{opts}]\nsource = "s"\n', mb, 17_500)
    tags = ", ".join(f'"tag-{j}"' for j in range(100))
    yield "100 tags per card", fill(
        lambda i: f'[[card]]\nid = "c{i}"\nq = "Q{i}?"\na = "A"\ntags = [{tags}]\nsource = "s"\n', mb)
    yield "100 tags per card, under the value limit", fill(
        lambda i: f'[[card]]\nid = "c{i}"\nq = "Q{i}?"\na = "A"\ntags = [{tags}]\nsource = "s"\n', mb, 5_500)
    yield "one line, nested arrays", HEAD + "[[card]]\nid = \"n\"\nq = " + "[" * (mb * 1024 * 512) + "\n"
    yield "one huge comment", HEAD + "# " + "z" * (mb * 1024 * 1024) + "\n"


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--bin", default=os.path.join(here, "..", "target", "release", "smriti"))
    ap.add_argument("--mb", type=int, default=10)
    args = ap.parse_args()
    print(f"{'shape':<40}{'MB':>6}{'exit':>6}{'seconds':>9}{'peak MB':>9}  first message")
    with tempfile.TemporaryDirectory() as home:
        for name, text in shapes(args.mb):
            path = os.path.join(home, "h.toml")
            with open(path, "w") as f:
                f.write(text)
            env = {"PATH": os.environ.get("PATH", ""), "SMRITI_HOME": home}
            out = subprocess.run(["/usr/bin/time", "-f", "%e %M", args.bin, "check", path],
                                 env=env, capture_output=True, text=True)
            lines = out.stderr.strip().splitlines()
            secs, kb = lines[-1].split()
            first = next((l for l in lines if l.startswith("smriti:")), out.stdout.strip())[:70]
            print(f"{name:<40}{len(text) / 2**20:>6.1f}{out.returncode:>6}{float(secs):>9.2f}{int(kb) / 1024:>9.0f}  {first}")


if __name__ == "__main__":
    main()
