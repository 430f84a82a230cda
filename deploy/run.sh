#!/usr/bin/env bash
# Runs the OvopQuality service on http://127.0.0.1:5080 (or --port N).
#
#   ./deploy/run.sh [--demo] [--port N]
#
# Without OVOP_DB (a Npgsql connection string) it starts a local PostgreSQL whose data is kept in
# .data/postgres between runs (deploy/postgres.sh; stop it with `deploy/postgres.sh stop`).
# --demo loads demo producers and their certification histories through the API's own commands
# before handing over; a second --demo adds nothing twice. Ctrl-C stops the service.
#
# Sign-in: with OVOP_AUTH_AUTHORITY (an OpenID Connect provider, e.g. a Keycloak realm URL) and
# OVOP_AUTH_AUDIENCE the service runs in Production and trusts that provider only (it then also needs
# Ovop__PublicBaseUrl, an https address; it names any setting it refuses). Without them it
# runs in Development with the built-in development issuer (key generated into .keys/) and prints
# tokens for a demo user of each role (also saved to .keys/demo-tokens.txt).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
# shellcheck source=deploy/dotnet-env.sh
source "$here/dotnet-env.sh"

port=${OVOP_PORT:-5080}
demo=false
while [ $# -gt 0 ]; do
  case "$1" in
    --demo) demo=true ;;
    --port) port=${2:?--port needs a number}; shift ;;
    --port=*) port=${1#--port=} ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$port" =~ ^[0-9]+$ ]] || { echo "run.sh: --port needs a number, not '$port'" >&2; exit 2; }

if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
  echo "run.sh: port $port on 127.0.0.1 is taken by another program: choose another with --port" >&2
  exit 1
fi

if [ -n "${OVOP_DB:-}" ]; then
  ConnectionStrings__Ovop=$OVOP_DB
  echo "run.sh: using the database named by OVOP_DB"
else
  ConnectionStrings__Ovop=$(OVOP_PG_MODE=durable "$here/postgres.sh" start)
fi
export ConnectionStrings__Ovop

echo "run.sh: building"
dotnet build src/OvopQuality.Api -c Release -nologo -v quiet -clp:ErrorsOnly
$demo && dotnet build src/OvopQuality.Demo -c Release -nologo -v quiet -clp:ErrorsOnly

bin=$root/src/OvopQuality.Api/bin/Release/net10.0
if [ -n "${OVOP_AUTH_AUTHORITY:-}" ]; then
  export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Production}
  export Ovop__Auth__Authority=$OVOP_AUTH_AUTHORITY
  export Ovop__Auth__Audience=${OVOP_AUTH_AUDIENCE:-ovopquality}
  development_issuer=false
else
  export ASPNETCORE_ENVIRONMENT=Development
  export Ovop__Auth__DevelopmentIssuer=true
  export Ovop__Auth__DevelopmentKeyFile=$root/.keys/development-issuer.pem
  development_issuer=true
fi
token() { dotnet "$bin/OvopQuality.Api.dll" token "$@"; }

url="http://127.0.0.1:$port"
# In Development, label QR codes point at this service unless a public address is configured; in
# Production the service asks for Ovop__PublicBaseUrl, the https address the public reaches.
$development_issuer && export Ovop__PublicBaseUrl=${Ovop__PublicBaseUrl:-$url}
ready() {
  # Plain bash, so a machine without curl can run the service.
  local status
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'GET /health/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  read -r _ status _ <&3 || true
  exec 3<&- 3>&-
  [ "$status" = 200 ]
}
dotnet "$bin/OvopQuality.Api.dll" --urls "$url" --contentRoot "$bin" &
api=$!
trap 'kill "$api" 2>/dev/null || true; wait "$api" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

printf 'run.sh: waiting for the service'
for _ in $(seq 1 120); do
  if ! kill -0 "$api" 2>/dev/null; then
    code=0
    wait "$api" || code=$?
    echo
    if [ "$code" = 78 ]; then
      echo "run.sh: the service refused its configuration (exit code 78): the settings named above need correcting" >&2
    else
      echo "run.sh: the service stopped during start-up (exit code $code); its output is above" >&2
    fi
    exit 1
  fi
  if ready; then
    break
  fi
  printf '.'
  sleep 1
done
echo
ready || { echo "run.sh: the service did not become ready in 120 s" >&2; exit 1; }

if $demo; then
  if ! $development_issuer; then
    echo "run.sh: --demo signs in with the development issuer; it is not available with OVOP_AUTH_AUTHORITY" >&2
  else
    OVOP_DEMO_ADMIN_TOKEN=$(token --role administrator --sub admin-rahmonova --name "Malika Rahmonova") \
    OVOP_DEMO_INSPECTOR_TOKEN=$(token --role inspector --sub inspector-nazarov --name "Firuz Nazarov") \
    OVOP_DEMO_OFFICER_TOKEN=$(token --role certification-officer --sub officer-karimova --name "Dilnoza Karimova") \
      dotnet src/OvopQuality.Demo/bin/Release/net10.0/OvopQuality.Demo.dll --url "$url"
  fi
fi

if $development_issuer; then
  tokens=$root/.keys/demo-tokens.txt
  {
    echo "# Development tokens (12 hours), one demo user per role. Use: curl -H \"Authorization: Bearer <token>\" ..."
    echo "administrator          admin-rahmonova     $(token --role administrator --sub admin-rahmonova --name 'Malika Rahmonova')"
    echo "certification-officer  officer-karimova    $(token --role certification-officer --sub officer-karimova --name 'Dilnoza Karimova')"
    echo "inspector              inspector-nazarov   $(token --role inspector --sub inspector-nazarov --name 'Firuz Nazarov')"
    echo "producer               TJ-P-000001         $(token --role producer --sub producer-isfara --name 'Isfara Apricot Cooperative' --producer TJ-P-000001)"
    echo "exporter               exporter-silkroad   $(token --role exporter --sub exporter-silkroad --name 'Silk Road Export LLC')"
    echo "ministry               ministry-analyst    $(token --role ministry --sub ministry-analyst --name 'Ministry of Economic Development')"
  } > "$tokens"
  chmod 600 "$tokens"
  echo
  cat "$tokens"
  echo "(saved in $tokens; more with: dotnet $bin/OvopQuality.Api.dll token --role <role> --sub <user> [--producer TJ-P-000001])"
fi

cat <<TXT

OvopQuality is running (process $api):
  API             $url/api/standards
  OpenAPI         $url/openapi/v1.json
  API reference   $url/docs/
  Label page      $url/l/<label code>   (public: what a label's QR code opens)
  Health          $url/health/ready
Ctrl-C stops the service; the database keeps running until: deploy/postgres.sh stop

TXT
wait "$api"
