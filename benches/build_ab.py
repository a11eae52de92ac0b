#!/usr/bin/env python3
"""Index builds side by side: each engine in turn, for several rounds, medians at the end.

    benches/build_ab.py --corpus ../benchdata/synth-100k --rounds 3 \\
        --warta new=target/release/warta --warta main=/path/to/main/warta \\
        [--floor target/release/deps/floor-HASH]

Engines: each `--warta LABEL=BINARY` (`warta index`, defaults, 2 threads), SQLite FTS5 (built as
benches/compare.py builds it), the floor (benches/floor.rs, built with `cargo bench --bench
floor --no-run`) when given (tantivy-cli: benches/compare.sh --engines tantivy). Every build runs under /usr/bin/time from an
empty index folder under --work (deleted at the end); the load average is printed with each
build. Prints a Markdown table of the medians: wall s, user s, sys s, peak RSS MiB, index / raw,
and the ratio of FTS5's wall time to each engine's (above 1: faster than FTS5).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
COMPARE = os.path.join(HERE, "compare.py")


def dir_bytes(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def timed(argv):
    """(wall s, user s, sys s, peak RSS MiB) of one command, which must succeed."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", tf.name, *argv],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            sys.exit(f"build_ab: {argv[0]} failed (exit {p.returncode}): {p.stderr[-500:]}")
        wall, user, sys_s, rss = tf.read().split("\n")[-2].split()
        return float(wall), float(user), float(sys_s), int(rss) / 1024.0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warta", action="append", default=[], help="LABEL=BINARY")
    ap.add_argument("--floor", help="the floor bench binary")
    ap.add_argument("--no-fts5", action="store_true")
    ap.add_argument("--work", default=tempfile.gettempdir())
    args = ap.parse_args()

    raw = dir_bytes(args.corpus)
    work = tempfile.mkdtemp(prefix="build-ab-", dir=args.work)
    engines = []
    for spec in args.warta:
        label, _, binary = spec.partition("=")
        engines.append((f"warta {label}", lambda out, b=binary: [
            b, "--index", out, "index", "--quiet", args.corpus]))
    if not args.no_fts5:
        engines.append(("SQLite FTS5", lambda out: [
            "/usr/bin/python3", COMPARE, "_build-fts5", out + ".db", args.corpus]))
    if args.floor:
        engines.append(("floor (tantivy, no extras)", lambda out: [
            args.floor, args.corpus, out]))
    runs = {name: [] for name, _ in engines}
    try:
        for n in range(args.rounds):
            for name, argv in engines:
                out = os.path.join(work, name.split()[0] + name.split()[-1])
                shutil.rmtree(out, ignore_errors=True)
                before = load()
                wall, user, sys_s, rss = timed(argv(out))
                size = dir_bytes(out + ".db" if os.path.exists(out + ".db") else out)
                runs[name].append((wall, user, sys_s, rss, size / raw))
                print(f"round {n + 1} {name}: {wall:.1f} s wall, {user:.1f} user, {sys_s:.1f} "
                      f"sys, {rss:.0f} MiB, {size / raw:.3f}× raw; load {before:.2f}→{load():.2f}",
                      flush=True)
                shutil.rmtree(out, ignore_errors=True)
                if os.path.exists(out + ".db"):
                    os.remove(out + ".db")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    fts5 = statistics.median(r[0] for r in runs["SQLite FTS5"]) if "SQLite FTS5" in runs else None
    print(f"\ncorpus {args.corpus} ({raw / 1e6:,.0f} MB), {args.rounds} rounds, medians\n")
    print("| engine | wall s | user s | sys s | peak RSS MiB | index / raw | × FTS5's speed |")
    print("|---|---|---|---|---|---|---|")
    for name, rs in runs.items():
        med = [statistics.median(r[i] for r in rs) for i in range(5)]
        ratio = f"{fts5 / med[0]:.2f}" if fts5 else "–"
        print(f"| {name} | {med[0]:.1f} | {med[1]:.1f} | {med[2]:.1f} | {med[3]:.0f} | "
              f"{med[4]:.3f} | {ratio} |")
    print(json.dumps({name: rs for name, rs in runs.items()}))


if __name__ == "__main__":
    main()
