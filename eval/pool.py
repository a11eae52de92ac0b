#!/usr/bin/env python3
"""Judging sheets for new queries: the pooled top hits of every engine, to be read and graded.

Input: a file of ``qid<TAB>query`` lines (``#`` comments allowed); a query may list variants
after ``|`` (``gojek | go-jek | go jek``), each run on every engine and pooled with the rest.
For each query the sheet lists the union of every engine's top DEPTH hits (default 20) in a
stable order (by document id, not by engine or rank, so the judge does not see who found
what), each with its title and the start of its text.  Grades are then written by hand into a
judgment file (``qid<TAB>query<TAB>doc:grade ...``, see README.md).

    python3 eval/pool.py --set heldout-id draft.tsv > sheet.txt
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile

sys.dont_write_bytecode = True
import eval as ev  # noqa: E402  (sibling module)


def read_drafts(path: str) -> list[tuple[str, list[str]]]:
    drafts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            qid, text = line.split("\t")[:2]
            drafts.append((qid, [v.strip() for v in text.split("|") if v.strip()]))
    return drafts


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description="Pool the top hits of every engine for judging.")
    p.add_argument("--set", required=True, choices=ev.ALL_SETS, help="which documents")
    p.add_argument("--depth", type=int, default=20)
    p.add_argument("--chars", type=int, default=400, help="text shown per document")
    p.add_argument("--corpora", default=ev.DEFAULT_CORPORA)
    p.add_argument("--warta", default=os.environ.get("WARTA", ev.DEFAULT_WARTA))
    p.add_argument("drafts")
    args = p.parse_args(argv)
    args.corpora = os.path.abspath(args.corpora)
    drafts = read_drafts(args.drafts)
    queries = [ev.Query(f"{qid}#{i}", text, {}) for qid, variants in drafts
               for i, text in enumerate(variants)]
    with tempfile.TemporaryDirectory(prefix="warta-pool-") as workdir:
        docset = ev.make_docset(args.set, args.corpora, workdir)
        docs = {d.id: d for d in ev.load_docs(docset)}
        runs = [ev.run_fts5(docset, queries), ev.run_xapian(docset, queries, workdir),
                ev.run_warta(docset, queries, args.warta, workdir)]
    for qid, variants in drafts:
        pool = set()
        for run in runs:
            for i in range(len(variants)):
                pool.update(ev.dedupe(run.get(f"{qid}#{i}", []))[:args.depth])
        print(f"=== {qid}\t{' | '.join(variants)}\t({len(pool)} pooled)")
        for doc_id in sorted(pool):
            d = docs[doc_id]
            text = " ".join(d.body.split())[:args.chars]
            print(f"- {doc_id}\n  T: {d.title}\n  {text}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
