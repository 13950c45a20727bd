#!/usr/bin/env bash
# Issue #20's figure: a cold refresh of 500 bench feeds with the 50 rules of
# benches/support/rules50.toml against the same refresh with none, alternating, on the loopback
# harness of ../shared/bench (BENCH_DIR elsewhere). RUNS=3 by default; results (JSON per run,
# and the tables printed here) go to target/bench-results/.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bench="${BENCH_DIR:-$here/../shared/bench}"
out="$here/target/bench-results"
runs="${RUNS:-3}"
mkdir -p "$out"
(cd "$here" && cargo build --release --quiet)
t="$here/target/release/tidings"
none="$out/no-rules.toml"
: >"$none"
cd "$bench"
for label in rules-none rules-50; do
  config=$none
  [ "$label" = rules-50 ] && config="$here/benches/support/rules50.toml"
  echo "== $label"
  ./refresh.py --label "$label" --feeds 500 --latency 0 --phases cold --runs "$runs" \
    --threads 16 --port 18421 --out "$out/$label-500.json" \
    --cmd "$t --config $config --db {db} import {opml} >/dev/null && $t --config $config --db {db} refresh --jobs {threads} --per-host {threads}" |
    grep -v '^label='
done
