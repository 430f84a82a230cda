#!/usr/bin/env bash
# A local PostgreSQL cluster for OvopQuality: start | stop | status
#
#   OVOP_PG_DATA  data folder            (default: <repo>/.data/postgres; run as root from a clone the
#                                         'postgres' user cannot reach, /var/lib/ovopquality/<hash>/postgres)
#   OVOP_PG_PORT  port on 127.0.0.1      (default: 5433)
#   OVOP_PG_MODE  durable | throwaway    (default: durable; throwaway turns fsync off, for tests only)
#
# Run as root (as on the project's machines), the cluster belongs to the 'postgres' OS user, since
# PostgreSQL refuses to run as root; otherwise it belongs to the calling user. On start it prints
# the connection string of the 'ovop' database (user 'ovop', password kept in the data folder).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
default_data=$root/.data/postgres
data=${OVOP_PG_DATA:-$default_data}
port=${OVOP_PG_PORT:-5433}
mode=${OVOP_PG_MODE:-durable}

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

find_bindir() {
  local dir
  if command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir 2>/dev/null || true)
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

bindir=$(find_bindir || true)
if [ -z "$bindir" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "PostgreSQL server binaries not found: installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null || die "apt-get install postgresql failed"
    # Debian starts a cluster of its own on 5432; this project runs its own clusters instead.
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      for c in $(pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}'); do pg_ctlcluster ${c%/*} ${c#*/} stop 2>/dev/null || true; done
    fi
    bindir=$(find_bindir) || die "postgresql installed, but initdb is still missing"
  else
    die "PostgreSQL server binaries (initdb, pg_ctl) not found: install them (Debian: apt-get install postgresql)"
  fi
fi

if [ "$(id -u)" = 0 ]; then
  owner=postgres
  id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user (Debian's postgresql package creates it)"
  # From /, since the calling folder may be closed to that user.
  as_owner() { (cd / && runuser -u postgres -- "$@"); }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi

# Run as root, the cluster's files belong to 'postgres', which must be able to reach the data folder.
# A clone in a home folder closed to others (/root is 700) is out of its reach: the clone's cluster
# then lives under /var/lib/ovopquality/<hash of the clone's path>/postgres, linked from .data/postgres,
# rather than opening the home folder to everyone. An OVOP_PG_DATA it cannot reach is refused.
reachable_by_owner() {
  local dir=$1
  while [ ! -e "$dir" ] && [ ! -L "$dir" ]; do dir=$(dirname "$dir"); done
  as_owner test -x "$dir" 2>/dev/null
}
if [ "$(id -u)" = 0 ] && ! reachable_by_owner "$data"; then
  [ -z "${OVOP_PG_DATA:-}" ] \
    || die "OVOP_PG_DATA=$data is out of reach of the postgres OS user (a folder above it is closed to other users): choose a folder it can reach, e.g. under /var/lib or /tmp"
  place=/var/lib/ovopquality/$(printf '%s' "$root" | sha256sum | cut -c1-12)
  data=$place/postgres
  if [ ! -d "$data" ]; then
    mkdir -p "$place"
    chmod 755 /var/lib/ovopquality "$place"
    printf '%s\n' "$root" > "$place/repository"
    say "the postgres OS user cannot reach $default_data (a folder above it is closed to other users, and is left so):"
    say "  this clone's cluster is kept in $data instead (remove that folder once the clone is gone)"
  fi
  # A link from the usual place, so that the data is found where the README says; an empty folder
  # left there by an earlier attempt gives way to it.
  if [ -d "$default_data" ] && [ ! -L "$default_data" ]; then rmdir "$default_data" 2>/dev/null || true; fi
  if [ ! -e "$default_data" ] && [ ! -L "$default_data" ]; then
    mkdir -p "$(dirname "$default_data")"
    ln -s "$data" "$default_data"
  fi
fi

pg() { as_owner "$bindir/$1" "${@:2}"; }
log="$data/server.log"
password_file="$data/ovop.password"

connection_string() {
  echo "Host=127.0.0.1;Port=$port;Database=ovop;Username=ovop;Password=$(cat "$password_file")"
}

is_running() { [ -f "$data/PG_VERSION" ] && pg pg_ctl -D "$data" status >/dev/null 2>&1; }

port_taken() {
  if command -v ss >/dev/null 2>&1; then
    ss -Hltn "sport = :$port" 2>/dev/null | grep -q .
  else
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null
  fi
}

init_cluster() {
  say "creating a $mode cluster in $data (owner $owner, port $port)"
  mkdir -p "$data"
  chown "$owner" "$data" 2>/dev/null || true
  chmod 700 "$data"
  # The folder above must be traversable by the owner.
  local parent
  parent=$(dirname "$data")
  [ "$(id -u)" = 0 ] && chmod o+x "$parent" 2>/dev/null || true
  local pw
  pw=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  pg initdb -D "$data" -U postgres -A trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 \
    || pg initdb -D "$data" -U postgres -A trust --auth-host=scram-sha-256 -E UTF8 >/dev/null \
    || die "initdb failed in $data"
  printf '%s' "$pw" > "$password_file"
  chown "$owner" "$password_file" 2>/dev/null || true
  chmod 600 "$password_file"
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$data'"
    echo "shared_buffers = 256MB"
    if [ "$mode" = throwaway ]; then
      # The test suite runs many hosts at once (each with its pools, its change listener and
      # Wolverine's agents), some on databases of their own.
      echo "max_connections = 500"
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    else
      echo "max_connections = 200"
    fi
  } | as_owner tee -a "$data/postgresql.conf" >/dev/null
}

start() {
  if is_running; then
    say "already running, data in $data"
    connection_string
    return 0
  fi
  [ -f "$data/PG_VERSION" ] || init_cluster
  # A crash or kill -9 leaves postmaster.pid behind; pg_ctl refuses to start while it names a live
  # process, so remove it only when that process is gone.
  if [ -f "$data/postmaster.pid" ]; then
    local old
    old=$(head -1 "$data/postmaster.pid")
    if ! kill -0 "$old" 2>/dev/null; then
      say "removing the stale lock left by process $old"
      rm -f "$data/postmaster.pid" "$data"/.s.PGSQL.*
    fi
  fi
  if port_taken; then
    die "port $port on 127.0.0.1 is taken by another program: choose another with OVOP_PG_PORT"
  fi
  pg pg_ctl -D "$data" -l "$log" -o "-p $port -k $data" -w -t 30 start >/dev/null \
    || { tail -20 "$log" >&2 || true; die "the server did not start; its log is $log"; }
  local pw
  pw=$(cat "$password_file")
  pg psql -X -q -h "$data" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<SQL
do \$\$ begin
  if not exists (select from pg_roles where rolname = 'ovop') then
    create role ovop login createdb password '$pw';
  end if;
end \$\$;
select 'create database ovop owner ovop' where not exists (select from pg_database where datname = 'ovop') \gexec
SQL
  say "running on 127.0.0.1:$port, data in $data"
  connection_string
}

stop() {
  if is_running; then
    pg pg_ctl -D "$data" -m fast -w -t 30 stop >/dev/null
    say "stopped"
  else
    say "not running"
  fi
}

status() {
  if is_running; then
    say "running, data in $data"
    connection_string
  else
    say "not running (data folder $data)"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
