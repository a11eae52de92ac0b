#!/usr/bin/env python3
"""`warta search --batch` against one `warta search --json` process per query, side by side in
one run over the same index: queries per second of each, and a check that every batch line
equals what the process per query printed (the time taken left out).

    python3 benches/batch.py --warta target/release/warta --index ../benchdata/indexes/100k.warta
    python3 benches/batch.py --warta target/release/warta --corpus ../benchdata/synth-100k

With --corpus, the corpus is indexed first (into --index, default a folder beside it). The
batch holds the queries of benches/queries.txt repeated --times times (50: 1,000 searches);
the processes run each query --process-times times (5: 100 processes), one after the other as
a script's loop runs them, and also two at a time (xargs -P2). Rounds alternate (batch,
processes, batch, ...) so both see the same load; medians are reported.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def read_queries(path):
    """The queries of queries.txt: KIND<TAB>QUERY lines; # starts a comment."""
    queries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            queries.append(line.split("\t", 1)[1])
    return queries


def comparable(answer):
    """A search answer without the time taken and the batch's line number."""
    answer = dict(answer)
    answer.pop("took_ms", None)
    answer.pop("line", None)
    return answer


def run_batch(warta, index, batch_file, limit):
    """Seconds for one `--batch` run, and its answers."""
    start = time.perf_counter()
    out = subprocess.run(
        [warta, "--index", index, "search", "--batch", batch_file, "-n", str(limit)],
        check=False, capture_output=True,
    )
    took = time.perf_counter() - start
    if out.returncode not in (0, 1):
        sys.exit(f"--batch failed ({out.returncode}): {out.stderr.decode()[:500]}")
    return took, [json.loads(line) for line in out.stdout.splitlines()]


def run_processes(warta, index, queries, limit, parallel):
    """Seconds for one process per query, `parallel` at a time, and the answers."""
    def cmd(q):
        return [warta, "--index", index, "search", q, "--json", "-n", str(limit)]

    answers = [None] * len(queries)
    start = time.perf_counter()
    running = []
    for n, q in enumerate(queries):
        running.append((n, subprocess.Popen(cmd(q), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)))
        if len(running) >= parallel:
            m, p = running.pop(0)
            answers[m] = p.communicate()[0]
    for m, p in running:
        answers[m] = p.communicate()[0]
    took = time.perf_counter() - start
    return took, [json.loads(a) for a in answers]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--warta", default=os.path.join(HERE, "..", "target", "release", "warta"))
    p.add_argument("--index", help="the index (built from --corpus when that is given)")
    p.add_argument("--corpus", help="index this folder first")
    p.add_argument("--queries", default=os.path.join(HERE, "queries.txt"))
    p.add_argument("--times", type=int, default=50, help="repeats of the queries in the batch")
    p.add_argument("--process-times", type=int, default=5, help="processes per query")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--limit", type=int, default=10)
    a = p.parse_args()
    warta = os.path.abspath(a.warta)
    index = a.index or (a.corpus.rstrip("/") + ".warta-index")
    if a.corpus:
        print(f"indexing {a.corpus} into {index}", file=sys.stderr)
        subprocess.run([warta, "--index", index, "index", "-q", a.corpus], check=True)
    queries = read_queries(a.queries)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for _ in range(a.times):
            for q in queries:
                f.write(q + "\n")
        batch_file = f.name

    batch_qps, seq_qps, par_qps = [], [], []
    per_process = queries * a.process_times
    for r in range(a.rounds):
        took, batch_answers = run_batch(warta, index, batch_file, a.limit)
        batch_qps.append(len(queries) * a.times / took)
        took, alone = run_processes(warta, index, per_process, a.limit, 1)
        seq_qps.append(len(per_process) / took)
        took, _ = run_processes(warta, index, per_process, a.limit, 2)
        par_qps.append(len(per_process) / took)
        print(f"round {r + 1}: batch {batch_qps[-1]:.0f} q/s, processes {seq_qps[-1]:.1f} q/s "
              f"(two at a time {par_qps[-1]:.1f} q/s)", file=sys.stderr)
        if r == 0:
            for n, answer in enumerate(batch_answers[: len(queries)]):
                if comparable(answer) != comparable(alone[n]):
                    sys.exit(f"batch line {n + 1} differs from `warta search --json {queries[n]!r}`")
            print(f"the {len(queries)} batch answers equal the processes' answers", file=sys.stderr)
    os.unlink(batch_file)
    b, s, par = (statistics.median(x) for x in (batch_qps, seq_qps, par_qps))
    print(f"| what | queries/s (median of {a.rounds}) | batch is |")
    print("|---|---:|---:|")
    print(f"| `search --batch` ({len(queries)} queries x {a.times}) | {b:,.0f} | |")
    print(f"| a process per query, one at a time | {s:,.1f} | {b / s:.1f}x |")
    print(f"| a process per query, two at a time | {par:,.1f} | {b / par:.1f}x |")


if __name__ == "__main__":
    main()
