#!/usr/bin/env bash
# The refresh scenarios of issue #4, tidings and newsboat one after the other in one run, with
# the loopback harness of ../shared/bench (set BENCH_DIR elsewhere). Needs python3, GNU time,
# curl, sqlite3 and newsboat (apt-get install newsboat). Results (JSON per run, and the tables
# printed here) go to target/bench-results/. RUNS=3 for medians of three.
#
# Every bench feed lives on 127.0.0.1, so tidings runs with its per-host limit raised to its
# overall concurrency (--per-host = --jobs); the shipped default (per_host = 2) stays polite.
# newsboat runs with reload-threads 8, as in ../shared/bench/RESULTS-newsboat.md.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bench="${BENCH_DIR:-$here/../shared/bench}"
out="$here/target/bench-results"
runs="${RUNS:-1}"
mkdir -p "$out"
(cd "$here" && cargo build --release --quiet)
t="$here/target/release/tidings"
tidings="$t --db {db} import {opml} >/dev/null && $t --db {db} refresh --jobs {threads} --per-host {threads}"
newsboat='newsboat -u {urls} -c {db} -C {config} -x reload'
nb_conf='reload-threads {threads}'
# newsboat 2.21 stores validators only from a feed's second fetch; this makes its warm state.
nb_prime="sqlite3 {db} 'UPDATE rss_feed SET lastmodified = 1893456000'"
cd "$bench"
run() { echo "== $*"; ./refresh.py "$@" | grep -v '^label='; }
run --label tidings --cmd "$tidings" --feeds 2000 --latency 0 --threads 16 \
  --phases cold,second,warm --runs "$runs" --port 18401 --out "$out/tidings-2000.json"
run --label newsboat --cmd "$newsboat" --config-text "$nb_conf" --feeds 2000 --latency 0 \
  --threads 8 --phases cold,prime,warm --prime-cmd "$nb_prime" --runs "$runs" --port 18402 \
  --out "$out/newsboat-2000.json"
run --label tidings --cmd "$tidings" --feeds 500 --latency 100 --threads 16,32 \
  --phases cold --runs "$runs" --port 18403 --out "$out/tidings-500-lat100.json"
run --label newsboat --cmd "$newsboat" --config-text "$nb_conf" --feeds 500 --latency 100 \
  --threads 8 --phases cold --runs "$runs" --port 18404 --out "$out/newsboat-500-lat100.json"
