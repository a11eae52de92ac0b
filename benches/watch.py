#!/usr/bin/env python3
"""`warta index --watch`: how long a file takes from written to searchable, and whether the
watch's memory stays flat over a long run of changes.

    python3 benches/watch.py [--warta target/release/warta] [--base 0] [--drops 20] [--rounds 20]

In a scratch folder (under /tmp, removed at the end) it indexes `--base` small articles into
feeds/, starts `warta index --watch feeds`, then:

1. latency: drops `--drops` files one at a time, each with a word of its own, and measures the
   time from the write until (a) the watch prints the commit line that holds it and (b) a
   `warta search` for its word first finds it (polled every 20 ms, so (b) includes up to one
   search process of delay); prints the median and the spread of both;
2. memory: `--rounds` rounds of 1,000 file writes each (new files, then the same files
   rewritten, then deleted, in turn: 20,000 changes by default), each round waited for until
   its commit line; prints the watch's VmRSS before the first round, after each fifth, and at
   the end, and checks that the index holds exactly the articles on disk at the end.

Nothing here is asserted against a time: the figures go to benches/RESULTS.md by hand.
"""

import argparse
import os
import queue
import random
import shutil
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def article(title, words):
    return f"{title}\n\nA short news story about {words}, told in a few more words.\n"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Watch:
    def __init__(self, warta, cwd):
        self.proc = subprocess.Popen(
            [warta, "--index", "ix", "index", "--watch", "feeds"],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put((time.monotonic(), line.rstrip("\n")))

    def next_line(self, timeout=120):
        return self.lines.get(timeout=timeout)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=120)


def searchable(warta, cwd, word):
    run = subprocess.run(
        [warta, "--index", "ix", "search", word, "--format", "paths", "-n", "1"],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    return run.returncode == 0


def count(warta, cwd):
    run = subprocess.run(
        [warta, "--index", "ix", "stats", "--json"], cwd=cwd, capture_output=True, text=True
    )
    import json

    return json.loads(run.stdout)["documents"]


def spread(values):
    values = sorted(values)
    return (
        f"median {statistics.median(values):.2f} s, min {values[0]:.2f} s, "
        f"max {values[-1]:.2f} s (n={len(values)})"
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = os.path.join(ROOT, "target/release/warta")
    if not os.path.exists(default):
        default = os.path.join(ROOT, "target/debug/warta")
    p.add_argument("--warta", default=default)
    p.add_argument("--base", type=int, default=0, help="articles indexed before the watch")
    p.add_argument("--drops", type=int, default=20)
    p.add_argument("--rounds", type=int, default=20, help="rounds of 1,000 changes")
    args = p.parse_args()
    warta = os.path.abspath(args.warta)
    scratch = tempfile.mkdtemp(prefix="warta-watch-bench-", dir="/tmp")
    feeds = os.path.join(scratch, "feeds")
    try:
        os.makedirs(os.path.join(feeds, "base"))
        for n in range(args.base):
            sub = os.path.join(feeds, "base", f"{n // 1000:03}")
            os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, f"{n:06}.txt"), "w") as f:
                f.write(article(f"Base story {n}", f"baseword serial{n:06}"))
        with open(os.path.join(feeds, "first.txt"), "w") as f:
            f.write(article("First story", "kangaroos"))
        print(f"warta: {warta}; {args.base + 1} articles before the watch", flush=True)
        watch = Watch(warta, scratch)
        watch.next_line(timeout=3600)  # the first run

        commit_lat, search_lat = [], []
        for i in range(args.drops):
            # Random letters: words a typo apart would find the drops before.
            word = "".join(random.choice(string.ascii_lowercase) for _ in range(14))
            path = os.path.join(feeds, f"drop{i:03}.txt")
            start = time.monotonic()
            with open(path, "w") as f:
                f.write(article(f"Dropped story {i}", word))
            while not searchable(warta, scratch, word):
                time.sleep(0.02)
                if time.monotonic() - start > 60:
                    sys.exit(f"{word}: not searchable in 60 s")
            search_lat.append(time.monotonic() - start)
            at, line = watch.next_line()
            commit_lat.append(at - start)
            time.sleep(0.5)
        print(f"write -> commit line:  {spread(commit_lat)}")
        print(f"write -> searchable:   {spread(search_lat)}")

        pid = watch.proc.pid
        before = rss_kib(pid)
        print(f"VmRSS before {args.rounds} rounds of 1,000 changes: {before / 1024:.1f} MiB")
        peak = before
        for r in range(args.rounds):
            phase = r % 3  # 0: new files, 1: rewritten, 2: deleted
            sub = os.path.join(feeds, "churn", f"{(r // 3) % 4}")
            os.makedirs(sub, exist_ok=True)
            for n in range(1000):
                path = os.path.join(sub, f"{n:04}.txt")
                if phase == 2:
                    os.remove(path)
                else:
                    with open(path, "w") as f:
                        f.write(article(f"Churn {r} {n}", f"churnword round{r}"))
            # Wait until the round is committed (one or a few commit lines).
            watch.next_line(timeout=300)
            while True:
                try:
                    watch.next_line(timeout=3)
                except queue.Empty:
                    break
            rss = rss_kib(pid)
            peak = max(peak, rss)
            if (r + 1) % 5 == 0:
                print(f"  after round {r + 1}: VmRSS {rss / 1024:.1f} MiB", flush=True)
        after = rss_kib(pid)
        on_disk = sum(
            1
            for _, _, files in os.walk(feeds)
            for name in files
            if name.endswith(".txt")
        )
        held = count(warta, scratch)
        code = watch.stop()
        print(
            f"VmRSS after: {after / 1024:.1f} MiB (peak seen {peak / 1024:.1f} MiB); "
            f"{on_disk} articles on disk, {held} in the index; exit {code} on SIGTERM"
        )
        if held != on_disk:
            sys.exit("the index does not hold what is on disk")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
