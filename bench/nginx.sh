# The peer server of the HTTP benchmarks, sourced by them: a private nginx on 127.0.0.1.
#
# nginx_start DIR PORT WORKERS [LOCATIONS]: writes DIR/nginx.conf serving the files of DIR/www
# (created if missing) on PORT with WORKERS worker processes, access log off and JSON as the
# default type; LOCATIONS is extra text inside the server block (e.g. a location). Starts nginx
# in the background and sets NGINX_PID; the caller waits for it to answer and stops it.
nginx_start() {
  local dir=$1 port=$2 workers=$3 locations=${4:-} user=""
  mkdir -p "$dir/www" "$dir/tmp"
  [[ $(id -u) == 0 ]] && user="user root;"
  cat >"$dir/nginx.conf" <<CONF
$user
worker_processes $workers;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $dir/tmp/client;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $dir/www;
    $locations
  }
}
CONF
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/stdout.log" 2>&1 &
  NGINX_PID=$!
}
