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
#
# Then the latency pass (SKIP_LATENCY=1 skips it; ~5 min): pco's runners on 50 issues at 1/100,
# where a real millisecond of request handling weighs 0.1 s of API time instead of 1 s, so the
# detection and write-back latencies are pco's and not the host's (README.md, "The time scale is
# a resolution limit"). Knobs: LATENCY_SCALE (0.01) LATENCY_RUNNERS (pco,pco-board,pco-cli)
# LATENCY_SHAPES (layered,random) LATENCY_SEEDS (1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# The runners import the built packages (node_modules/@pco/* → packages/*/dist).
for pkg in contract graph pool codegen-client github-source core testkit scale-out cli; do
  if [ ! -f "$root/packages/$pkg/dist/index.js" ]; then (cd "$root" && npm run build >&2); break; fi
done

mkdir -p "$here/results"
out=${OUT:-$here/results/$(date -u +%Y%m%dT%H%M%SZ).jsonl}
OUT=$out node "$here/bench.mjs"
echo
node "$here/summarize.mjs" "$out"

if [ -z "${SKIP_LATENCY:-}" ]; then
  latency=${out%.jsonl}-latency.jsonl
  OUT=$latency TIME_SCALE=${LATENCY_SCALE:-0.01} SIZES=50 SHAPES=${LATENCY_SHAPES:-layered,random} \
    SEEDS=${LATENCY_SEEDS:-1} RUNNERS=${LATENCY_RUNNERS:-pco,pco-board,pco-cli} node "$here/bench.mjs"
  echo
  echo "Latency pass (time scale ${LATENCY_SCALE:-0.01}): read detection and write-back here."
  echo
  node "$here/summarize.mjs" "$latency"
fi
