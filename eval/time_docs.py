#!/usr/bin/env python3
"""Split the TIME test collection (TIME.ALL) into one document per ``*TEXT`` record.

TIME.ALL is one big file: every document starts with a header line
``*TEXT NNN MM/DD/YY PAGE PPP`` and its text is double-spaced (a blank line after
every text line).  Search engines that index a directory of ``.txt`` files need one
file per document, so this module

* parses TIME.ALL into ``TimeDoc(number, title, body)`` records, and
* writes each record as ``NNN.txt`` in the news layout warta reads
  (title line, blank line, body), so a hit's file name gives back the document id.

The collection has no headlines.  The first text line usually starts with the
section and headline run into the first words of the story ("RUSSIA WHO'S IN CHARGE
HERE ? IT WAS IN 1954 THAT NIKITA"), so the first line is used as the title and the
remaining lines are the body.  Both engines in eval.py see exactly this split.

Usage:  python3 time_docs.py OUTDIR [--time-all PATH]
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from typing import NamedTuple

HEADER = re.compile(r"^\*TEXT\s+(\d+)\b")


class TimeDoc(NamedTuple):
    number: str  # the *TEXT number as written, e.g. "017"
    title: str
    body: str


def read_records(path: str) -> list[tuple[str, list[str]]]:
    """Return ``(number, text_lines)`` per ``*TEXT`` record, in file order.

    Blank lines (the double spacing) are dropped; line order is kept.
    """
    records: list[tuple[str, list[str]]] = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = raw.strip()
            match = HEADER.match(line)
            if match:
                records.append((match.group(1), []))
            elif line and records:
                records[-1][1].append(line)
    return records


def to_doc(number: str, lines: list[str]) -> TimeDoc:
    """First text line is the title, the rest (joined by spaces) the body."""
    title = lines[0] if lines else ""
    body = " ".join(lines[1:])
    return TimeDoc(number, title, body)


def split_time_all(path: str) -> list[TimeDoc]:
    """Parse TIME.ALL into documents, in file order (file order = qrels positions)."""
    return [to_doc(number, lines) for number, lines in read_records(path)]


def write_docs(docs: list[TimeDoc], out_dir: str) -> None:
    """Write each document as ``NNN.txt``: title line, blank line, body."""
    os.makedirs(out_dir, exist_ok=True)
    for doc in docs:
        with open(os.path.join(out_dir, f"{doc.number}.txt"), "w", encoding="utf-8") as f:
            f.write(f"{doc.title}\n\n{doc.body}\n")


def default_time_all() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(
        os.path.join(here, "..", "..", "shared", "corpora", "ir-test", "time", "TIME.ALL"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--time-all", default=default_time_all())
    args = parser.parse_args()
    if not os.path.isfile(args.time_all):
        sys.exit(f"error: TIME.ALL not found at {args.time_all}")
    docs = split_time_all(args.time_all)
    write_docs(docs, args.out_dir)
    print(f"wrote {len(docs)} documents to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
