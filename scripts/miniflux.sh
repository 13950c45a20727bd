#!/usr/bin/env bash
# A real Miniflux on loopback for the sync tests (issue #21), brought up from nothing and taken
# down by the pids it started. PostgreSQL comes from the machine's own Debian release
# (installed with apt-get when missing, as .ci/gate installs valgrind); Miniflux (2.2.x, one Go
# binary) from Debian 13 "trixie": its package is fetched with `apt-get download` through a
# one-off source list and private apt directories (the system's apt state is not touched) and
# unpacked with `dpkg-deb -x` into target/miniflux (nothing installed system-wide).
#
#   bash scripts/miniflux.sh up     # prints the env file's path; its lines: MINIFLUX_URL=…
#   bash scripts/miniflux.sh down
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${MINIFLUX_DIR:-$root/target/miniflux}
env_file=$dir/env
user=tidings
password=tidings-sync-test

sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"

pg_bin() { # the directory of initdb and pg_ctl
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

ensure_postgres() {
  pg_bin >/dev/null && return 0
  echo "miniflux.sh: installing PostgreSQL (the machine's own release)" >&2
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  pg_bin >/dev/null
}

ensure_miniflux() {
  [ -x "$dir/pkg/usr/bin/miniflux" ] && return 0
  local apt=$dir/apt mirror
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dir/deb"
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  cat >"$apt/sources.list" <<LIST
deb [trusted=yes] $mirror trixie main
LIST
  local opts=(-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
    -o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Status=/var/lib/dpkg/status" -o "APT::Get::List-Cleanup=0")
  apt-get "${opts[@]}" update -qq >/dev/null
  (cd "$dir/deb" && apt-get "${opts[@]}" download miniflux >/dev/null)
  dpkg-deb -x "$dir"/deb/miniflux_*.deb "$dir/pkg"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_postgres() { # runs a PostgreSQL tool as the postgres user when we are root
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=postgres --regid=postgres --init-groups "$@"
  else
    "$@"
  fi
}

up() {
  down >/dev/null 2>&1 || true
  ensure_postgres
  ensure_miniflux
  local bin pgport port data
  bin=$(pg_bin)
  pgport=$(free_port)
  port=$(free_port)
  data=$dir/pg
  rm -rf "$data" "$dir/sock"
  mkdir -p "$data" "$dir/sock"
  chmod o+rx "$dir" "$(dirname "$dir")" 2>/dev/null || true
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data" "$dir/sock"
  as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null
  as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $pgport -k $dir/sock -c listen_addresses=127.0.0.1" start >/dev/null
  local psql=("$bin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -v ON_ERROR_STOP=1 -q)
  "${psql[@]}" -c "CREATE DATABASE miniflux" >/dev/null
  DATABASE_URL="postgres://postgres@127.0.0.1:$pgport/miniflux?sslmode=disable" \
    RUN_MIGRATIONS=1 CREATE_ADMIN=1 ADMIN_USERNAME=$user ADMIN_PASSWORD=$password \
    LISTEN_ADDR=127.0.0.1:$port FETCHER_ALLOW_PRIVATE_NETWORKS=1 POLLING_FREQUENCY=100000 \
    "$dir/pkg/usr/bin/miniflux" >"$dir/miniflux.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 200); do
    curl -fs "http://127.0.0.1:$port/healthcheck" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$dir/miniflux.log" >&2; exit 1; }
    sleep 0.1
  done
  # The Google Reader API has no REST switch: a row of `integrations`, its password a bcrypt hash.
  "${psql[@]}" -d miniflux -c "CREATE EXTENSION IF NOT EXISTS pgcrypto" \
    -c "UPDATE integrations SET googlereader_enabled = true, googlereader_username = '$user', \
        googlereader_password = crypt('$password', gen_salt('bf')) \
        WHERE user_id = (SELECT id FROM users WHERE username = '$user')" >/dev/null
  cat >"$env_file" <<ENV
MINIFLUX_URL=http://127.0.0.1:$port
MINIFLUX_USER=$user
MINIFLUX_PASSWORD=$password
MINIFLUX_PID=$pid
MINIFLUX_PG_PORT=$pgport
ENV
  echo "$env_file"
}

down() {
  if [ -f "$env_file" ]; then
    local pid
    pid=$(awk -F= '$1 == "MINIFLUX_PID" {print $2}' "$env_file")
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    rm -f "$env_file"
  fi
  if [ -d "$dir/pg" ] && bin=$(pg_bin); then
    as_postgres "$bin/pg_ctl" -D "$dir/pg" -m fast stop >/dev/null 2>&1 || true
  fi
}

case ${1:-up} in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
