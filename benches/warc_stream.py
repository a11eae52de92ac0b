#!/usr/bin/env python3
"""Streaming benchmark for web archives: indexes one large .warc.gz and the same pages as loose
.html files, side by side, and reports peak RSS and MB/s of each.

The pages are the synthetic articles of benches/gen_corpus.py (article N is always the same
text) set in an HTML page with the navigation, header, share box and footer a news site wraps
around its text. The archive is written as crawlers write it: a warcinfo record, then for each
page a `request` and a `response` record (HTTP/1.1 200, text/html; charset=utf-8), one gzip
member per record; every 50th page is a 301 redirect and every 97th a 404, passed over as a
crawl's are. Writing stops once the .warc.gz holds --mb megabytes (compressed, on disk).

    python3 benches/gen_corpus.py --articles 100000 --out ../benchdata/synth-100k --jobs 2
    python3 benches/warc_stream.py --bin target/release/warta --mb 500 \
        --corpus ../benchdata/synth-100k --out /tmp/warc-bench

Prints a Markdown table (and writes it to OUT/RESULTS.md): pages, bytes (compressed and
uncompressed), seconds, MB/s of uncompressed HTML, and peak RSS (the child's ru_maxrss) of
`warta index` over the archive and over the loose files. python3 stdlib only.
"""

import argparse
import html
import importlib.util
import itertools
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_corpus", os.path.join(HERE, "gen_corpus.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def page(text):
    """An HTML page of one article in gen_corpus's .txt layout (header lines, title, paragraphs)."""
    head, _, rest = text.partition("\n\n") if ":" in text.split("\n", 1)[0] else ("", "", text)
    meta = dict(line.split(": ", 1) for line in head.split("\n") if ": " in line)
    title, _, body = rest.partition("\n\n")
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    e = html.escape
    tags = []
    if "Date" in meta:
        tags.append(f'<meta property="article:published_time" content="{e(meta["Date"])}">')
    if "Source" in meta:
        tags.append(f'<meta property="og:site_name" content="{e(meta["Source"])}">')
    if "Author" in meta:
        tags.append(f'<meta name="author" content="{e(meta["Author"])}">')
    if "URL" in meta:
        tags.append(f'<link rel="canonical" href="{e(meta["URL"])}">')
    paras = "\n".join(f"<p>{e(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
{chr(10).join(tags)}
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
<style>body{{font-family:sans-serif}} .share a{{margin:0 4px}}</style>
</head><body>
<header class="site-header"><a href="/">Home</a> <a href="/tech">Tech</a> <a href="/business">Business</a></header>
<nav><ul><li><a href="/gadgets">Gadgets</a></li><li><a href="/startups">Startups</a></li><li><a href="/ai">AI</a></li></ul></nav>
<main><article><h1>{e(title)}</h1>
{paras}
<div class="share-buttons"><a href="#">Share</a> <a href="#">Tweet</a></div>
</article></main>
<aside class="related"><h3>Related</h3><ul><li><a href="/a">More news</a></li></ul></aside>
<footer>Copyright. All rights reserved. <a href="/privacy">Privacy</a></footer>
</body></html>
""", meta.get("URL")


def record(kind, uri, date, block, content_type):
    head = (
        f"WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n"
        f"WARC-Record-ID: <urn:uuid:{abs(hash((kind, uri))):032x}>\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def member(data):
    # One gzip member per record, as crawlers write them (level 6, gzip's default).
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    return c.compress(data) + c.flush()


def texts(args):
    """Article texts, endlessly: those of --corpus (gen_corpus.py's output, read back) when
    given, else gen_corpus.py's articles made here (slower). Past the corpus's end its articles
    come again as updated versions (paragraphs in reverse order, "(update N)" after the title),
    as a crawl fetches pages again."""
    if args.corpus:
        files = sorted(os.path.join(root, f) for root, _, names in os.walk(args.corpus)
                       for f in names if f.endswith(".txt"))
        if not files:
            sys.exit(f"no .txt files under {args.corpus}")
        cycle = 0
        while True:
            for path in files:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                if cycle:
                    head, _, rest = text.partition("\n\n") if ": " in text.split("\n", 1)[0] else ("", "", text)
                    title, _, body = rest.partition("\n\n")
                    paras = [p for p in body.split("\n\n") if p.strip()][::-1]
                    text = (head + "\n\n" if head else "") + f"{title} (update {cycle})\n\n" + "\n\n".join(paras) + "\n"
                yield text
            cycle += 1
    gen = load_generator()
    en, idn = gen.build_languages("1")
    n = 0
    while True:
        yield gen.article(n, "1", en, idn)
        n += 1


def records_of(batch):
    """The gzip members of a batch of (number, text), and the pages among them."""
    out, pages, raw = [], [], 0
    for n, text in batch:
        doc, url = page(text)
        uri = f"{url}?v={n}" if url else f"https://news.example/{n}"
        date = f"2026-01-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z"
        request = f"GET /{n} HTTP/1.1\r\nHost: news.example\r\nUser-Agent: bench\r\n\r\n".encode()
        out.append(member(record("request", uri, date, request, "application/http;msgtype=request")))
        if n % 50 == 49:
            block = f"HTTP/1.1 301 Moved Permanently\r\nLocation: {uri}/\r\nContent-Length: 0\r\n\r\n".encode()
        elif n % 97 == 96:
            block = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html><body>Not found</body></html>"
        else:
            body = doc.encode()
            block = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n").encode() + body
            pages.append((n, body))
        rec = record("response", uri, date, block, "application/http;msgtype=response")
        raw += len(rec)
        out.append(member(rec))
    return b"".join(out), pages, raw


def write(args):
    os.makedirs(args.out, exist_ok=True)
    loose = os.path.join(args.out, "html")
    shutil.rmtree(loose, ignore_errors=True)
    warc_dir = os.path.join(args.out, "warc")
    os.makedirs(warc_dir, exist_ok=True)
    warc = os.path.join(warc_dir, "crawl.warc.gz")
    target = args.mb * 1_000_000
    pages = raw = html_bytes = 0
    started = time.time()
    source = enumerate(texts(args))
    batches = iter(lambda: list(itertools.islice(source, 200)), [])
    with open(warc, "wb") as out, multiprocessing.Pool(args.jobs) as pool:
        out.write(member(record("warcinfo", "", "2026-01-01T00:00:00Z",
                                b"software: benches/warc_stream.py\r\n", "application/warc-fields")))
        for data, written, size in pool.imap(records_of, batches):
            if out.tell() >= target:
                break
            out.write(data)
            raw += size
            for n, body in written:
                folder = os.path.join(loose, f"{n // 1000:04d}")
                os.makedirs(folder, exist_ok=True)
                with open(os.path.join(folder, f"{n:07d}.html"), "wb") as f:
                    f.write(body)
                pages += 1
                html_bytes += len(body)
            if pages % 10000 < 200:
                print(f"  {pages} pages, {out.tell() / 1e6:.0f} MB, {time.time() - started:.0f} s",
                      file=sys.stderr)
        pool.terminate()
        size = out.tell()
    print(f"wrote {warc}: {size:,} bytes ({raw:,} uncompressed), {pages} pages "
          f"({html_bytes:,} bytes of HTML) in {time.time() - started:.0f} s", file=sys.stderr)
    return {"warc": warc, "warc_dir": warc_dir, "loose": loose, "pages": pages, "size": size,
            "raw": raw, "html_bytes": html_bytes}


def timed_index(binary, index, path, threads):
    shutil.rmtree(index, ignore_errors=True)
    argv = [binary, "--index", index, "index", "--json", "--quiet", path]
    if threads:
        argv[4:4] = ["--threads", str(threads)]
    started = time.time()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.stdout.read(), p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    secs = time.time() - started
    if status != 0:
        sys.exit(f"{' '.join(argv)} failed ({status}): {err.decode()[-2000:]}")
    report = json.loads(out)
    return secs, usage.ru_maxrss / 1024, report


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "warta"))
    parser.add_argument("--mb", type=int, default=500, help="size of the .warc.gz, MB (default 500)")
    parser.add_argument("--out", default="/tmp/warta-warc-bench")
    parser.add_argument("--corpus", help="a folder written by gen_corpus.py to take the texts from "
                        "(default: generate them, slower)")
    parser.add_argument("--threads", type=int, default=0, help="warta index --threads (default all)")
    parser.add_argument("--jobs", type=int, default=2, help="processes writing the archive (default 2)")
    parser.add_argument("--reuse", action="store_true",
                        help="index what an earlier run with --keep wrote to OUT, rather than write it again")
    parser.add_argument("--keep", action="store_true", help="keep the data written")
    args = parser.parse_args()
    saved = os.path.join(args.out, "written.json")
    if args.reuse and os.path.exists(saved):
        with open(saved) as f:
            data = json.load(f)
    else:
        data = write(args)
        with open(saved, "w") as f:
            json.dump(data, f)
    rows = []
    for name, path in [("one .warc.gz", data["warc_dir"]), ("loose .html files", data["loose"])]:
        secs, rss, report = timed_index(args.bin, os.path.join(args.out, "index"), path, args.threads)
        rows.append((name, secs, rss, report))
        print(f"{name}: {report['added']} articles in {secs:.1f} s, peak RSS {rss:.0f} MiB",
              file=sys.stderr)
    mb = data["html_bytes"] / 1e6
    lines = [
        f"{data['pages']:,} pages ({mb:,.0f} MB of HTML); the archive is {data['size'] / 1e6:,.0f} MB "
        f"gzip'd ({data['raw'] / 1e6:,.0f} MB of records uncompressed, requests, redirects and 404s included).",
        "",
        "| input | articles | time | HTML MB/s | peak RSS |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, secs, rss, report in rows:
        lines.append(f"| {name} | {report['added']:,} | {secs:.1f} s | {mb / secs:.1f} | {rss:.0f} MiB |")
    passed = rows[0][3].get("passed_over", {})
    lines.append("")
    lines.append("Passed over in the archive: " + ", ".join(f"{v:,} {k}" for k, v in sorted(passed.items())))
    table = "\n".join(lines)
    print(table)
    with open(os.path.join(args.out, "RESULTS.md"), "w") as f:
        f.write(table + "\n")
    if not args.keep:
        for sub in ("html", "warc", "index"):
            shutil.rmtree(os.path.join(args.out, sub), ignore_errors=True)
        os.remove(saved)


if __name__ == "__main__":
    main()
