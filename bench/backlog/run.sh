#!/usr/bin/env bash
# The backlog benchmark (issue 15): generated backlogs in the fake GitHub, agent runs of minutes
# in the fake Codegen with the documented limits enforced, pco and the two peer designs talking
# HTTP to them on a sped-up clock. One JSON line per run in bench/backlog/results/, then the
# markdown table of medians over seeds. See bench/backlog/README.md for how to read it.
#
#   bash bench/backlog/run.sh                          # 50 and 200 issues, 2 shapes, 3 seeds: ~8 min
#   SIZES=1000 SEEDS=1 bash bench/backlog/run.sh   # 1,000 issues (~100 s a run)
#   RUNNERS=pco,pco-board SIZES=50 bash bench/backlog/run.sh
# Knobs: SIZES SHAPES SEEDS RUNNERS TIME_SCALE CODEGEN_ERRORS GITHUB_ERRORS RUN_TIMEOUT_S OUT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# The runners import the built packages (node_modules/@pco/* → packages/*/dist).
for pkg in contract graph pool codegen-client github-source core testkit; do
  if [ ! -f "$root/packages/$pkg/dist/index.js" ]; then (cd "$root" && npm run build >&2); break; fi
done

mkdir -p "$here/results"
out=${OUT:-$here/results/$(date -u +%Y%m%dT%H%M%SZ).jsonl}
OUT=$out node "$here/bench.mjs"
echo
node "$here/summarize.mjs" "$out"
