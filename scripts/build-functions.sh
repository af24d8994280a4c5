#!/usr/bin/env bash
# Tries to restore and build the Azure Functions app. Its worker packages (and the WebJobs
# extensions the worker SDK restores while building) are not available from every package
# source, and not from this repository's build machines: when a package cannot be found this
# prints one line saying so and succeeds, because the same handlers are built and tested
# through the local host and the parity test checks the function app's source. A compile
# error in our code still fails.
set -uo pipefail
cd "$(dirname "$0")/.."
project=functions/Loyalty.Functions/Loyalty.Functions.csproj
log=$(mktemp)
trap 'rm -f "$log"' EXIT
skip() {
  missing=$(grep -oE "Unable to find package [A-Za-z0-9.]+" "$log" | head -1 | sed 's/Unable to find package //')
  echo "Loyalty.Functions: skipped, its packages cannot be restored from this machine's package source (${missing:-Microsoft.Azure.Functions.Worker}); the local host runs the same handlers."
  exit 0
}
dotnet restore "$project" >"$log" 2>&1 || skip
if dotnet build "$project" --no-restore -nologo -v q "$@" >"$log" 2>&1; then
  echo "Loyalty.Functions: built."
elif grep -qE "error NU110[123]" "$log" && ! grep -qE "error CS[0-9]+" "$log"; then
  if ! grep -E "error NU110[123]" "$log" | grep -qv "WorkerExtensions.csproj"; then
    # Our code compiled; only the host's extension bundle, which the worker SDK restores
    # after compiling, needs WebJobs packages that are not here.
    echo "Loyalty.Functions: compiled; the Functions host extension bundle (WorkerExtensions) could not be restored from this machine's package source."
    exit 0
  fi
  skip
else
  cat "$log"
  exit 1
fi
