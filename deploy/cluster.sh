#!/usr/bin/env bash
# `make cluster`: a cluster on this machine to try ecrm on several processes: a PostgreSQL of its
# own (tests/scripts/pg_cluster.sh: a temporary directory, a free port, run as the postgres
# user), the demo shop loaded into it, two web nodes (`ecrm serve --no-worker --trust-proxy`),
# one worker (`ecrm worker`) and nginx balancing the nodes on 127.0.0.1:PORT, as
# deploy/nginx/ecrm.conf does on real machines. Ctrl-C stops everything and removes the database.
#   deploy/cluster.sh [PORT=8080]        (ECRM_BINARY: build/ecrm; CUSTOMERS: 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8080}
binary=${ECRM_BINARY:-build/ecrm}
customers=${CUSTOMERS:-2000}
[[ -x $binary ]] || { echo "deploy/cluster.sh: $binary is missing: run make build" >&2; exit 1; }
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || { echo "deploy/cluster.sh: nginx is missing" >&2; exit 1; }
PATH=$PATH:/usr/sbin

dir=$(mktemp -d /tmp/ecrm-cluster.XXXXXX)
chmod 755 "$dir"
state=$dir/pg.url
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ -f $state ]] && tests/scripts/pg_cluster.sh stop "$state" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "starting PostgreSQL"
tests/scripts/pg_cluster.sh start "$state" >/dev/null
db=$(cat "$state")
echo "loading the demo shop ($customers customers) into $db"
"$binary" demo --db "$db" --customers "$customers" --if-empty >"$dir/demo.log" 2>&1 ||
  { cat "$dir/demo.log" >&2; exit 1; }

export ECRM_ADMIN_EMAIL=${ECRM_ADMIN_EMAIL:-admin@example.com}
export ECRM_ADMIN_PASSWORD=${ECRM_ADMIN_PASSWORD:-Cluster-pass-1234}
nodes=()
for name in web1 web2; do
  node_port=$(free_port)
  "$binary" serve --db "$db" --no-worker --trust-proxy --host 127.0.0.1 --port "$node_port" \
    --web-root web/dist --no-access-log --public-url "http://127.0.0.1:$port" \
    >"$dir/$name.log" 2>&1 &
  pids+=($!)
  nodes+=("$node_port")
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$node_port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -sf "http://127.0.0.1:$node_port/readyz" >/dev/null ||
    { echo "$name did not start:" >&2; cat "$dir/$name.log" >&2; exit 1; }
  echo "$name: http://127.0.0.1:$node_port/ (log $dir/$name.log)"
done
"$binary" worker --db "$db" --public-url "http://127.0.0.1:$port" >"$dir/worker.log" 2>&1 &
pids+=($!)
echo "worker: pid $! (log $dir/worker.log)"

mkdir -p "$dir/nginx/tmp"
user=""
[[ $(id -u) == 0 ]] && user="user root;"
cat >"$dir/nginx/nginx.conf" <<CONF
$user
worker_processes 1;
daemon off;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/nginx/tmp/client;
  proxy_temp_path $dir/nginx/tmp/proxy;
  fastcgi_temp_path $dir/nginx/tmp/fastcgi;
  uwsgi_temp_path $dir/nginx/tmp/uwsgi;
  scgi_temp_path $dir/nginx/tmp/scgi;
  upstream ecrm_web {
    least_conn;
    server 127.0.0.1:${nodes[0]} max_fails=3 fail_timeout=10s;
    server 127.0.0.1:${nodes[1]} max_fails=3 fail_timeout=10s;
    keepalive 32;
  }
  map \$http_upgrade \$ecrm_connection { default upgrade; '' ''; }
  server {
    listen 127.0.0.1:$port;
    client_max_body_size 4g;
    proxy_request_buffering off;
    location / {
      proxy_pass http://ecrm_web;
      proxy_http_version 1.1;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$ecrm_connection;
      proxy_read_timeout 300s;
      proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
CONF
nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/error.log" >"$dir/nginx/stdout.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null ||
  { echo "nginx did not start on port $port:" >&2; cat "$dir/nginx/error.log" "$dir/nginx/stdout.log" >&2; exit 1; }
echo
echo "ecrm on two web nodes and a worker behind nginx: http://127.0.0.1:$port/"
echo "sign in as $ECRM_ADMIN_EMAIL / $ECRM_ADMIN_PASSWORD; Ctrl-C stops everything"
wait -n "${pids[@]}" || true
echo "deploy/cluster.sh: a process of the cluster ended; stopping the rest" >&2
