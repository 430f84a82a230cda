#!/usr/bin/env bash
# Node loss under load, on a local cluster (deploy/cluster.sh) of its own:
#
#   deploy/failover.sh [--nodes 3] [--seconds 90] [--clients 4]
#
# Starts PostgreSQL, the instances and HAProxy (in .data/failover, load balancer on 5280), puts
# commands (producers registered) and label verifications through the load balancer, kills the
# Wolverine leader with SIGKILL, measures the new leader, the dead node's work taken over and a
# suspension reaching every surviving instance, kills a second instance, then checks that every
# acknowledged command is there. Ends with one line (also in artifacts/failover.txt):
#   failover: acknowledged=N lost=N http_gap_ms=N leader_s=N recovered_s=N propagate_ms=N
# Node-loss timings: the Ovop__Cluster__* settings below unless given (see the README).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
# shellcheck source=deploy/dotnet-env.sh
source "$here/dotnet-env.sh"

nodes=3
driver_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes=${2:?}; shift ;;
    --seconds|--clients) driver_args+=("$1" "${2:?}"); shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "failover.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

export OVOP_CLUSTER_DIR=${OVOP_CLUSTER_DIR:-$root/.data/failover}
export OVOP_PORT=${OVOP_FAILOVER_PORT:-5280}
export OVOP_PG_PORT=${OVOP_FAILOVER_PG_PORT:-5436}
export OVOP_PG_DATA=$OVOP_CLUSTER_DIR/postgres
unset OVOP_DB OVOP_AUTH_AUTHORITY
# How soon a dead node is noticed: heartbeats every 2 s, a node silent for 6 s is gone, the leader
# checks assignments every 2 s, due scheduled messages are looked for every second.
export Ovop__Cluster__HealthCheckSeconds=${Ovop__Cluster__HealthCheckSeconds:-2}
export Ovop__Cluster__StaleNodeSeconds=${Ovop__Cluster__StaleNodeSeconds:-6}
export Ovop__Cluster__CheckAssignmentSeconds=${Ovop__Cluster__CheckAssignmentSeconds:-2}
export Ovop__Cluster__ScheduledJobSeconds=${Ovop__Cluster__ScheduledJobSeconds:-1}
# The drill is one client on 127.0.0.1: lift the per-client limits, as the benchmark does.
export Ovop__RateLimits__User__PermitLimit=1000000000 Ovop__RateLimits__Public__PermitLimit=1000000000

cleanup() { "$here/cluster.sh" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
"$here/cluster.sh" stop >/dev/null 2>&1 || true
"$here/cluster.sh" start --nodes "$nodes"

dotnet build tests/OvopQuality.Bench -c Release -nologo -v quiet -clp:ErrorsOnly >&2
app=${OVOP_CLUSTER_APP:-$root/.data/publish}/OvopQuality.Api.dll
export Ovop__Auth__DevelopmentKeyFile=$OVOP_CLUSTER_DIR/keys/development-issuer.pem
OVOP_BENCH_ADMIN_TOKEN=$(dotnet "$app" token --role administrator --sub admin-failover)
OVOP_BENCH_INSPECTOR_TOKEN=$(dotnet "$app" token --role inspector --sub inspector-bench)
OVOP_BENCH_OFFICER_TOKEN=$(dotnet "$app" token --role certification-officer --sub officer-failover)
export OVOP_BENCH_ADMIN_TOKEN OVOP_BENCH_INSPECTOR_TOKEN OVOP_BENCH_OFFICER_TOKEN

mkdir -p artifacts
status=0
dotnet tests/OvopQuality.Bench/bin/Release/net10.0/OvopQuality.Bench.dll failover \
  --url "http://127.0.0.1:$OVOP_PORT" --cluster-dir "$OVOP_CLUSTER_DIR" "${driver_args[@]}" | tee artifacts/failover.log || status=$?
grep '^failover: acknowledged=' artifacts/failover.log > artifacts/failover.txt || true
exit "$status"
