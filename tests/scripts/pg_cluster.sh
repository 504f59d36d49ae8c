#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL 15 cluster for the tests.
#   pg_cluster.sh start STATE -> initdb in a fresh directory under /tmp, start on a free loopback
#                                port, write the URL to STATE and the cluster directory to STATE.dir
#   pg_cluster.sh stop STATE  -> stop that cluster and remove its directory and STATE
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user (in /tmp,
# which it can reach whatever the permissions of the checkout).
# PG_CLUSTER_SETTINGS adds server settings to the command line (e.g. "-c shared_buffers=1GB").
set -euo pipefail
cmd=${1:?start|stop}
state=${2:?state file}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    if [ -f "$state.dir" ] && as_owner "$bindir/pg_ctl" -D "$(cat "$state.dir")/data" status >/dev/null 2>&1; then
      cat "$state"; exit 0
    fi
    dir=$(mktemp -d /tmp/ecrm-pg.XXXXXX)
    chmod 755 "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
           || shuf -i 20000-60000 -n 1)
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --lc-ctype=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${PG_CLUSTER_SETTINGS:-}" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    mkdir -p "$(dirname "$state")"
    echo "$dir" > "$state.dir"
    echo "postgresql://postgres@127.0.0.1:$port/postgres" > "$state"
    cat "$state"
    ;;
  stop)
    if [ -f "$state.dir" ]; then
      dir=$(cat "$state.dir")
      if [ -d "$dir/data" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
      rm -rf "$dir"
    fi
    rm -f "$state" "$state.dir"
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
