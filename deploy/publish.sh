#!/usr/bin/env bash
# Publishes the service for production into a folder, with Wolverine's code generated beforehand:
#
#   deploy/publish.sh <out-dir>
#
# 1. builds the service (Release) and runs its `codegen write` command, which writes the code of
#    every handler and endpoint into src/OvopQuality.Api/Internal/Generated (ignored by git);
# 2. publishes with OvopStaticCode=true, which compiles that code in and loads it statically, and
#    ReadyToRun (machine code ahead of time, for this machine's kind: OVOP_RID, by default linux-x64
#    or linux-arm64 as `uname -m` says), so a new instance compiles little when it starts (see "Cold
#    start" in the README). The folder runs on any machine of that kind with the .NET 10 runtime.
# The intermediate build goes to a scratch folder, so the everyday build in bin/ is left as it was.
set -euo pipefail
out=${1:?usage: deploy/publish.sh <out-dir>}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=deploy/dotnet-env.sh
source "$here/dotnet-env.sh"
project=$root/src/OvopQuality.Api
mkdir -p "$out"
out=$(cd "$out" && pwd)

scratch=$(mktemp -d /tmp/ovop-publish.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

echo "publish.sh: building to generate Wolverine's code" >&2
dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly --artifacts-path "$scratch/dynamic" >&2
dll=$(find "$scratch/dynamic/bin" -name OvopQuality.Api.dll | head -1)
rm -rf "$project/Internal/Generated"
# codegen builds the host without starting it: no database is reached, any well-formed string will do.
(cd "$project" && ConnectionStrings__Ovop=${ConnectionStrings__Ovop:-"Host=127.0.0.1;Database=codegen"} \
  dotnet "$dll" codegen write >/dev/null)
count=$(find "$project/Internal/Generated" -name '*.cs' | wc -l)
case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
rid=${OVOP_RID:-$rid}
echo "publish.sh: $count generated files; publishing them compiled in, ReadyToRun for $rid" >&2
dotnet publish "$project" -c Release -nologo -v quiet -clp:ErrorsOnly -p:OvopStaticCode=true \
  -p:PublishReadyToRun=true -r "$rid" --self-contained false --artifacts-path "$scratch/static" -o "$out" >&2
echo "publish.sh: published to $out" >&2
