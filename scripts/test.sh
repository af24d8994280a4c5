#!/usr/bin/env bash
# Runs every test: builds the solution (the function app with it), checks formatting, and runs
# all test projects (Azurite and the local host are started by the tests themselves).
# Ends with the line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
{ [ -x node_modules/.bin/azurite ] && [ -f node_modules/chart.js/dist/chart.umd.min.js ] && [ -d node_modules/smtp-server ]; } || npm ci --no-audit --no-fund || exit 1
# The function app first, timed on its own (the deployable artifact); then the rest of the solution.
start=$(date +%s)
dotnet build functions/Loyalty.Functions -nologo -v q -clp:ErrorsOnly || exit 1
echo "Loyalty.Functions: built in $(( $(date +%s) - start )) s"
dotnet build Loyalty.sln -nologo -v q -clp:ErrorsOnly || exit 1
bash scripts/check-publish.sh || exit 1
bash scripts/check-infra.sh || exit 1
dotnet format Loyalty.sln --verify-no-changes --no-restore || { echo "dotnet format found changes: run 'dotnet format Loyalty.sln'"; exit 1; }

mkdir -p artifacts
out=artifacts/test-output.txt
dotnet test --solution Loyalty.sln --no-build --max-parallel-test-modules 2 "$@" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}

# The closing summary of Microsoft.Testing.Platform's dotnet test, as one line.
summary=$(sed -n '/^Test run summary:/,$p' "$out")
num() { echo "$summary" | grep -E "^\s+$1: [0-9]+" | tail -1 | grep -oE '[0-9]+' ; }
total=$(num total); failed=$(num failed); passed=$(num succeeded); skipped=$(num skipped)
if [ -z "$total" ]; then
  echo "no test summary was found in the output"
  echo "0 passed, 1 failed"
  exit 1
fi
[ "$total" -gt 0 ] || { echo "no test ran"; status=1; }
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"
