#!/usr/bin/env bash
# A streaming standby of the local cluster that deploy/postgres.sh runs: start | stop | status
#
#   OVOP_PG_DATA        the primary's data folder (as postgres.sh: default <repo>/.data/postgres)
#   OVOP_PG_PORT        the primary's port        (as postgres.sh: default 5433)
#   OVOP_STANDBY_PORT   the standby's port on 127.0.0.1 (default: the primary's + 1)
#
# The standby lives in "$OVOP_PG_DATA-standby", copied with pg_basebackup -R -X stream over the
# primary's unix socket (where postgres.sh's initdb trusts local connections of the 'postgres'
# superuser), and belongs to the same OS user as the primary. On start and status it prints the
# value for ConnectionStrings__OvopReplica: the standby first, then the primary, with
# Target Session Attributes=prefer-standby (Npgsql reads on the primary while the standby is away).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

say() { echo "standby.sh: $*" >&2; }
die() { say "$*"; exit 1; }

port=${OVOP_PG_PORT:-5433}
standby_port=${OVOP_STANDBY_PORT:-$((port + 1))}

# The primary's data folder as postgres.sh resolves it (run as root from a clone the postgres user
# cannot reach, .data/postgres is a link to the cluster's real place).
primary=${OVOP_PG_DATA:-$root/.data/postgres}
[ -L "$primary" ] && primary=$(readlink -f "$primary")
standby=$primary-standby
log=$standby/server.log

bindir=""
if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir 2>/dev/null)/pg_basebackup" ]; then
  bindir=$(pg_config --bindir)
else
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/pg_basebackup" ] && { bindir=$dir; break; }
  done
fi
[ -n "$bindir" ] || die "PostgreSQL server binaries (pg_basebackup, pg_ctl) not found: deploy/postgres.sh start installs them"

if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user (Debian's postgresql package creates it)"
  as_owner() { (cd / && runuser -u postgres -- "$@"); }
else
  as_owner() { "$@"; }
fi
pg() { as_owner "$bindir/$1" "${@:2}"; }

primary_running() { [ -f "$primary/PG_VERSION" ] && pg pg_ctl -D "$primary" status >/dev/null 2>&1; }
is_running() { [ -f "$standby/PG_VERSION" ] && pg pg_ctl -D "$standby" status >/dev/null 2>&1; }

port_taken() {
  if command -v ss >/dev/null 2>&1; then
    ss -Hltn "sport = :$standby_port" 2>/dev/null | grep -q .
  else
    (exec 3<>/dev/tcp/127.0.0.1/"$standby_port") 2>/dev/null
  fi
}

connection_string() {
  # A standby started on another port says which in its lock file.
  [ -f "$standby/postmaster.pid" ] && standby_port=$(sed -n 4p "$standby/postmaster.pid")
  echo "Host=127.0.0.1:$standby_port,127.0.0.1:$port;Database=ovop;Username=ovop;Password=$(cat "$primary/ovop.password");Target Session Attributes=prefer-standby"
}

start() {
  primary_running || die "the primary is not running (data folder $primary): start it with deploy/postgres.sh start"
  if is_running; then
    say "already running on 127.0.0.1:$standby_port, data in $standby"
    connection_string
    return 0
  fi
  if [ ! -f "$standby/PG_VERSION" ]; then
    say "copying the primary (127.0.0.1:$port) into $standby"
    rm -rf "$standby"
    mkdir -p "$standby"
    chown "$(stat -c %U "$primary")" "$standby"
    chmod 700 "$standby"
    local copied
    # (Its warnings about the primary's socket, which lies in the data folder, say nothing.)
    copied=$(pg pg_basebackup -h "$primary" -p "$port" -U postgres -D "$standby" -R -X stream -c fast 2>&1) \
      || { echo "$copied" >&2; die "pg_basebackup from the primary failed"; }
    # The copy brought the primary's log along.
    as_owner truncate -s 0 "$log"
    {
      echo "port = $standby_port"
      echo "listen_addresses = '127.0.0.1'"
      echo "unix_socket_directories = '$standby'"
      echo "hot_standby = on"
      echo "hot_standby_feedback = on"
    } | as_owner tee -a "$standby/postgresql.conf" >/dev/null
  fi
  if [ -f "$standby/postmaster.pid" ]; then
    local old
    old=$(head -1 "$standby/postmaster.pid")
    if ! kill -0 "$old" 2>/dev/null; then
      say "removing the stale lock left by process $old"
      rm -f "$standby/postmaster.pid" "$standby"/.s.PGSQL.*
    fi
  fi
  port_taken && die "port $standby_port on 127.0.0.1 is taken by another program: choose another with OVOP_STANDBY_PORT"
  pg pg_ctl -D "$standby" -l "$log" -o "-p $standby_port -k $standby" -w -t 60 start >/dev/null \
    || { tail -20 "$log" >&2 || true; die "the standby did not start; its log is $log"; }
  say "streaming from 127.0.0.1:$port, running on 127.0.0.1:$standby_port, data in $standby"
  connection_string
}

stop() {
  if is_running; then
    pg pg_ctl -D "$standby" -m fast -w -t 30 stop >/dev/null
    say "stopped"
  else
    say "not running"
  fi
}

status() {
  if is_running; then
    say "running on 127.0.0.1:$standby_port, data in $standby"
    connection_string
  else
    say "not running (data folder $standby)"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
