#!/usr/bin/env bash
# Issue #21's figure: the first sync of many items from the test Miniflux on loopback
# (`bash scripts/miniflux.sh up` first), then a sync where nothing changed. FEEDS feeds of ITEMS
# items each (10 × 1000 by default), served from loopback, are subscribed on the server (every
# feed the test user had is deleted first: run it against the test server only, never beside
# `cargo test`), then `tidings sync --json` runs RUNS times (3 by default) into fresh databases,
# timed with /usr/bin/time. Results go to target/bench-results/sync-*.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
feeds="${FEEDS:-10}"
items="${ITEMS:-1000}"
runs="${RUNS:-3}"
out="$here/target/bench-results"
work="$here/target/sync-bench"
env_file="$here/target/miniflux/env"
[ -f "$env_file" ] || { echo "no Miniflux: bash scripts/miniflux.sh up" >&2; exit 1; }
# shellcheck disable=SC1090
. "$env_file"
mkdir -p "$out" "$work/feeds"
(cd "$here" && cargo build --release --quiet)
t="$here/target/release/tidings"
api() { curl -sf -u "$MINIFLUX_USER:$MINIFLUX_PASSWORD" -H 'Content-Type: application/json' "$@"; }

python3 - "$work/feeds" "$feeds" "$items" <<'PY'
import email.utils, sys, time
d, feeds, items = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
now = time.time()
for f in range(feeds):
    parts = []
    for i in range(items):
        date = email.utils.formatdate(now - 60 * (i * feeds + f))
        body = " ".join(f"word{(i * 7 + k) % 997}" for k in range(120))
        parts.append(f"<item><guid>f{f}-{i}</guid><title>Feed {f} story {i}</title>"
                     f"<link>https://bench.example/{f}/{i}</link><pubDate>{date}</pubDate>"
                     f"<description>&lt;p&gt;{body}&lt;/p&gt;</description></item>")
    with open(f"{d}/f{f}.xml", "w") as out:
        out.write(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench {f}</title>'
                  f'<link>https://bench.example/{f}/</link>{"".join(parts)}</channel></rss>')
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work/feeds" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
web=$!
trap 'kill $web 2>/dev/null || true' EXIT
sleep 1

for id in $(api "$MINIFLUX_URL/v1/feeds" | python3 -c 'import json,sys; print(" ".join(str(f["id"]) for f in json.load(sys.stdin)))'); do
  api -X DELETE "$MINIFLUX_URL/v1/feeds/$id"
done
category=$(api "$MINIFLUX_URL/v1/categories" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
for f in $(seq 0 $((feeds - 1))); do
  api -X POST "$MINIFLUX_URL/v1/feeds" \
    -d "{\"feed_url\":\"http://127.0.0.1:$port/f$f.xml\",\"category_id\":$category}" >/dev/null
done
total=$(api "$MINIFLUX_URL/v1/entries?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "server: $feeds feeds, $total items"

config="$work/config.toml"
printf '[sync]\nkind = "greader"\nurl = "%s"\nusername = "%s"\n' "$MINIFLUX_URL" "$MINIFLUX_USER" >"$config"
export TIDINGS_SYNC_PASSWORD="$MINIFLUX_PASSWORD"
commit=$(git -C "$here" rev-parse --short HEAD)
for run in $(seq 1 "$runs"); do
  db="$work/run$run.db"
  rm -f "$db" "$db-wal" "$db-shm"
  for phase in first quiet; do
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
      "$t" --config "$config" --db "$db" sync --json >"$out/sync-$phase-$run.json"
    read -r wall user sys rss <"$work/time"
    got=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["new_entries"], j["requests"])' "$out/sync-$phase-$run.json")
    echo "run $run $phase: ${wall} s wall, ${user} s user, ${sys} s sys, peak RSS $((rss / 1024)) MiB; new entries, requests: $got (commit $commit)"
  done
done
