#!/usr/bin/env bash
# Issue #16's same-run comparison: the cold and warm refresh of 500 and 2000 bench feeds by
# tidings (this build), tidings before the search index (commit bb1ec4c, built here from this
# repository's history), newsboat and newsraft, one after another on the loopback harness of
# ../shared/bench (BENCH_DIR elsewhere). Results (JSON per run, and the tables printed here) go
# to target/bench-results/. RUNS=3 for medians of three at 500 feeds (2000 feeds: RUNS_BIG).
#
# Needs python3, GNU time, curl, sqlite3 and newsboat (apt-get install newsboat); newsraft is
# run when NEWSRAFT names its binary (how to build it: ../shared/bench/RESULTS-others.md).
# ONLY="tidings old" runs some of: tidings old newsboat newsraft.
#
# Every bench feed lives on 127.0.0.1, so tidings runs with its per-host limit raised to its
# overall concurrency; newsboat with reload-threads 8 (as in RESULTS-newsboat.md); newsraft
# with 16 connections, 16 per host.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bench="${BENCH_DIR:-$here/../shared/bench}"
out="$here/target/bench-results"
runs="${RUNS:-3}"
runs_big="${RUNS_BIG:-1}"
only="${ONLY:-tidings old newsboat newsraft}"
mkdir -p "$out"
(cd "$here" && cargo build --release --quiet)
t="$here/target/release/tidings"

old="$here/target/bb1ec4c/target/release/tidings"
if [[ " $only " == *" old "* && ! -x "$old" ]]; then
  git -C "$here" worktree add -f "$here/target/bb1ec4c" bb1ec4c >/dev/null 2>&1 || true
  (cd "$here/target/bb1ec4c" && CARGO_TARGET_DIR="$here/target/bb1ec4c/target" cargo build --release --quiet)
fi

tidings() { echo "$1 --db {db} import {opml} >/dev/null && $1 --db {db} refresh --jobs {threads} --per-host {threads}"; }
cd "$bench"
run() { echo "== $*"; ./refresh.py "$@" | grep -v '^label='; }
both() { # label cmd phases extra...
  local label=$1 cmd=$2 phases=$3; shift 3
  run --label "$label" --cmd "$cmd" --feeds 500 --latency 0 --phases "$phases" --runs "$runs" \
    --port 18411 --out "$out/$label-500.json" "$@"
  run --label "$label" --cmd "$cmd" --feeds 2000 --latency 0 --phases "$phases" --runs "$runs_big" \
    --port 18412 --out "$out/$label-2000.json" "$@"
}
for who in $only; do
  case $who in
    tidings) both tidings "$(tidings "$t")" cold,second,warm --threads 16 ;;
    old) both tidings-bb1ec4c "$(tidings "$old")" cold,second,warm --threads 16 ;;
    newsboat)
      both newsboat 'newsboat -u {urls} -c {db} -C {config} -x reload' cold,prime,warm \
        --threads 8 --config-text 'reload-threads {threads}' \
        --prime-cmd "sqlite3 {db} 'UPDATE rss_feed SET lastmodified = 1893456000'" ;;
    newsraft)
      [ -n "${NEWSRAFT:-}" ] || { echo "newsraft: set NEWSRAFT=/path/to/newsraft"; continue; }
      both newsraft "$NEWSRAFT -f {urls} -c {config} -d {db} -e reload-all" cold,second,warm \
        --threads 16 \
        --config-text 'download-max-connections {threads}\ndownload-max-host-connections {threads}' ;;
  esac
done
