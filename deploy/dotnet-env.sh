# Sourced by the deploy scripts: a quiet, reproducible .NET CLI, and the SDK on PATH where it was
# installed by dotnet-install into the usual places.
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
for candidate in "$HOME/.dotnet" /usr/share/dotnet /usr/lib/dotnet; do
  if ! command -v dotnet >/dev/null 2>&1 && [ -x "$candidate/dotnet" ]; then
    export PATH="$candidate:$PATH"
  fi
done
command -v dotnet >/dev/null 2>&1 || { echo "the .NET SDK (dotnet) is not installed: see README.md, Requirements" >&2; exit 1; }
