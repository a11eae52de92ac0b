#!/usr/bin/env python3
"""Measures warta against SQLite FTS5, tantivy-cli, Xapian and ripgrep on the same corpora.

Run through benches/compare.sh, which installs the tools first. Per corpus and engine:
index build time from the raw files and peak RSS (`/usr/bin/time`), index size, no-change
re-index time (warta; the others have no incremental mode), whole-process query latency
(one process per query, p50/p95 over the query set and its repetitions) and in-process
query latency. Each (corpus, engine) result is kept as JSON in DATA/results/, so runs of
different corpora (e.g. the 1M one on its own) add up to one table, written as Markdown.

Needs python3's stdlib (plus Debian's python3-xapian for the Xapian engine, which imports only
in /usr/bin/python3).
"""

import argparse
import json
import os
import platform
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
ENGINES = ["warta", "fts5", "tantivy", "xapian", "rg"]
ENGINE_LABELS = {
    "warta": "warta",
    "fts5": "SQLite FTS5",
    "tantivy": "tantivy-cli 0.24",
    "xapian": "Xapian 1.4",
    "rg": "ripgrep",
}
METADATA_STEMS = {"provenance", "readme", "license", "licence", "copying", "changelog",
                  "duplicates"}
HEADER_KEYS = ("date:", "source:", "url:", "author:", "tags:", "lang:")


# ---------------------------------------------------------------------------------------------
# Corpora and documents


def corpora(shared, data):
    """name -> (description, paths)."""
    c = os.path.join(shared, "corpora")
    return {
        "small": ("BBC tech + BBC other + id-tech/txt (real, en + id)",
                  [os.path.join(c, "bbc-tech"), os.path.join(c, "bbc-other"),
                   os.path.join(c, "id-tech", "txt")]),
        "reuters": ("Reuters-21578 JSON lines (real, en)",
                    [os.path.join(c, "en-news-large", "reuters21578.derived.jsonl")]),
        "100k": ("synthetic 100K (benches/gen_corpus.py)", [os.path.join(data, "synth-100k")]),
        "1m": ("synthetic 1M (benches/gen_corpus.py)", [os.path.join(data, "synth-1m")]),
    }


def article_files(paths):
    """The files warta would read under `paths` (.txt and .jsonl), in a stable order."""
    out = []
    for root in paths:
        if os.path.isfile(root):
            out.append(root)
            continue
        for d, dirs, files in os.walk(root):
            dirs[:] = sorted(x for x in dirs if not x.startswith("."))
            for f in sorted(files):
                stem, _, ext = f.lower().rpartition(".")
                if f.startswith(".") or stem in METADATA_STEMS:
                    continue
                if ext in ("txt", "jsonl"):
                    out.append(os.path.join(d, f))
    return out


def parse_txt(text):
    """(title, body) of a .txt article: header lines, then the title line, then the body."""
    lines = text.split("\n")
    i = 0
    while i < len(lines) and (not lines[i].strip() or lines[i].lower().startswith(HEADER_KEYS)):
        i += 1
    title = lines[i].strip() if i < len(lines) else ""
    return title, "\n".join(lines[i + 1:]).strip()


def iter_docs(paths):
    """(path, title, body) for every article under `paths`."""
    for path in article_files(paths):
        if path.endswith(".jsonl"):
            with open(path, encoding="utf-8", errors="replace") as f:
                for n, line in enumerate(f):
                    try:
                        rec = json.loads(line)
                    except ValueError:
                        continue
                    title = rec.get("title") or rec.get("headline") or ""
                    body = rec.get("body") or rec.get("text") or rec.get("content") or ""
                    yield f"{path}#{n}", title, body
        else:
            with open(path, "rb") as f:
                title, body = parse_txt(f.read().decode("utf-8", errors="replace"))
            yield path, title, body


# ---------------------------------------------------------------------------------------------
# Engine builders, run as child processes under /usr/bin/time (the `_build-*` subcommands)


def build_fts5(db, paths):
    if os.path.exists(db):
        os.remove(db)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, title, body, "
                "tokenize='porter unicode61 remove_diacritics 2')")
    con.execute("BEGIN")
    con.executemany("INSERT INTO docs(path, title, body) VALUES (?, ?, ?)", iter_docs(paths))
    con.execute("COMMIT")
    con.execute("INSERT INTO docs(docs) VALUES('optimize')")
    con.close()


def build_xapian(db, paths):
    import xapian  # Debian's python3-xapian, in /usr/bin/python3

    wdb = xapian.WritableDatabase(db, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("english"))
    for path, title, body in iter_docs(paths):
        doc = xapian.Document()
        tg.set_document(doc)
        tg.index_text(title)
        tg.increase_termpos()
        tg.index_text(body)
        doc.set_data(f"{path}\t{title}")
        wdb.add_document(doc)
    wdb.commit()
    wdb.close()


def to_json(paths):
    """The articles as tantivy-cli's JSON documents, one a line, on stdout."""
    out = sys.stdout
    dumps = json.dumps
    for path, title, body in iter_docs(paths):
        out.write(dumps({"path": path, "title": title, "body": body}, ensure_ascii=False))
        out.write("\n")


TANTIVY_META = {
    "index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384},
    "segments": [],
    "schema": [
        {"name": "path", "type": "text", "options": {"stored": True, "fast": False}},
        {"name": "title", "type": "text", "options": {
            "indexing": {"record": "position", "fieldnorms": True, "tokenizer": "en_stem"},
            "stored": True, "fast": False}},
        {"name": "body", "type": "text", "options": {
            "indexing": {"record": "position", "fieldnorms": True, "tokenizer": "en_stem"},
            "stored": True, "fast": False}},
    ],
    "opstamp": 0,
}


# ---------------------------------------------------------------------------------------------
# Queries


def read_queries(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            kind, _, query = line.partition("\t")
            out.append((kind, query) if query else ("query", kind))
    return out


def query_shape(query):
    """('phrase', words) | ('and', words) | ('or', words) for the query set's three forms."""
    if query.startswith('"') and query.endswith('"'):
        return "phrase", query.strip('"').split()
    if " AND " in query:
        return "and", [w for w in query.split(" AND ")]
    return "or", query.split()


def fts5_query(query):
    shape, words = query_shape(query)
    if shape == "phrase":
        return '"' + " ".join(words) + '"'
    return (" AND " if shape == "and" else " OR ").join(f'"{w}"' for w in words)


def rg_commands(query, paths):
    """A shell command line for ripgrep: files holding the words (AND via a pipeline)."""
    shape, words = query_shape(query)
    quoted = " ".join(shlex.quote(p) for p in paths)
    if shape == "phrase":
        return f"rg -l -i -w {shlex.quote(' '.join(words))} {quoted}"
    if shape == "or":
        return "rg -l -i -w " + " ".join(f"-e {shlex.quote(w)}" for w in words) + f" {quoted}"
    cmd = f"rg -l -i -w -0 {shlex.quote(words[0])} {quoted}"
    for w in words[1:-1]:
        cmd += f" | xargs -0 -r rg -l -i -w -0 {shlex.quote(w)}"
    return cmd + f" | xargs -0 -r rg -l -i -w {shlex.quote(words[-1])}"


def sqlite_sql(query):
    q = fts5_query(query).replace("'", "''")
    return ("SELECT path, title, snippet(docs, 2, '[', ']', '…', 16) FROM docs "
            f"WHERE docs MATCH '{q}' ORDER BY bm25(docs, 0.0, 5.0, 1.0) LIMIT 10;")


def percentile(values, p):
    if not values:
        return None
    s = sorted(values)
    rank = max(1, min(len(s), int(-(-p * len(s) // 100))))
    return s[rank - 1]


def time_process(argv, shell=False, first_lines=None):
    """(wall ms, CPU ms) of one process run to completion, its output read from a pipe
    (not /dev/null: ripgrep stops at the first match when it writes there). With
    `first_lines`, the pipe is closed after that many lines (as `| head -n N`). CPU time
    (user + system, the process and the children it waited for) hardly depends on how busy
    the machine is; wall time does."""
    started = time.perf_counter()
    p = subprocess.Popen(argv, shell=shell, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if first_lines is None:
        p.stdout.read()
    else:
        for _ in range(first_lines):
            if not p.stdout.readline():
                break
    p.stdout.close()
    _, status, usage = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - started) * 1000.0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, (usage.ru_utime + usage.ru_stime) * 1000.0


def whole_process_latency(make_cmd, queries, reps, budget_s, first_lines=None):
    """p50/p95 (ms) over every run of every query; each query runs once to warm up, then
    `reps` times or until it has taken `budget_s` seconds (at least 3 runs, or `reps`)."""
    samples, cpu_samples, per_query = [], [], []
    for kind, query in queries:
        argv, shell = make_cmd(query)
        time_process(argv, shell, first_lines)
        runs, cpus, spent = [], [], 0.0
        while len(runs) < reps and (len(runs) < min(3, reps) or spent < budget_s * 1000):
            ms, cpu = time_process(argv, shell, first_lines)
            runs.append(ms)
            cpus.append(cpu)
            spent += ms
        samples += runs
        cpu_samples += cpus
        per_query.append({"kind": kind, "query": query, "p50_ms": percentile(runs, 50),
                          "cpu_p50_ms": percentile(cpus, 50)})
    return {"p50_ms": percentile(samples, 50), "p95_ms": percentile(samples, 95),
            "cpu_p50_ms": percentile(cpu_samples, 50), "runs": len(samples),
            "queries": per_query}


# ---------------------------------------------------------------------------------------------
# The run


class Runner:
    def __init__(self, args):
        self.args = args
        self.data = os.path.abspath(args.data)
        self.results = os.path.join(self.data, "results")
        self.indexes = os.path.join(self.data, "indexes")
        os.makedirs(self.results, exist_ok=True)
        os.makedirs(self.indexes, exist_ok=True)
        self.queries = read_queries(args.queries)
        self.warta = args.warta
        self.python = sys.executable
        self.tools_bin = os.path.join(self.data, "tools", "bin")

    def log(self, msg):
        print(f"[{datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    def timed(self, argv, shell=False, env=None):
        """Runs a command under /usr/bin/time: (seconds, peak RSS MiB, stdout)."""
        with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
            cmd = ["/usr/bin/time", "-f", "%e %M", "-o", tf.name]
            cmd += ["bash", "-o", "pipefail", "-c", argv] if shell else argv
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               text=True)
            lines = [line for line in tf.read().split("\n") if line.strip()]
            if p.returncode not in (0, 1) or not lines:
                raise RuntimeError(f"failed (exit {p.returncode}; time: {lines[:1]}): "
                                   f"{p.stderr[-300:]}")
            last = lines[-1].split()
            return float(last[0]), int(last[1]) / 1024.0, p.stdout, p.stderr

    def tool(self, name):
        path = os.path.join(self.tools_bin, name)
        return path if os.path.exists(path) else shutil.which(name) or name

    def run(self):
        table = corpora(self.args.shared, self.data)
        for corpus in self.args.corpora:
            if corpus not in table:
                sys.exit(f"compare: unknown corpus {corpus!r} (known: {', '.join(table)})")
            desc, paths = table[corpus]
            missing = [p for p in paths if not os.path.exists(p)]
            if missing:
                self.log(f"{corpus}: missing {missing}; skipped")
                continue
            files = article_files(paths)
            raw = sum(os.path.getsize(f) for f in files)
            self.log(f"{corpus}: {len(files)} files, {raw / 1e6:.1f} MB; warming the page cache")
            for f in files:
                with open(f, "rb") as fh:
                    while fh.read(1 << 20):
                        pass
            for engine in self.args.engines:
                if self.args.queries_only and engine != "rg" and not os.path.exists(
                        os.path.join(self.results, f"{corpus}.{engine}.json")):
                    self.log(f"{corpus}: {engine}: nothing to reuse; skipped")
                    continue
                if corpus == "1m" and engine == "xapian" and not self.args.xapian_1m:
                    self.save(corpus, engine, desc, raw, len(files), {
                        "skipped": "skipped: Xapian took 535-1,580 s at 100K on this "
                                   "machine, so 1M would take 1.5-4.5 h (--xapian-1m runs it)"})
                    continue
                self.log(f"{corpus}: {engine}")
                started = time.time()
                load = os.getloadavg()[0]
                try:
                    result = getattr(self, f"bench_{engine}")(corpus, paths)
                except Exception as err:  # one engine's failure must not lose the others
                    self.log(f"{corpus}: {engine} failed: {err}")
                    result = {"error": str(err)[:300]}
                result["load_before"] = round(load, 2)
                result["load_after"] = round(os.getloadavg()[0], 2)
                result["phase_s"] = round(time.time() - started, 1)
                self.save(corpus, engine, desc, raw, len(files), result)
                self.log(f"{corpus}: {engine} done in {result['phase_s']} s: "
                         f"{json.dumps({k: v for k, v in result.items() if k != 'whole'})[:400]}")

    def save(self, corpus, engine, desc, raw, files, result):
        result.update({"corpus": corpus, "engine": engine, "description": desc,
                       "raw_bytes": raw, "files": files, "when": datetime.now(timezone.utc)
                       .strftime("%Y-%m-%d %H:%M UTC"), "commit": git_commit()})
        with open(os.path.join(self.results, f"{corpus}.{engine}.json"), "w") as f:
            json.dump(result, f, indent=1)

    def reused(self, corpus, engine):
        """With --queries-only, the saved build figures of an index that is still on disk."""
        if not self.args.queries_only:
            return None
        path = os.path.join(self.results, f"{corpus}.{engine}.json")
        if not os.path.exists(path):
            raise RuntimeError("--queries-only: no saved result to reuse")
        with open(path) as f:
            old = json.load(f)
        keep = ("docs", "build_s", "rss_mib", "index_bytes", "threads", "files_failed",
                "files_skipped", "reindex_s", "reindex_unchanged", "note", "na", "skipped")
        r = {k: old[k] for k in keep if k in old}
        r["queries_only"] = f"build figures from {old.get('when')}, queries re-measured"
        return r

    def index_dir(self, corpus, engine):
        return os.path.join(self.indexes, f"{corpus}.{engine}")

    def whole(self, make_cmd, first_lines=None, budget=None):
        budget = self.args.budget if budget is None else budget
        return whole_process_latency(make_cmd, self.queries, self.args.reps, budget, first_lines)

    # -- engines -------------------------------------------------------------------------------

    def bench_warta(self, corpus, paths):
        idx = self.index_dir(corpus, "warta")
        r = self.reused(corpus, "warta")
        if r is None:
            r = self.build_warta(idx, paths)
        if "na" in r:
            return r
        r["whole"] = self.whole(lambda q: ([self.warta, "--index", idx, "search", "--limit",
                                            "10", "--color", "never", q], False))
        bench = subprocess.run(["cargo", "bench", "-q", "--bench", "search", "--", "--index",
                                idx, "--queries", self.args.queries, "--reps",
                                str(self.args.inproc_reps), "--json"], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if bench.returncode == 0:
            inproc = json.loads(bench.stdout.strip().splitlines()[-1])
            r["inproc"] = {"p50_ms": inproc["p50_us"] / 1000, "p95_ms": inproc["p95_us"] / 1000,
                           "note": "with snippets", "open_ms": inproc["open_us"] / 1000,
                           "queries": inproc["queries"]}
        else:
            r["inproc"] = {"error": bench.stderr[-300:]}
        return r

    def build_warta(self, idx, paths):
        shutil.rmtree(idx, ignore_errors=True)
        argv = [self.warta, "--index", idx, "index", "--json", "--quiet", *paths]
        secs, rss, out, err = self.timed(argv)
        report = json.loads(out) if out.strip() else {}
        docs = report.get("added", 0)
        if docs == 0:
            return {"na": "n/a (format unsupported)", "build_s": secs, "detail": err[-300:]}
        r = {"docs": docs, "build_s": secs, "rss_mib": rss, "index_bytes": dir_bytes(idx),
             "threads": os.cpu_count(), "files_failed": report.get("failed"),
             "files_skipped": report.get("skipped")}
        secs2, _, out2, _ = self.timed([self.warta, "--index", idx, "index", "--json",
                                        "--quiet", *paths])
        r["reindex_s"] = secs2
        r["reindex_unchanged"] = json.loads(out2).get("unchanged")
        return r

    def bench_fts5(self, corpus, paths):
        db = self.index_dir(corpus, "fts5") + ".db"
        r = self.reused(corpus, "fts5")
        if r is None:
            secs, rss, _, _ = self.timed([self.python, __file__, "_build-fts5", db, *paths])
            r = {"build_s": secs, "rss_mib": rss, "index_bytes": os.path.getsize(db),
                 "threads": 1}
        con = sqlite3.connect(db)
        r["docs"] = con.execute("SELECT count(*) FROM docs").fetchone()[0]
        sqlite = shutil.which("sqlite3")
        r["whole"] = self.whole(lambda q: ([sqlite, "-readonly", db, sqlite_sql(q)], False))
        # In process: the same statement through python3's sqlite3 module, with snippet().
        samples = []
        for _ in range(self.args.inproc_reps):
            for _, q in self.queries:
                t = time.perf_counter()
                con.execute(sqlite_sql(q).rstrip(";")).fetchall()
                samples.append((time.perf_counter() - t) * 1000)
        r["inproc"] = {"p50_ms": percentile(samples, 50), "p95_ms": percentile(samples, 95),
                       "note": "python3 sqlite3, with snippet()"}
        con.close()
        return r

    def bench_tantivy(self, corpus, paths):
        idx = self.index_dir(corpus, "tantivy")
        tantivy = self.tool("tantivy")
        r = self.reused(corpus, "tantivy")
        if r is None:
            shutil.rmtree(idx, ignore_errors=True)
            os.makedirs(idx)
            with open(os.path.join(idx, "meta.json"), "w") as f:
                json.dump(TANTIVY_META, f)
            cmd = (f"{shlex.quote(self.python)} {shlex.quote(__file__)} _to-json "
                   + " ".join(shlex.quote(p) for p in paths)
                   + f" | {shlex.quote(tantivy)} index -i {shlex.quote(idx)} -t 1")
            secs, rss, _, _ = self.timed(cmd, shell=True)
            r = {"build_s": secs, "rss_mib": rss, "index_bytes": dir_bytes(idx), "threads": 1,
                 "note": "txt→JSON conversion included; search prints hits unranked, "
                         "timed to the 10th line"}
        r["whole"] = self.whole(lambda q: ([tantivy, "search", "-i", idx, "-q", q], False),
                                first_lines=10)
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as qf:
            qf.write("\n".join(q for _, q in self.queries) + "\n")
            qf.flush()
            out = subprocess.run([tantivy, "bench", "-i", idx, "-q", qf.name, "-n",
                                  str(self.args.inproc_reps)], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True).stdout
        samples, docs = [], None
        section = None
        for line in out.splitlines():
            if line.startswith("SEARCH"):
                section = "search"
            elif line.startswith("FETCH"):
                section = None
            elif section == "search" and line.count("\t") == 2 and not line.startswith("query"):
                samples.append(float(line.split("\t")[2]) / 1000)
        r["inproc"] = {"p50_ms": percentile(samples, 50), "p95_ms": percentile(samples, 95),
                       "note": "`tantivy bench`: top 10 + count, no snippets"}
        return r

    def bench_xapian(self, corpus, paths):
        db = self.index_dir(corpus, "xapian")
        r = self.reused(corpus, "xapian")
        if r is None:
            shutil.rmtree(db, ignore_errors=True)
            secs, rss, _, _ = self.timed(["/usr/bin/python3", __file__, "_build-xapian", db,
                                          *paths])
            r = {"build_s": secs, "rss_mib": rss, "index_bytes": dir_bytes(db), "threads": 1}
        quest = shutil.which("quest") or "quest"
        r["whole"] = self.whole(lambda q: ([quest, "-d", db, "-m", "10", "-s", "english", q],
                                           False))
        import xapian

        rdb = xapian.Database(db)
        r["docs"] = rdb.get_doccount()
        qp = xapian.QueryParser()
        qp.set_stemmer(xapian.Stem("english"))
        qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        qp.set_database(rdb)
        enquire = xapian.Enquire(rdb)
        samples = []
        for _ in range(self.args.inproc_reps):
            for _, q in self.queries:
                t = time.perf_counter()
                enquire.set_query(qp.parse_query(q))
                mset = enquire.get_mset(0, 10)
                for m in mset:
                    m.document.get_data()
                samples.append((time.perf_counter() - t) * 1000)
        r["inproc"] = {"p50_ms": percentile(samples, 50), "p95_ms": percentile(samples, 95),
                       "note": "python3-xapian, top 10, no snippets"}
        return r

    def bench_rg(self, corpus, paths):
        r = {"build_s": None, "index_bytes": 0, "note": "no index; `rg -l -i -w`, AND as a "
             "pipeline of rg runs"}
        if any(p.endswith(".jsonl") for p in paths):
            r["note"] += "; one file, so -l lists at most that file"
        r["whole"] = self.whole(lambda q: (rg_commands(q, paths), True),
                                budget=self.args.rg_budget)
        return r


def dir_bytes(path):
    total = 0
    for d, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(d, f)) for f in files)
    return total


def git_commit():
    try:
        return subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                              stdout=subprocess.PIPE, text=True).stdout.strip()
    except OSError:
        return "?"


# ---------------------------------------------------------------------------------------------
# The Markdown table


def fmt(v, spec, empty="–"):
    return empty if v is None else format(v, spec)


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} × {cpu}, {mem:.0f} GiB RAM"


def render(results_dir, corpora_order):
    rows = []
    for name in os.listdir(results_dir):
        if name.endswith(".json"):
            with open(os.path.join(results_dir, name)) as f:
                rows.append(json.load(f))
    order = {c: n for n, c in enumerate(corpora_order)}
    rows.sort(key=lambda r: (order.get(r["corpus"], 99), ENGINES.index(r["engine"])))
    out = []
    out.append("| corpus | engine | docs | build s | index / raw | peak RSS MiB | no-change "
               "re-index s | whole-process p50 / p95 ms (CPU p50) | in-process p50 / p95 ms | notes |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        label = ENGINE_LABELS[r["engine"]]
        corpus = f"{r['corpus']} ({r['raw_bytes'] / 1e6:,.0f} MB)"
        if "skipped" in r or "na" in r or "error" in r:
            why = r.get("skipped") or r.get("na") or f"error: {r.get('error')}"
            out.append(f"| {corpus} | {label} | | | | | | | | {why} |")
            continue
        whole = r.get("whole") or {}
        inproc = r.get("inproc") or {}
        notes = []
        if r.get("note"):
            notes.append(r["note"])
        if inproc.get("note"):
            notes.append("in-process: " + inproc["note"])
        if r.get("threads"):
            notes.append(f"{r['threads']} thread{'s' if r['threads'] > 1 else ''}")
        if r.get("queries_only"):
            notes.append(r["queries_only"])
        notes.append(f"load {r.get('load_before', '?')}→{r.get('load_after', '?')}")
        ratio = r["index_bytes"] / r["raw_bytes"] if r.get("index_bytes") else None
        out.append("| " + " | ".join([
            corpus, label, fmt(r.get("docs"), ","), fmt(r.get("build_s"), ".1f"),
            fmt(ratio, ".2f"), fmt(r.get("rss_mib"), ".0f"),
            fmt(r.get("reindex_s"), ".2f", "– (none)") if r["engine"] != "rg" else "–",
            f"{fmt(whole.get('p50_ms'), '.1f')} / {fmt(whole.get('p95_ms'), '.1f')} "
            f"({fmt(whole.get('cpu_p50_ms'), '.1f')})",
            f"{fmt(inproc.get('p50_ms'), '.2f')} / {fmt(inproc.get('p95_ms'), '.2f')}",
            "; ".join(notes)]) + " |")
    out.append("")
    out += targets(rows)
    return "\n".join(out)


def targets(rows):
    """The issue's targets, checked on the synthetic corpora."""
    by = {(r["corpus"], r["engine"]): r for r in rows}
    out = ["| target | corpus | measured | met |", "|---|---|---|---|"]

    def get(c, e, *keys):
        r = by.get((c, e))
        for k in keys:
            if not isinstance(r, dict):
                return None
            r = r.get(k)
        return r

    def row(name, corpus, text, ok):
        out.append(f"| {name} | {corpus} | {text} | {'yes' if ok else '**no**'} |")

    for c in ("100k", "1m"):
        w = by.get((c, "warta"))
        if not w or "build_s" not in w or "na" in w:
            continue
        b = w["build_s"]
        for e, need in (("fts5", 2.0), ("tantivy", 2.5)):
            other = get(c, e, "build_s")
            if other:
                row(f"build ≥ {need}× faster than {ENGINE_LABELS[e]}", c,
                    f"{b:.1f} s vs {other:.1f} s: {other / b:.2f}× as fast", other / b >= need)
        if w.get("reindex_s") is not None:
            row("no-change re-index ≤ 1/10 of the build", c,
                f"{w['reindex_s']:.2f} s / {b:.1f} s = 1/{b / w['reindex_s']:.0f}",
                w["reindex_s"] <= b / 10)
        p50 = get(c, "warta", "whole", "p50_ms")
        for e, factor, what in (("xapian", 1, "no slower than `quest`"),
                                ("fts5", 5, "≤ 1/5 of the sqlite3 CLI"),
                                ("rg", 50, "≤ 1/50 of `rg -l -i -w`")):
            other = get(c, e, "whole", "p50_ms")
            if p50 and other:
                row(f"whole-process search p50 {what}", c,
                    f"{p50:.1f} vs {other:.1f} ms: warta takes {p50 / other:.2f}× its time",
                    p50 * factor <= other)
            cpu, other_cpu = get(c, "warta", "whole", "cpu_p50_ms"), get(c, e, "whole",
                                                                        "cpu_p50_ms")
            if cpu and other_cpu:
                row(f"the same in CPU time (user + sys) {what}", c,
                    f"{cpu:.1f} vs {other_cpu:.1f} ms: warta takes {cpu / other_cpu:.2f}× its time",
                    cpu * factor <= other_cpu)
        ip = get(c, "warta", "inproc", "p50_ms")
        if ip is not None:
            limit = 2.0 if c == "100k" else 5.0
            row(f"in-process search with snippets p50 ≤ {limit:g} ms", c, f"{ip:.2f} ms",
                ip <= limit)
        ratio = w["index_bytes"] / w["raw_bytes"]
        row("index size ≤ 1.2× raw", c, f"{ratio:.2f}×", ratio <= 1.2)
        limit = 500 if c == "100k" else 1024
        row(f"peak RSS indexing ≤ {limit} MiB", c, f"{w['rss_mib']:.0f} MiB",
            w["rss_mib"] <= limit)
    return out if len(out) > 2 else []


def main():
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        cmd, target, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
        if cmd == "_build-fts5":
            build_fts5(target, paths)
        elif cmd == "_build-xapian":
            build_xapian(target, paths)
        elif cmd == "_to-json":
            to_json([target, *paths])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", default="small,reuters,100k",
                        help="comma-separated: small,reuters,100k,1m (default small,reuters,100k)")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help=f"comma-separated: {','.join(ENGINES)} (default all)")
    parser.add_argument("--data", default=os.path.join(REPO, "..", "benchdata"),
                        help="where corpora, indexes and results go (default ../benchdata)")
    parser.add_argument("--shared", default=os.path.join(REPO, "..", "shared"),
                        help="the shared data folder (default ../shared)")
    parser.add_argument("--queries", default=os.path.join(HERE, "queries.txt"))
    parser.add_argument("--warta", required=True, help="the warta binary")
    parser.add_argument("--reps", type=int, default=10, help="whole-process runs per query")
    parser.add_argument("--budget", type=float, default=10.0,
                        help="seconds per query and engine before fewer reps are taken")
    parser.add_argument("--rg-budget", type=float, default=20.0)
    parser.add_argument("--inproc-reps", type=int, default=20)
    parser.add_argument("--xapian-1m", action="store_true", help="also build Xapian at 1M")
    parser.add_argument("--queries-only", action="store_true",
                        help="reuse the indexes and build figures of an earlier run; "
                             "measure query latency again")
    parser.add_argument("--out", help="write the Markdown table of all results here")
    parser.add_argument("--render-only", action="store_true", help="only write the table")
    args = parser.parse_args()
    args.corpora = [c for c in args.corpora.split(",") if c]
    args.engines = [e for e in args.engines.split(",") if e]
    for e in args.engines:
        if e not in ENGINES:
            sys.exit(f"compare: unknown engine {e!r} (known: {', '.join(ENGINES)})")
    args.queries = os.path.abspath(args.queries)
    runner = Runner(args)
    if not args.render_only:
        runner.run()
    table = render(runner.results, ["small", "reuters", "100k", "1m"])
    header = (f"Measured {datetime.now().strftime('%Y-%m-%d')} on {machine()}; "
              f"warta at commit {git_commit()}.\n\n")
    if args.out:
        with open(args.out, "w") as f:
            f.write(header + table + "\n")
    print(header + table)


if __name__ == "__main__":
    main()
