#!/usr/bin/env bash
# The scale-out bench (issue 17): dispatch latency p50/p95 (ready → create request at the fake
# Codegen), embedded vs scale-out on a private loopback redis-server, and Redis commands per task.
#
#   bash bench/scale-out/run.sh              # TASKS=100 REPS=3 RUN_MS=200, ~30 s
# Needs redis-server on the PATH (Debian: apt-get install redis-server).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
for pkg in contract graph pool codegen-client testkit scale-out core; do
  if [ ! -f "$root/packages/$pkg/dist/index.js" ]; then (cd "$root" && npm run build >&2); break; fi
done
node "$here/bench.mjs"
