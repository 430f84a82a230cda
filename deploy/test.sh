#!/usr/bin/env bash
# Builds OvopQuality and runs every test against a throw-away PostgreSQL cluster (and the
# verification page's tests in Debian's Chromium, installed when missing), then prints
# "N passed, N failed, N skipped" on a line of its own. Exits non-zero on any failure or when no
# test ran. Extra arguments go to the test runner (e.g. --filter-method "*Label*").
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

# shellcheck source=deploy/dotnet-env.sh
source "$here/dotnet-env.sh"

free_port() {
  local port
  for port in $(seq 55432 55532); do
    if ! (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# The verification page is tested in a real browser: Debian's Chromium, driven by Playwright.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing Debian's chromium for the browser tests" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null || { echo "test.sh: apt-get install chromium failed" >&2; exit 1; }
  else
    echo "test.sh: the browser tests need Chromium at /usr/bin/chromium (Debian: apt-get install chromium)" >&2
    exit 1
  fi
fi
export OVOP_CHROMIUM=${OVOP_CHROMIUM:-$(command -v chromium)}

# Independent checks, pinned in tools/checks (Node 20.19 or later): Redocly's OpenAPI linter, the
# jose library, which verifies the service's signed documents without any of its .NET code, and
# kubernetes-models, which validates the Kubernetes manifests against the API's schemas.
if [ ! -x tools/checks/node_modules/.bin/redocly ] || [ ! -d tools/checks/node_modules/jose ] || [ ! -d tools/checks/node_modules/kubernetes-models ]; then
  command -v npm >/dev/null 2>&1 || { echo "test.sh: the independent checks (OpenAPI lint, jose, Kubernetes schemas) need Node.js 20.19+ with npm" >&2; exit 1; }
  echo "test.sh: installing the checks in tools/checks" >&2
  npm ci --prefix tools/checks --no-audit --no-fund --loglevel=error >/dev/null || { echo "test.sh: npm ci in tools/checks failed" >&2; exit 1; }
fi
# The Kubernetes manifests (deploy/k8s) are rendered by kubectl's kustomize; nothing here installs it
# (Debian's kubernetes-client is too old for them), so say early why those tests will fail.
if ! command -v kubectl >/dev/null 2>&1; then
  echo "test.sh: kubectl (1.27 or later) is not on PATH: KubernetesManifestTests will fail; install it to render deploy/k8s" >&2
fi
# Kiota, pinned in .config/dotnet-tools.json: a test generates the API's client with it (tools/client).
restore_log=$(dotnet tool restore 2>&1) || { echo "$restore_log" >&2; echo "test.sh: dotnet tool restore failed (Kiota, pinned in .config/dotnet-tools.json)" >&2; exit 1; }
# Screenshots of the verification page land here.
export OVOP_ARTIFACTS=${OVOP_ARTIFACTS:-$root/artifacts}

scratch=$(mktemp -d /tmp/ovop-test.XXXXXX)
chmod 755 "$scratch"
export OVOP_PG_DATA="$scratch/postgres"
export OVOP_PG_PORT=$(free_port) || { echo "no free port between 55432 and 55532" >&2; exit 1; }
export OVOP_PG_MODE=throwaway

cleanup() {
  "$here/postgres.sh" stop >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT

ConnectionStrings__Ovop=$("$here/postgres.sh" start)
export ConnectionStrings__Ovop

dotnet build OvopQuality.sln -c Release -nologo -v quiet -clp:ErrorsOnly

# The tests' own assertions say what failed; framework chatter at Information level would bury them.
export Logging__LogLevel__Default=${Logging__LogLevel__Default:-Warning}

# The bad-input probe runs once with a fixed seed and once with this one, which changes every run;
# OVOP_PROBE_SEED=N repeats a run's requests.
export OVOP_PROBE_SEED=${OVOP_PROBE_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "test.sh: bad-input probe seed $OVOP_PROBE_SEED (repeat with OVOP_PROBE_SEED=$OVOP_PROBE_SEED)"

rm -f "$OVOP_ARTIFACTS/probe.txt"

results="$scratch/test-output.txt"
set +e
dotnet test --solution OvopQuality.sln -c Release --no-build --minimum-expected-tests 1 "$@" 2>&1 | tee "$results"
status=${PIPESTATUS[0]}
set -e

# Microsoft.Testing.Platform closes each test module with "total: N / failed: N / succeeded: N / skipped: N".
sum() { grep -oP "^\s*$1:\s*\K[0-9]+" "$results" | awk '{s+=$1} END {print s+0}'; }
total=$(sum total); failed=$(sum failed); passed=$(sum succeeded); skipped=$(sum skipped)
echo
if [ "$failed" -ne 0 ]; then
  # Logs of the whole run come after the failures: say again, last, which tests failed and why.
  echo "Failed tests:"
  awk '/^failed / {block = 1; lines = 0; print; next}
       block && /^  / && lines < 25 {print; lines++; next}
       {block = 0}' "$results"
  echo
fi
[ -f "$OVOP_ARTIFACTS/probe.txt" ] && cat "$OVOP_ARTIFACTS/probe.txt"
echo "$passed passed, $failed failed, $skipped skipped"

if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$total" -eq 0 ]; then
  [ "$total" -eq 0 ] && echo "no test ran" >&2
  exit 1
fi
