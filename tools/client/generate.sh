#!/usr/bin/env bash
# Generates the C# client of the API (Kiota, pinned in .config/dotnet-tools.json) that the tests
# compile and use: tests/OvopQuality.Tests/Client/Generated, namespace
# OvopQuality.Tests.Client.Generated, client class OvopClient.
#
#   tools/client/generate.sh                  regenerates the committed client from the OpenAPI
#                                             document of the service as it is now: runs
#                                             GeneratedClientTests through deploy/test.sh with
#                                             OVOP_WRITE_CLIENT=1 (they read /openapi/v1.json from
#                                             the in-process app and call this script with it)
#   tools/client/generate.sh DOCUMENT [OUT]   generates from an OpenAPI document (a file) into OUT
#                                             (the committed folder unless named)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ $# -eq 0 ]; then
  OVOP_WRITE_CLIENT=1 exec "$root/deploy/test.sh" --filter-class "*GeneratedClientTests"
fi

document=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=${2:-$root/tests/OvopQuality.Tests/Client/Generated}
[ -f "$document" ] || { echo "generate.sh: no OpenAPI document at $1" >&2; exit 1; }

cd "$root"
# shellcheck source=deploy/dotnet-env.sh
source "$root/deploy/dotnet-env.sh"
export KIOTA_OFFLINE_ENABLED=true KIOTA_TUTORIAL_ENABLED=false KIOTA_CLI_TELEMETRY_OPTOUT=true KIOTA_CONSOLE_COLORS_ENABLED=false

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! dotnet tool run kiota generate \
    --openapi "$document" --output "$out" \
    --language csharp --class-name OvopClient --namespace-name OvopQuality.Tests.Client.Generated \
    --exclude-backward-compatible --clean-output --additional-data false \
    --log-level Warning >"$log" 2>&1; then
  cat "$log" >&2
  echo "generate.sh: kiota generate failed (is the tool restored? dotnet tool restore)" >&2
  exit 1
fi
grep -v '^\s*$' "$log" >&2 || true
# The lock file names the document's (temporary) path and the generator's run: nothing the client needs.
rm -f "$out/kiota-lock.json"
