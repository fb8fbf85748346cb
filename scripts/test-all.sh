#!/usr/bin/env bash
# Runs every check and test: typecheck, lint, architecture, build, unit + conformance tests, UAT on dist/swamp.
# Ends with one line "N passed, N failed" (the totals) and exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.." || exit 2
export PATH="$PWD/node_modules/.bin:$PATH"
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
passed=0 failed=0 skipped=0

step() { # name, command...
  local name=$1; shift
  if "$@" >"$reports/$name.log" 2>&1; then
    passed=$((passed + 1)); echo "ok    $name"
  else
    failed=$((failed + 1)); echo "FAIL  $name"; tail -n 40 "$reports/$name.log" | sed 's/^/      /'
  fi
}

suite() { # name, per-test timeout in ms, paths...
  local name=$1 timeout=$2; shift 2
  local xml="$reports/$name.xml" rc
  echo "== bun test $* ($name)"
  bun test --timeout "$timeout" --reporter=junit --reporter-outfile="$xml" "$@" >"$reports/$name.log" 2>&1
  rc=$?
  local total=0 fails=0 skips=0
  if [[ -f $xml ]]; then
    read -r total fails skips < <(sed -n 's/.*<testsuites[^>]* tests="\([0-9]*\)"[^>]* failures="\([0-9]*\)" skipped="\([0-9]*\)".*/\1 \2 \3/p' "$xml" | head -n 1)
  fi
  total=${total:-0} fails=${fails:-0} skips=${skips:-0}
  # A suite that crashed or failed to load counts as a failure even when no test case says so.
  if [[ $rc -ne 0 && $fails -eq 0 ]]; then fails=1; total=$((total + 1)); fi
  passed=$((passed + total - fails - skips)); failed=$((failed + fails)); skipped=$((skipped + skips))
  echo "   $((total - fails - skips)) passed, $fails failed, $skips skipped"
  # Every failure in full (a multi-line message names the seed, the trial and what broke).
  if [[ $rc -ne 0 ]]; then grep -vE "^\(pass\)|^[[:space:]]*$" "$reports/$name.log" | tail -n 200 | sed 's/^/      /'; fi
}

step typecheck tsc --noEmit -p .
step lint biome check .
# Layering, core's purity, no import cycles (.dependency-cruiser.cjs) and no runtime calls in core.
step architecture bun scripts/check-architecture.ts
step build bun build.ts
suite unit 60000 tests
suite uat 120000 uat

echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
