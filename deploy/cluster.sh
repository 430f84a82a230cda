#!/usr/bin/env bash
# A local cluster of OvopQuality: PostgreSQL, N instances and HAProxy in front, all on 127.0.0.1.
#
#   deploy/cluster.sh start [--nodes N]    (default 3)
#   deploy/cluster.sh status
#   deploy/cluster.sh stop
#   deploy/cluster.sh kill <node>          kill -9 one instance (for trying node loss by hand)
#
# The load balancer listens on OVOP_PORT (default 5180), the instances on the ports after it
# (5181, 5182, ...), HAProxy's statistics page on OVOP_PORT+99. The instances run the production
# build (deploy/publish.sh into .data/publish, or OVOP_CLUSTER_APP; made again when the sources
# change). Everything else the cluster keeps is in OVOP_CLUSTER_DIR (default .data/cluster): the
# database (deploy/postgres.sh on OVOP_PG_PORT, default 5435; or OVOP_DB), the shared keys, each
# instance's log and process id. The database changes are applied once (`resources setup`, as the
# Kubernetes Job does) before the instances start, as a rollout would. Node-loss timings come from the
# environment like every setting (Ovop__Cluster__StaleNodeSeconds=...; see the README).
# Without OVOP_AUTH_AUTHORITY the instances share one development issuer, and `start` prints an
# administrator's token (more: dotnet $OVOP_CLUSTER_DIR/app/OvopQuality.Api.dll token --role ...).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
# shellcheck source=deploy/dotnet-env.sh
source "$here/dotnet-env.sh"

dir=${OVOP_CLUSTER_DIR:-$root/.data/cluster}
lb_port=${OVOP_PORT:-5180}
export OVOP_PG_PORT=${OVOP_PG_PORT:-5435}
export OVOP_PG_DATA=${OVOP_PG_DATA:-$dir/postgres}
app=${OVOP_CLUSTER_APP:-$root/.data/publish}
say() { echo "cluster.sh: $*" >&2; }
die() { say "$*"; exit 1; }

port_taken() { { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null && { exec 3<&- 3>&-; return 0; }; return 1; }

ready() {
  local status
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET /health/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  read -r _ status _ <&3 || true
  exec 3<&- 3>&-
  [ "$status" = 200 ]
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

nodes_started() { ls "$dir"/node-*.port 2>/dev/null | sed 's/.*node-\([0-9]*\)\.port/\1/' | sort -n; }

need_haproxy() {
  command -v haproxy >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's haproxy package (its own service is kept from starting)"
    local policy=/usr/sbin/policy-rc.d made_policy=false
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && made_policy=true
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq haproxy >/dev/null || { $made_policy && rm -f "$policy"; die "apt-get install haproxy failed"; }
    $made_policy && rm -f "$policy"
  else
    die "HAProxy is missing: install it (Debian: apt-get install haproxy)"
  fi
}

# The production build, made again when the sources differ from the last one's.
build() {
  local stamp
  stamp=$(cd "$root" && { git rev-parse HEAD 2>/dev/null; git status --porcelain -- src 2>/dev/null; git diff HEAD -- src 2>/dev/null; } | sha256sum | cut -c1-16)
  if [ -f "$app/OvopQuality.Api.dll" ] && [ "$(cat "$app/.stamp" 2>/dev/null)" = "$stamp" ]; then
    say "the production build in $app is up to date"
    return
  fi
  rm -rf "$app"
  "$here/publish.sh" "$app"
  echo "$stamp" > "$app/.stamp"
}

haproxy_config() {
  local n
  cat <<CFG
# Made by deploy/cluster.sh: the load balancer in front of the local instances.
global
    maxconn 4096
defaults
    mode http
    timeout connect 1s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    option forwardfor
    # A request that could not reach an instance (refused) is sent to another: the client sees no
    # error when a node dies between two health checks. A read that reached it and got no answer
    # is tried again elsewhere too; a command is not (it may have been done before the node died),
    # and the client gets 502 and asks again with the version it holds.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout
frontend ovop
    bind 127.0.0.1:$lb_port
    http-request disable-l7-retry if !METH_GET
    default_backend instances
backend instances
    balance roundrobin
    option httpchk GET /health/ready
    http-check expect status 200
    default-server inter 500ms fastinter 250ms downinter 1s fall 2 rise 2
CFG
  for n in $(seq 1 "$1"); do
    echo "    server node$n 127.0.0.1:$(( lb_port + n )) check"
  done
  cat <<CFG
listen stats
    bind 127.0.0.1:$(( lb_port + 99 ))
    stats enable
    stats uri /
CFG
}

instance_env() {
  export ConnectionStrings__Ovop
  export Ovop__Database__ApplyChangesAtStart=false
  export Ovop__PublicBaseUrl=${Ovop__PublicBaseUrl:-http://127.0.0.1:$lb_port}
  export Ovop__ForwardedHeaders__KnownProxies__0=127.0.0.1
  export Ovop__Signing__KeyFolder=$dir/keys/signing
  export Logging__LogLevel__Default=${Logging__LogLevel__Default:-Warning}
  if [ -n "${OVOP_AUTH_AUTHORITY:-}" ]; then
    export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Production}
    export Ovop__Auth__Authority=$OVOP_AUTH_AUTHORITY
    export Ovop__Auth__Audience=${OVOP_AUTH_AUDIENCE:-ovopquality}
  else
    export ASPNETCORE_ENVIRONMENT=Development
    export Ovop__Auth__DevelopmentIssuer=true
    export Ovop__Auth__DevelopmentKeyFile=$dir/keys/development-issuer.pem
  fi
}

start_node() {
  local n=$1 port=$(( lb_port + $1 ))
  port_taken "$port" && die "port $port on 127.0.0.1 is taken: choose another OVOP_PORT"
  setsid dotnet "$app/OvopQuality.Api.dll" --urls "http://127.0.0.1:$port" --contentRoot "$app" \
    >> "$dir/node-$n.log" 2>&1 < /dev/null &
  echo $! > "$dir/node-$n.pid"
  echo "$port" > "$dir/node-$n.port"
}

start() {
  local nodes=3
  while [ $# -gt 0 ]; do
    case "$1" in
      --nodes) nodes=${2:?--nodes needs a number}; shift ;;
      --nodes=*) nodes=${1#--nodes=} ;;
      *) die "unknown option $1" ;;
    esac
    shift
  done
  [[ "$nodes" =~ ^[1-9][0-9]?$ ]] || die "--nodes needs a number from 1 to 98, not '$nodes'"
  if alive "$dir/haproxy.pid"; then die "already running (deploy/cluster.sh status; stop first)"; fi
  port_taken "$lb_port" && die "port $lb_port on 127.0.0.1 is taken by another program: choose another OVOP_PORT"
  need_haproxy
  mkdir -p "$dir/keys/signing"
  chmod 700 "$dir/keys"

  if [ -n "${OVOP_DB:-}" ]; then
    ConnectionStrings__Ovop=$OVOP_DB
  else
    ConnectionStrings__Ovop=$(OVOP_PG_MODE=durable "$here/postgres.sh" start)
  fi
  build
  instance_env
  say "applying database changes (resources setup)"
  (cd "$app" && dotnet OvopQuality.Api.dll resources setup > "$dir/migrate.log" 2>&1) || { cat "$dir/migrate.log" >&2; die "resources setup failed"; }

  rm -f "$dir"/node-*.port "$dir"/node-*.pid
  for n in $(seq 1 "$nodes"); do start_node "$n"; done
  haproxy_config "$nodes" > "$dir/haproxy.cfg"
  haproxy -c -q -f "$dir/haproxy.cfg" || die "haproxy rejected $dir/haproxy.cfg"
  setsid haproxy -db -f "$dir/haproxy.cfg" >> "$dir/haproxy.log" 2>&1 < /dev/null &
  echo $! > "$dir/haproxy.pid"

  local waited=0 n up
  while :; do
    up=0
    for n in $(seq 1 "$nodes"); do
      alive "$dir/node-$n.pid" || { tail -20 "$dir/node-$n.log" >&2; stop >/dev/null 2>&1; die "instance $n stopped during start-up (its log: $dir/node-$n.log)"; }
      ready $(( lb_port + n )) && up=$(( up + 1 ))
    done
    [ "$up" = "$nodes" ] && break
    waited=$(( waited + 1 ))
    [ "$waited" -gt 120 ] && { stop >/dev/null 2>&1; die "the instances were not ready within 60 s"; }
    sleep 0.5
  done
  until ready "$lb_port"; do sleep 0.2; done
  say "$nodes instances ready behind HAProxy"
  if [ -z "${OVOP_AUTH_AUTHORITY:-}" ]; then
    dotnet "$app/OvopQuality.Api.dll" token --role administrator --sub cluster-admin --name "Cluster administrator" > "$dir/admin.token"
    chmod 600 "$dir/admin.token"
  fi
  status
}

status() {
  local n pid port state any=false
  if ! alive "$dir/haproxy.pid"; then
    echo "cluster: not running"
  else
    echo "cluster: load balancer http://127.0.0.1:$lb_port (HAProxy, process $(cat "$dir/haproxy.pid"); statistics http://127.0.0.1:$(( lb_port + 99 ))/)"
  fi
  for n in $(nodes_started); do
    any=true
    port=$(cat "$dir/node-$n.port")
    pid=$(cat "$dir/node-$n.pid" 2>/dev/null || echo "?")
    if alive "$dir/node-$n.pid"; then
      ready "$port" && state=ready || state="not ready"
    else
      state=stopped
    fi
    echo "  instance $n  http://127.0.0.1:$port  process $pid  $state  (log $dir/node-$n.log)"
  done
  $any || return 0
  if [ -f "$dir/admin.token" ] && alive "$dir/haproxy.pid" && command -v curl >/dev/null 2>&1; then
    local cluster
    cluster=$(curl -s -m 2 -H "Authorization: Bearer $(cat "$dir/admin.token")" "http://127.0.0.1:$lb_port/api/cluster" || true)
    [ -n "$cluster" ] && echo "  nodes as Wolverine sees them: $cluster"
    echo "  an administrator's token: $dir/admin.token"
  fi
  echo "  database: $(OVOP_PG_DATA=$OVOP_PG_DATA "$here/postgres.sh" status 2>/dev/null | sed 's/Password=[^;]*/Password=…/' || echo 'not running')"
}

stop() {
  local pidfile pid
  for pidfile in "$dir"/haproxy.pid "$dir"/node-*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
  rm -f "$dir"/node-*.port
  [ -z "${OVOP_DB:-}" ] && "$here/postgres.sh" stop >/dev/null 2>&1 || true
  say "stopped"
}

kill_node() {
  local n=${1:?kill needs a node number}
  alive "$dir/node-$n.pid" || die "instance $n is not running"
  kill -9 "$(cat "$dir/node-$n.pid")"
  say "killed instance $n (process $(cat "$dir/node-$n.pid")) with SIGKILL"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  status) status ;;
  stop) stop ;;
  kill) kill_node "${2:-}" ;;
  *) sed -n '2,17p' "$0"; exit 2 ;;
esac
