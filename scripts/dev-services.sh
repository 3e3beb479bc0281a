#!/usr/bin/env bash
# Starts Redis and PostgreSQL (Debian's packages redis-server and postgresql) for trying the queue mode by
# hand: both on loopback, in one folder, and prints the URLs to pass to `ogi ingest --queue … --db …` and
# `ogi worker`. No Docker. `scripts/dev-services.sh stop` stops both and removes the folder.
#
#   scripts/dev-services.sh [start] [--dir DIR] [--redis-port N] [--pg-port N]
#   scripts/dev-services.sh stop [--dir DIR]
set -euo pipefail

action=start
dir="${TMPDIR:-/tmp}/ogi-services"
redis_port=6379
pg_port=5432
while [ $# -gt 0 ]; do
  case "$1" in
    start|stop) action=$1 ;;
    --dir) dir=$2; shift ;;
    --redis-port) redis_port=$2; shift ;;
    --pg-port) pg_port=$2; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "dev-services: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
# initdb refuses to run as root: as root, PostgreSQL runs as the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "$action" = stop ]; then
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  [ -d "$dir/pg/data" ] && as_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" -w -m fast stop >/dev/null || true
  rm -rf "$dir"
  echo "stopped; removed $dir"
  exit 0
fi

command -v redis-server >/dev/null || { echo "dev-services: redis-server is not installed (apt-get install redis-server)" >&2; exit 2; }
[ -n "$pg_bin" ] || { echo "dev-services: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 2; }

mkdir -p "$dir/redis" "$dir/pg"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir/redis" --save '' --appendonly no \
  --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"

[ "$(id -u)" = 0 ] && chown postgres "$dir/pg"
if [ ! -d "$dir/pg/data" ]; then
  as_pg "$pg_bin/initdb" -D "$dir/pg/data" -A trust -U postgres -E UTF8 >/dev/null
fi
as_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" -w -l "$dir/pg/log" \
  -o "-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1" start >/dev/null
as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres ogi 2>/dev/null || true

cat <<EOF
Redis      redis://127.0.0.1:$redis_port
PostgreSQL postgres://postgres@127.0.0.1:$pg_port/ogi
Try:
  npx ogi worker --queue redis://127.0.0.1:$redis_port --db postgres://postgres@127.0.0.1:$pg_port/ogi &
  npx ogi ingest samples --queue redis://127.0.0.1:$redis_port --db postgres://postgres@127.0.0.1:$pg_port/ogi
Stop: scripts/dev-services.sh stop --dir $dir
EOF
