#!/usr/bin/env bash
# Runs the benchmark end to end: a scratch PostgreSQL cluster (durable settings), the service in
# Release on a free port, the shared pgbench baseline in a scratch database of the same cluster,
# then the HTTP measurements. Prints a Markdown table of figures and ratios.
#   tests/OvopQuality.Bench/bench.sh [bench options, e.g. --commands 3000 --labels 100000]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
source deploy/dotnet-env.sh

baseline=${OVOP_BASELINE:-$root/../shared/baseline/run.sh}
# Lookups are driven by wrk, a lean C client as pgbench is: installed from Debian when missing (as root).
if ! command -v wrk >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "bench.sh: installing wrk (Debian) for the lookups" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1; } \
    || echo "bench.sh: could not install wrk; lookups will be driven by the .NET client" >&2
fi
[ -f "$baseline" ] || { echo "bench.sh: the shared baseline is missing at $baseline (set OVOP_BASELINE)" >&2; exit 1; }

free_port() {
  local port
  for port in $(seq "$1" "$(( $1 + 100 ))"); do
    { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || { echo "$port"; return 0; }
  done
  return 1
}

scratch=$(mktemp -d /tmp/ovop-bench.XXXXXX)
chmod 755 "$scratch"
export OVOP_PG_DATA="$scratch/postgres" OVOP_PG_MODE=durable
OVOP_PG_PORT=$(free_port 56432); export OVOP_PG_PORT
api=""
cleanup() {
  [ -n "$api" ] && kill "$api" 2>/dev/null && wait "$api" 2>/dev/null
  deploy/postgres.sh stop >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT

ConnectionStrings__Ovop=$(deploy/postgres.sh start)
export ConnectionStrings__Ovop
password=$(cat "$OVOP_PG_DATA/ovop.password")
psql="$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | tail -1)/psql"
PGPASSWORD=$password "$psql" -X -q -h 127.0.0.1 -p "$OVOP_PG_PORT" -U ovop -d ovop -c "create database baseline"

dotnet build src/OvopQuality.Api -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build tests/OvopQuality.Bench -c Release -nologo -v quiet -clp:ErrorsOnly
# The production build (Wolverine's code pre-generated, ReadyToRun): the service measured, as it is
# deployed, and the cold-start figure. The everyday build is measured for its cold start only.
deploy/publish.sh "$scratch/publish"

port=$(free_port 57080)
bin=$root/src/OvopQuality.Api/bin/Release/net10.0
# The benchmark signs in with the development issuer (a key of its own in the scratch folder) and
# lifts the per-client rate limits, which would otherwise stop one client sending thousands.
export ASPNETCORE_ENVIRONMENT=Development Ovop__Auth__DevelopmentIssuer=true Ovop__Auth__DevelopmentKeyFile=$scratch/issuer.pem
export Ovop__RateLimits__User__PermitLimit=1000000000 Ovop__RateLimits__Public__PermitLimit=1000000000
token() { dotnet "$bin/OvopQuality.Api.dll" token "$@"; }
OVOP_BENCH_ADMIN_TOKEN=$(token --role administrator --sub admin-bench)
OVOP_BENCH_INSPECTOR_TOKEN=$(token --role inspector --sub inspector-bench)
OVOP_BENCH_OFFICER_TOKEN=$(token --role certification-officer --sub officer-bench)
OVOP_BENCH_EXPORTER_TOKEN=$(token --role exporter --sub exporter-bench)
export OVOP_BENCH_ADMIN_TOKEN OVOP_BENCH_INSPECTOR_TOKEN OVOP_BENCH_OFFICER_TOKEN OVOP_BENCH_EXPORTER_TOKEN
# The registry mode times the open data's generation after a change: the service looks every second
# and makes one as soon as something changed (in production: every 15 s, at most once a minute).
# The directory's in-memory index finds a rebuild done behind its back at its next check: every 5 s here.
case " $* " in *" --registry-producers "*) export Ovop__OpenData__CheckSeconds=1 Ovop__OpenData__MinimumSeconds=0 Ovop__Directory__ReloadSeconds=5 ;; esac
# Webhooks go to the bench's own receiver on 127.0.0.1 (allowed in Development only).
export Ovop__Webhooks__AllowInsecureLoopback=true
Logging__LogLevel__Default=Warning dotnet "$scratch/publish/OvopQuality.Api.dll" --urls "http://127.0.0.1:$port" --contentRoot "$scratch/publish" &
api=$!
for _ in $(seq 1 60); do
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null && break
  sleep 1
done

PGHOST=127.0.0.1 PGPORT=$OVOP_PG_PORT PGUSER=ovop PGPASSWORD=$password PGDATABASE=baseline \
  dotnet tests/OvopQuality.Bench/bin/Release/net10.0/OvopQuality.Bench.dll --url "http://127.0.0.1:$port" --baseline "$baseline" \
  --coldstart-static "$scratch/publish/OvopQuality.Api.dll" --coldstart-runtime "$bin/OvopQuality.Api.dll" --service-pid "$api" \
  --rebuild "$scratch/publish/OvopQuality.Api.dll" --psql "$psql" "$@"
