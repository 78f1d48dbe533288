#!/usr/bin/env bash
# Runs pco's bench runners beside the peers, in one run of the scheduling harness in
# bench/harness/ (adapted from the project's shared bench harness; see bench/README.md for the
# protocol and the knobs: N UNIT REPS SEED HUGE_REPS HUGE_CAP SHAPES SKIP_HUGE OUT), then the
# virtual-clock table (exact.mjs: pco-graph and pco-core against bound.mjs's ideal schedule).
# Everything it writes goes to bench/.work/ (DAGs, raw records); the peers p-graph and p-limit
# are installed in bench/node_modules from bench/package-lock.json (`npm ci`).
#
#   bash bench/run.sh                 # everything, ~5 minutes; tables on stdout
#   ONLY="pco-graph plimit_event" bash bench/run.sh
#   SKIP_EXACT=1 bash bench/run.sh    # without the virtual-clock table
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
harness=$here/harness
work=$here/.work

# Our runners import the built packages (exact.mjs's runners too, and @pco/testkit's clock).
if [ ! -f "$root/packages/graph/dist/index.js" ] || [ ! -f "$root/packages/core/dist/index.js" ] || [ ! -f "$root/packages/testkit/dist/clock.js" ]; then
  (cd "$root" && npm run build >&2)
fi
# The peers, pinned in bench's own package.json / package-lock.json.
[ -d "$here/node_modules/p-graph" ] && [ -d "$here/node_modules/p-limit" ] || (cd "$here" && npm ci --no-audit --no-fund >&2)

mkdir -p "$work"
runners=$work/runners.list
{
  grep -v '^#' "$harness/runners.list" | grep -v '^[[:space:]]*$'
  # Reference, not a pco package: the ideal policy with next to no code (see floor-cp.mjs).
  echo "floor-cp         node $here/floor-cp.mjs"
  echo "pco-graph        node $here/pco-graph.mjs"
  echo "pco-graph-noest  node $here/pco-graph.mjs --no-estimates"
  echo "pco-core         node $here/pco-core.mjs"
  echo "pco-core-noest   node $here/pco-core.mjs --no-estimates"
} > "$runners.all"
if [ -n "${ONLY:-}" ]; then
  : > "$runners"
  for name in $ONLY; do grep -E "^$name[[:space:]]" "$runners.all" >> "$runners" || true; done
else
  cp "$runners.all" "$runners"
fi

echo "Runners:" >&2; sed 's/^/  /' "$runners" >&2
out=${OUT:-$work/results}
mkdir -p "$out" && out=$(cd "$out" && pwd) # the harness runs from its own folder
RUNNERS_FILE=$runners OUT=$out DAGS=$work/dags bash "$harness/run.sh"

[ "${SKIP_EXACT:-0}" = 1 ] && exit 0
echo
echo "## Virtual clock: pco-graph and pco-core against the ideal schedule (exact.mjs)"
echo
node "$here/exact.mjs" --n "${N:-10}" --seed "${SEED:-1}" --unit "${UNIT:-20}" \
  --shapes "${SHAPES:-chain fan layered random seedplan}" --out "$out/exact"
