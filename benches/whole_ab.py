#!/usr/bin/env python3
"""Whole-process search latency of several warta builds (and optionally Xapian's `quest` and the
sqlite3 CLI) side by side: each query is run by every engine in turn, round-robin, so that all
of them see the same load on a shared machine. Compare the figures only as ratios within a run.

    python3 benches/whole_ab.py --reps 10 base=OLD/warta:OLD_INDEX new=NEW/warta:NEW_INDEX \\
        --quest ../benchdata/indexes/100k.xapian --sqlite ../benchdata/indexes/100k.fts5.db

Prints p50/p95 of the wall time and the p50 of the CPU time (user + sys) per engine, and with
--per-query the p50 wall time of each query for each engine.
"""

import argparse
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import compare as c  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("warta", nargs="+", help="NAME=BINARY:INDEX, one per warta build")
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--queries", default=os.path.join(HERE, "queries.txt"))
    p.add_argument("--quest", metavar="XAPIAN_DB", help="also run quest on this database")
    p.add_argument("--sqlite", metavar="FTS5_DB", help="also run the sqlite3 CLI on this file")
    p.add_argument("--per-query", action="store_true")
    args = p.parse_args()
    engines = []
    for spec in args.warta:
        name, rest = spec.split("=", 1)
        binary, index = rest.split(":", 1)
        engines.append((name, lambda q, b=binary, i=index: [
            b, "--index", i, "search", "--limit", "10", "--color", "never", q]))
    if args.quest:
        quest = shutil.which("quest") or "quest"
        engines.append(("quest", lambda q: [quest, "-d", args.quest, "-m", "10", "-s",
                                            "english", q]))
    if args.sqlite:
        sqlite = shutil.which("sqlite3") or "sqlite3"
        engines.append(("sqlite3", lambda q: [sqlite, "-readonly", args.sqlite,
                                              c.sqlite_sql(q)]))
    queries = c.read_queries(args.queries)
    load = os.getloadavg()[0]
    walls = {n: [] for n, _ in engines}
    cpus = {n: [] for n, _ in engines}
    per_query = {n: {} for n, _ in engines}
    for _, q in queries:
        for _, make in engines:
            c.time_process(make(q))  # warm-up
        for _ in range(args.reps):
            for n, make in engines:
                wall, cpu = c.time_process(make(q))
                walls[n].append(wall)
                cpus[n].append(cpu)
                per_query[n].setdefault(q, []).append(wall)
    print(f"load {load:.2f} -> {os.getloadavg()[0]:.2f}; {args.reps} runs of each of "
          f"{len(queries)} queries per engine, interleaved")
    print(f"{'engine':<12} {'wall p50':>9} {'wall p95':>9} {'cpu p50':>8}   (ms)")
    for n, _ in engines:
        print(f"{n:<12} {c.percentile(walls[n], 50):9.2f} {c.percentile(walls[n], 95):9.2f} "
              f"{c.percentile(cpus[n], 50):8.2f}")
    if args.per_query:
        print(f"{'query':<34}" + "".join(f"{n:>10}" for n, _ in engines))
        for _, q in queries:
            print(f"{q:<34}" + "".join(f"{c.percentile(per_query[n][q], 50):10.2f}"
                                       for n, _ in engines))


if __name__ == "__main__":
    main()
