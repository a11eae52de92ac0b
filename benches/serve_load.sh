#!/usr/bin/env bash
# Load on `warta serve`, side by side with datasette over SQLite FTS5 and with one
# `warta search --json` process per lookup, on the 100K synthetic corpus: installs what is
# missing (wrk from apt; datasette and sqlite-utils from PyPI into a venv), builds warta
# (release), generates the corpus if needed (as benches/compare.sh does, in the same place),
# then runs benches/serve_load.py, which indexes it, loads the same articles into SQLite and
# measures. Bounded in time: about 10 s per point (--seconds), some 3 minutes of load in all
# once the index and the database exist.
#
#   benches/serve_load.sh                       # install, build, measure, print the tables
#   benches/serve_load.sh --no-install --seconds 20 --out /tmp/serve-load.md
#
# DATA (the corpus, the index, the SQLite database, the venv) is ../benchdata unless
# BENCH_DATA says otherwise; the corpus is shared with compare.sh. Other options are
# serve_load.py's (see --help there).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
DATA=${BENCH_DATA:-$REPO/../benchdata}
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
VENV=$DATA/venv-datasette

install=1
pass=()
for arg in "$@"; do
    case $arg in
        --no-install) install=0 ;;
        *) pass+=("$arg") ;;
    esac
done

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ $install = 1 ]; then
    if ! command -v wrk >/dev/null; then
        say "apt-get install wrk"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
    fi
    if [ ! -x "$VENV/bin/datasette" ] || [ ! -x "$VENV/bin/sqlite-utils" ]; then
        say "pip install datasette sqlite-utils into $VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q datasette sqlite-utils
    fi
fi

say "building warta (release)"
cargo build --release --quiet

if [ ! -f "$DATA/synth-100k/.complete" ]; then
    say "generating the synthetic 100k corpus in $DATA/synth-100k"
    rm -rf "$DATA/synth-100k"
    python3 benches/gen_corpus.py --articles 100000 --out "$DATA/synth-100k" --jobs 2
    touch "$DATA/synth-100k/.complete"
fi

exec python3 benches/serve_load.py --warta "$TARGET/release/warta" --data "$DATA" \
    --corpus "$DATA/synth-100k" --venv "$VENV" "${pass[@]}"
