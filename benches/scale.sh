#!/usr/bin/env bash
# Issue #8's figures, all from one run: for 10 000, 200 000 and 1 000 000 entries (100 per
# feed, built by `tidings db synth`), the time to first paint (../shared/bench/ttfp.py), the
# peak memory while walking the stream (benches/walk.py), key-to-frame times (the keys
# criterion bench on the same database) and the size on disk; then newsboat's first paint and
# peak memory on the 50 000-entry cache ../shared/bench/startup.py builds, on the same machine
# in the same run. Needs tmux, python3, and newsboat for the last step (skipped without it).
#
#   bash benches/scale.sh [SIZE...]     SIZE: 10k 200k 1m (default: all); results in target/scale/
#   DUPLICATES=10 bash benches/scale.sh 1m   the same, 10 % of the entries re-posts of another
#                                            feed's (issue #23): target/scale/1m-dup10.*
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
T=$root/target/release/tidings
dir=${SCALE_DIR:-$root/target/scale}
shared=$root/../shared/bench
mkdir -p "$dir"
cargo build --release -q

feeds_for() { case $1 in 10k) echo 100 ;; 200k) echo 2000 ;; 1m) echo 10000 ;; *) echo "unknown size $1" >&2; exit 2 ;; esac; }

sizes=("$@"); [ ${#sizes[@]} -eq 0 ] && sizes=(10k 200k 1m)
dup=${DUPLICATES:-0}
for size in "${sizes[@]}"; do
  name=$size; [ "$dup" != 0 ] && name=$size-dup$dup
  db=$dir/$name.db
  echo "=== $name $(date -u +%H:%M:%S)"
  if [ ! -f "$db" ]; then
    /usr/bin/time -f 'synth: %e s, peak RSS %M KB' \
      "$T" --db "$db" db synth --feeds "$(feeds_for "$size")" --entries-per-feed 100 --duplicates "$dup"
  fi
  "$T" --db "$db" db stats | tee "$dir/$name.stats.txt" | head -6
  python3 "$shared/ttfp.py" --cmd "$T --db $db" --expect 'unread,' --quit-keys Q --runs 5 \
    | tee "$dir/$name.ttfp.txt" | tail -1
  python3 benches/walk.py --db "$db" --bin "$T" | tee "$dir/$name.walk.json"
  TIDINGS_BENCH_DB=$db cargo bench -q --bench keys -- --noplot 2>/dev/null \
    | grep -E '^keys|time:' | tee "$dir/$name.keys.txt"
done

if command -v newsboat >/dev/null; then
  echo "=== newsboat 50k $(date -u +%H:%M:%S)"
  (cd "$shared" && ./startup.py --label newsboat \
    --populate-cmd 'newsboat -u {urls} -c {db} -C {config} -x reload' \
    --config-text 'reload-threads {threads}' --threads 8 \
    --load-cmd 'newsboat -u {urls} -c {db} -C {config} -x print-unread' \
    --tui-cmd 'newsboat -u {urls} -c {db} -C {config}' --expect 'Your feeds' --quit-keys q \
    --feeds 500 --entries 100 --runs 3 --port 18318) | tee "$dir/newsboat-50k.txt" | tail -6
else
  echo "newsboat not installed: skipping its 50k startup (apt-get install newsboat)"
fi
