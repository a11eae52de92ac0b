#!/usr/bin/env bash
# Benchmarks warta against SQLite FTS5, tantivy-cli 0.24, Xapian and ripgrep, in one run:
# installs what is missing, builds warta, generates the synthetic corpora if needed, then runs
# benches/compare.py (build time, index size, peak RSS, no-change re-index, whole-process and
# in-process query latency) and writes the Markdown table.
#
#   benches/compare.sh                                  # small, reuters, 100k; every engine
#   benches/compare.sh --corpora 1m --engines warta,fts5,tantivy,rg
#   benches/compare.sh --no-install --corpora small --reps 3
#   benches/compare.sh --render-only                    # rewrite the table from saved results
#
# Corpora: small (../shared/corpora bbc-tech + bbc-other + id-tech/txt), reuters (the
# Reuters-21578 JSON lines), 100k and 1m (benches/gen_corpus.py, written to DATA/synth-*).
# DATA (corpora, indexes, per-engine results, installed tools) is ../benchdata unless
# BENCH_DATA says otherwise. The table goes to $DATA/RESULTS.md (copy it to
# benches/RESULTS.md to publish). Other options are compare.py's (see --help there).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
DATA=${BENCH_DATA:-$REPO/../benchdata}
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
TARGET=${CARGO_TARGET_DIR:-$REPO/target}

install=1
corpora=small,reuters,100k
pass=()
while [ $# -gt 0 ]; do
    case $1 in
        --no-install) install=0 ;;
        --corpora) corpora=$2; pass+=("$1" "$2"); shift ;;
        --corpora=*) corpora=${1#*=}; pass+=("$1") ;;
        *) pass+=("$1") ;;
    esac
    shift
done

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ $install = 1 ]; then
    missing=()
    command -v rg >/dev/null || missing+=(ripgrep)
    command -v quest >/dev/null || missing+=(xapian-tools)
    /usr/bin/python3 -c 'import xapian' 2>/dev/null || missing+=(python3-xapian)
    command -v sqlite3 >/dev/null || missing+=(sqlite3)
    [ -x /usr/bin/time ] || missing+=(time)
    if [ ${#missing[@]} -gt 0 ]; then
        say "apt-get install ${missing[*]}"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    fi
    if [ ! -x "$DATA/tools/bin/tantivy" ]; then
        # 0.24.0 builds only without --locked.
        say "cargo install tantivy-cli 0.24.0 into $DATA/tools"
        cargo install tantivy-cli --version 0.24.0 --root "$DATA/tools" \
            --target-dir "$DATA/tantivy-cli-target"
    fi
fi

say "building warta (release) and the search bench"
cargo build --release --quiet
cargo bench --bench search --no-run --quiet

for c in ${corpora//,/ }; do
    case $c in
        100k) n=100000 ;;
        1m) n=1000000 ;;
        *) continue ;;
    esac
    if [ ! -f "$DATA/synth-$c/.complete" ]; then
        say "generating the synthetic $c corpus in $DATA/synth-$c"
        rm -rf "$DATA/synth-$c"
        python3 benches/gen_corpus.py --articles $n --out "$DATA/synth-$c" --jobs 2
        touch "$DATA/synth-$c/.complete"
    fi
done

PY=/usr/bin/python3
[ -x $PY ] || PY=python3
exec $PY benches/compare.py --warta "$TARGET/release/warta" --data "$DATA" \
    --out "$DATA/RESULTS.md" "${pass[@]}"
