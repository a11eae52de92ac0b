#!/usr/bin/env python3
"""Measures `warta serve` under load, side by side with datasette and a process per lookup.

Run through benches/serve_load.sh, which installs wrk and datasette and builds warta first.
On the 100K synthetic corpus, in one run:

- `warta serve`'s `GET /api/search?q=…` over benches/queries.txt with wrk (a Lua script
  rotating over the queries) at 1, 16 and 64 connections: requests/s, p50/p99, errors;
- datasette over the same articles in SQLite FTS5 (`warta export` → `sqlite-utils insert` →
  `sqlite-utils enable-fts`), its JSON search (`/db/articles.json?_search=…`), the same way;
- one `warta search --json` process per lookup, as a script does today, 1 and 2 at a time;
- `POST /api/search/batch` of 100 queries against 100 separate GETs (queries answered per s);
- the server's peak RSS (VmHWM) against the index's size on disk.

Then it checks the targets of the load benchmark and prints (or writes, --out) Markdown.
python3 stdlib only (wrk, datasette and sqlite-utils are run as programs).
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compare import fts5_query, git_commit, machine, read_queries  # noqa: E402

MIB = 2 ** 20
BATCH = 100

# wrk's Lua side: rotate over the request targets in WRK_TARGETS (one a line), or POST the
# body in WRK_BODY; print the figures as one JSON line when done.
WRK_LUA = r"""
local targets = {}
local path = os.getenv("WRK_TARGETS")
if path then
  for line in io.lines(path) do targets[#targets + 1] = line end
end
local body_path = os.getenv("WRK_BODY")
if body_path then
  local f = io.open(body_path, "rb")
  wrk.method = "POST"
  wrk.body = f:read("*a")
  wrk.headers["Content-Type"] = "application/json"
  f:close()
end
local i = 0
request = function()
  if #targets == 0 then return wrk.format() end
  i = i + 1
  return wrk.format(nil, targets[(i - 1) % #targets + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "status_errors": %d, "connect": %d, ' ..
    '"read": %d, "write": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def say(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def load():
    return round(os.getloadavg()[0], 2)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if value.strip().endswith("kB"):
                out[key] = int(value.split()[0]) * 1024
    return out


def wait_http(url, proc, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"serve_load: {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                r.read()
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"serve_load: {url} did not answer within {seconds} s")


def fetch(url, body=None):
    headers = {"Content-Type": "application/json"} if body else {}
    req = urllib.request.Request(url, data=body, headers=headers)
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, json.loads(r.read())


# ---------------------------------------------------------------------------------------------
# Building the index and the database


def build_index(args, index):
    if os.path.exists(os.path.join(index, ".complete")):
        return None
    shutil.rmtree(index, ignore_errors=True)
    say(f"indexing {args.corpus} into {index}")
    started = time.monotonic()
    subprocess.run([args.warta, "--index", index, "-q", "index", args.corpus], check=True)
    open(os.path.join(index, ".complete"), "w").close()
    return round(time.monotonic() - started, 1)


def build_db(args, index, db):
    """The articles warta indexed, in SQLite with an FTS5 table over title, lede and body."""
    if os.path.exists(db + ".complete"):
        return None
    for stale in (db, db + ".complete"):
        if os.path.exists(stale):
            os.remove(stale)
    bin_ = os.path.join(args.venv, "bin")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=args.data) as tmp:
        lines = os.path.join(tmp, "articles.jsonl")
        say("warta export → sqlite-utils insert")
        subprocess.run([args.warta, "--index", index, "-q", "export", "-o", lines], check=True)
        subprocess.run([os.path.join(bin_, "sqlite-utils"), "insert", db, "articles", lines,
                        "--nl", "--pk", "id", "--batch-size", "5000"], check=True)
    say("sqlite-utils enable-fts")
    subprocess.run([os.path.join(bin_, "sqlite-utils"), "enable-fts", db, "articles", "title",
                    "lede", "body", "--fts5", "--tokenize", "porter"], check=True)
    open(db + ".complete", "w").close()
    return round(time.monotonic() - started, 1)


# ---------------------------------------------------------------------------------------------
# Measuring


def start_warta(args, index):
    proc = subprocess.Popen([args.warta, "--index", index, "serve", "--addr", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    m = re.search(r"http://([\d.]+:\d+)/", line)
    if not m:
        proc.kill()
        sys.exit(f"serve_load: warta serve printed {line!r}")
    return proc, "http://" + m.group(1)


def start_datasette(args, db):
    # Read-only (-i, immutable: no locking), the time limit of warta's budget (10 s) rather
    # than 1 s, no facet suggestions (extra queries a search API does not need).
    port = free_port()
    argv = [os.path.join(args.venv, "bin", "datasette"), "serve", "-i", db, "--host",
            "127.0.0.1", "--port", str(port), "--setting", "sql_time_limit_ms", "10000",
            "--setting", "default_page_size", "10", "--setting", "suggest_facets", "off"]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_http(base + "/-/versions.json", proc)
    return proc, base


def warta_target(query):
    return "/api/search?q=" + urllib.parse.quote(query, safe="")


def datasette_target(db_name, query):
    # FTS5's own syntax (raw mode) for the query set's OR / AND / phrase forms, ranked by
    # bm25 (datasette's default order for a search); the columns of a hit list without the
    # body, which datasette would otherwise send whole.
    q = urllib.parse.quote(fts5_query(query), safe="")
    cols = "".join(f"&_col={c}" for c in ("title", "source", "published", "lang", "url"))
    return f"/{db_name}/articles.json?_search={q}&_searchmode=raw&_size=10{cols}"


def wrk(args, base, conns, targets=None, body=None, seconds=None):
    seconds = seconds or args.seconds
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "rotate.lua")
        with open(script, "w") as f:
            f.write(WRK_LUA)
        if targets:
            env["WRK_TARGETS"] = os.path.join(tmp, "targets.txt")
            with open(env["WRK_TARGETS"], "w") as f:
                f.write("\n".join(targets) + "\n")
        if body is not None:
            env["WRK_BODY"] = os.path.join(tmp, "body.json")
            with open(env["WRK_BODY"], "wb") as f:
                f.write(body)
        threads = min(conns, args.wrk_threads)
        argv = ["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{seconds}s",
                "--timeout", "15s", "-s", script, base + (targets[0] if targets else "")]
        before = load()
        out = subprocess.run(argv, stdout=subprocess.PIPE, text=True, env=env, check=True).stdout
    line = next((l for l in out.splitlines() if l.startswith("WRK_JSON ")), None)
    if line is None:
        sys.exit(f"serve_load: no figures from wrk:\n{out}")
    r = json.loads(line[len("WRK_JSON "):])
    say(f"  {line[len('WRK_JSON '):]}")
    secs = r["duration_us"] / 1e6
    errors = r["status_errors"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    return {
        "conns": conns,
        "rps": r["requests"] / secs,
        "requests": r["requests"],
        "p50_ms": r["p50_us"] / 1000,
        "p99_ms": r["p99_us"] / 1000,
        "max_ms": r["max_us"] / 1000,
        "errors": errors,
        "load": f"{before}→{load()}",
    }


def per_process(args, index, queries, parallel):
    """Lookups per second, each a `warta search --json` process whose output is parsed."""
    stop = time.monotonic() + args.seconds
    done = [0] * parallel
    failed = [0] * parallel

    def worker(k):
        i = k
        while time.monotonic() < stop:
            q = queries[i % len(queries)]
            i += parallel
            r = subprocess.run([args.warta, "--index", index, "search", "--json", q],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            if r.returncode in (0, 1):
                json.loads(r.stdout)
                done[k] += 1
            else:
                failed[k] += 1

    before = load()
    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    secs = time.monotonic() - started
    return {"parallel": parallel, "rps": sum(done) / secs, "lookups": sum(done),
            "errors": sum(failed), "load": f"{before}→{load()}"}


def check_answers(warta_base, ds_base, db_name, queries):
    """Every query answers 200 on both servers; the match counts, for the record."""
    out = []
    for q in queries:
        _, w = fetch(warta_base + warta_target(q))
        _, d = fetch(ds_base + datasette_target(db_name, q))
        out.append((q, w["total"], d.get("filtered_table_rows_count")))
    return out


def run(args):
    os.makedirs(os.path.join(args.data, "serve-load"), exist_ok=True)
    index = os.path.join(args.data, "serve-load", "warta-100k")
    db = os.path.join(args.data, "serve-load", "articles.db")
    db_name = "articles"
    queries = [q for _, q in read_queries(args.queries)]
    results = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               "machine": machine(), "commit": git_commit(), "seconds": args.seconds,
               "queries": len(queries)}
    results["index_build_s"] = build_index(args, index)
    results["db_build_s"] = build_db(args, index, db)
    results["index_bytes"] = dir_bytes(index)
    results["db_bytes"] = os.path.getsize(db)

    warta_proc, warta_base = start_warta(args, index)
    ds_proc, ds_base = start_datasette(args, db)
    try:
        results["totals"] = check_answers(warta_base, ds_base, db_name, queries)
        warta_targets = [warta_target(q) for q in queries]
        ds_targets = [datasette_target(db_name, q) for q in queries]
        say("warming both servers up")
        wrk(args, warta_base, 2, warta_targets, seconds=3)
        wrk(args, ds_base, 2, ds_targets, seconds=3)
        results["warta"], results["datasette"] = [], []
        for conns in args.conns:
            say(f"warta serve, {conns} connection(s)")
            results["warta"].append(wrk(args, warta_base, conns, warta_targets))
            say(f"datasette, {conns} connection(s)")
            results["datasette"].append(wrk(args, ds_base, conns, ds_targets))

        # 100 queries a request against one: the same queries, rotated, in the same order.
        batch = [{"q": queries[i % len(queries)]} for i in range(BATCH)]
        body = json.dumps(batch).encode()
        status, answer = fetch(warta_base + "/api/search/batch", body)
        assert status == 200 and len(answer) == BATCH, "the batch is answered"
        assert all("hits" in a for a in answer), "every search of the batch ran"
        results["batch"] = []
        for conns in args.batch_conns:
            say(f"batch of {BATCH} against {BATCH} GETs, {conns} connection(s)")
            gets = wrk(args, warta_base, conns, warta_targets)
            posts = wrk(args, warta_base, conns, ["/api/search/batch"], body=body)
            results["batch"].append({"conns": conns, "gets_qps": gets["rps"],
                                     "batch_qps": posts["rps"] * BATCH,
                                     "batch_p50_ms": posts["p50_ms"],
                                     "errors": gets["errors"] + posts["errors"],
                                     "load": f"{gets['load']}, {posts['load']}"})
        status = proc_status(warta_proc.pid)
        results["rss"] = {"hwm": status["VmHWM"], "rss": status["VmRSS"],
                          "anon": status.get("RssAnon"), "file": status.get("RssFile")}
    finally:
        for proc in (warta_proc, ds_proc):
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

    results["process"] = []
    for parallel in (1, 2):
        say(f"one warta search --json process per lookup, {parallel} at a time")
        results["process"].append(per_process(args, index, queries, parallel))
    return results


# ---------------------------------------------------------------------------------------------
# The Markdown


def render(r):
    out = [f"Measured {r['date']} on {r['machine']}; warta at commit {r['commit']}; "
           f"{r['queries']} queries of benches/queries.txt, rotated; {r['seconds']} s per "
           f"point; wrk with {{1, 2}} threads on the same 2 cores. Index "
           f"{r['index_bytes'] / MIB:.0f} MiB, SQLite database {r['db_bytes'] / MIB:.0f} MiB.",
           "",
           "| server | connections | requests/s | p50 ms | p99 ms | max ms | errors | load |",
           "|---|---|---|---|---|---|---|---|"]
    for name, label in (("warta", "warta serve"), ("datasette", "datasette (FTS5)")):
        for p in r[name]:
            out.append(f"| {label} | {p['conns']} | {p['rps']:,.0f} | {p['p50_ms']:.2f} | "
                       f"{p['p99_ms']:.2f} | {p['max_ms']:.0f} | {p['errors']} | {p['load']} |")
    for p in r["process"]:
        out.append(f"| `warta search --json`, a process per lookup | {p['parallel']} at a time "
                   f"| {p['rps']:,.1f} | – | – | – | {p['errors']} | {p['load']} |")
    out += ["", "| batch | connections | 100 GETs: queries/s | a POST of 100: queries/s | "
            "ratio | errors | load |", "|---|---|---|---|---|---|---|"]
    for b in r["batch"]:
        out.append(f"| `/api/search/batch` | {b['conns']} | {b['gets_qps']:,.0f} | "
                   f"{b['batch_qps']:,.0f} | {b['batch_qps'] / b['gets_qps']:.2f}× | "
                   f"{b['errors']} | {b['load']} |")
    rss = r["rss"]
    out += ["", f"Server memory after the load: peak RSS (VmHWM) {rss['hwm'] / MIB:.0f} MiB; "
            f"at the end {rss['rss'] / MIB:.0f} MiB, of which anonymous "
            f"{(rss['anon'] or 0) / MIB:.0f} MiB and mapped index files "
            f"{(rss['file'] or 0) / MIB:.0f} MiB."]
    out += ["", "| target | measured | met |", "|---|---|---|"]
    for row in targets(r):
        out.append("| " + " | ".join(row[:2]) + f" | {'yes' if row[2] else '**no**'} |")
    return "\n".join(out)


def targets(r):
    rows = []
    by = {p["conns"]: p for p in r["warta"]}
    for d in r["datasette"]:
        w = by[d["conns"]]
        ratio = w["rps"] / d["rps"] if d["rps"] else float("inf")
        rows.append((f"≥ 10× datasette's requests/s, {d['conns']} connection(s)",
                     f"{w['rps']:,.0f} vs {d['rps']:,.0f}: {ratio:.1f}×", ratio >= 10))
    single = r["process"][0]["rps"]
    best_proc = max(p["rps"] for p in r["process"])
    ratio = by[1]["rps"] / single if 1 in by else 0
    rows.append(("≥ 10× the process-per-lookup rate, one at a time",
                 f"{by[1]['rps']:,.0f} vs {single:,.1f}/s: {ratio:.0f}×", ratio >= 10))
    best = max(p["rps"] for p in r["warta"])
    rows.append(("≥ 10× the process-per-lookup rate, each at its best",
                 f"{best:,.0f} vs {best_proc:,.1f}/s: {best / best_proc:.0f}×",
                 best / best_proc >= 10))
    if 16 in by:
        rows.append(("p99 ≤ 25 ms at 16 connections", f"{by[16]['p99_ms']:.1f} ms",
                     by[16]["p99_ms"] <= 25))
    errors = sum(p["errors"] for p in r["warta"])
    rows.append(("warta serve: 0 errors", str(errors), errors == 0))
    for b in r["batch"]:
        ratio = b["batch_qps"] / b["gets_qps"]
        rows.append((f"a batch of {BATCH} ≥ 2× the rate of {BATCH} GETs, "
                     f"{b['conns']} connection(s)", f"{ratio:.2f}×", ratio >= 2))
    limit = 1.5 * r["index_bytes"] + 100 * MIB
    rows.append(("peak RSS ≤ 1.5× the index + 100 MiB",
                 f"{r['rss']['hwm'] / MIB:.0f} MiB vs {limit / MIB:.0f} MiB",
                 r["rss"]["hwm"] <= limit))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warta", required=True, help="the warta binary (release)")
    parser.add_argument("--data", required=True, help="where the index and database go")
    parser.add_argument("--corpus", required=True, help="the 100K synthetic corpus")
    parser.add_argument("--venv", required=True, help="the venv holding datasette")
    parser.add_argument("--queries", default=os.path.join(HERE, "queries.txt"))
    parser.add_argument("--seconds", type=int, default=10, help="seconds per point")
    parser.add_argument("--conns", default="1,16,64")
    parser.add_argument("--batch-conns", default="1,16")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--out", help="also write the Markdown here")
    parser.add_argument("--json", help="also write the raw figures here")
    args = parser.parse_args()
    args.conns = [int(c) for c in args.conns.split(",")]
    args.batch_conns = [int(c) for c in args.batch_conns.split(",")]
    args.data = os.path.abspath(args.data)
    results = run(args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    text = render(results)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
