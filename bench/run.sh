#!/usr/bin/env bash
# Runs pco's bench runners beside the peers, in one run of the shared harness
# (../../shared/bench, see its README for the protocol and the knobs: N UNIT REPS SEED HUGE_REPS
# HUGE_CAP SHAPES SKIP_HUGE). The harness is copied to bench/.work/harness, because it writes
# its dags/ and results/ next to itself and shared/ is read-only.
#
#   bash bench/run.sh                 # everything, ~5 minutes; tables on stdout
#   ONLY="pco-graph plimit_event" bash bench/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
src=${PCO_BENCH_SOURCE:-$(cd "$root/../shared/bench" && pwd)}
work=$here/.work
harness=$work/harness

# Our runners import the built packages.
[ -f "$root/packages/graph/dist/index.js" ] || npm run build -w @pco/graph >&2
if [ -f "$here/pco-core.mjs" ] && [ ! -f "$root/packages/core/dist/index.js" ]; then npm run build >&2; fi

mkdir -p "$harness"
# Copy the harness (without its generated files) and install its pinned peers.
(cd "$src" && tar --exclude=node_modules --exclude=results --exclude='results-*' --exclude=dags -cf - .) | (cd "$harness" && tar -xf -)
[ -d "$harness/node_modules/p-graph" ] || (cd "$harness" && npm ci --no-audit --no-fund >&2)

runners=$work/runners.list
{
  grep -v '^#' "$harness/runners.list" | grep -v '^[[:space:]]*$'
  # Reference, not a pco package: the ideal policy with next to no code (see floor-cp.mjs).
  echo "floor-cp         node $here/floor-cp.mjs"
  echo "pco-graph        node $here/pco-graph.mjs"
  echo "pco-graph-noest  node $here/pco-graph.mjs --no-estimates"
  [ -f "$here/pco-core.mjs" ] && echo "pco-core         node $here/pco-core.mjs"
  [ -f "$here/pco-core.mjs" ] && echo "pco-core-noest   node $here/pco-core.mjs --no-estimates"
} > "$runners.all"
if [ -n "${ONLY:-}" ]; then
  : > "$runners"
  for name in $ONLY; do grep -E "^$name[[:space:]]" "$runners.all" >> "$runners" || true; done
else
  cp "$runners.all" "$runners"
fi

echo "Runners:" >&2; sed 's/^/  /' "$runners" >&2
export PCO_BENCH_HARNESS=$harness
RUNNERS_FILE=$runners OUT=${OUT:-$work/results} bash "$harness/run.sh"
