#!/usr/bin/env python3
# Adapted from the project's shared bench harness (shared/bench/baseline.py, 2026-11-25): unchanged.
"""Not a scheduler: what seed_waves.py does except schedule -- start Python, parse the DAG,
compute the LB -- printing the same JSON line (makespan 0).   python3 baseline.py --dag FILE [--n N]"""
import argparse
import json
import resource

from seed_waves import lower_bound

ap = argparse.ArgumentParser()
ap.add_argument("--dag", required=True)
ap.add_argument("--n", type=int, default=10)
args = ap.parse_args()
with open(args.dag) as f:
    raw = json.load(f)
tasks = raw["tasks"]
lb = lower_bound(tasks, args.n)
print(json.dumps({
    "runner": "baseline-python", "shape": raw.get("shape"), "n": args.n, "makespan_ms": 0,
    "lb_ms": lb, "ratio": None,
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    "tasks": len(tasks), "ran_once": len(tasks), "order_violations": 0, "max_concurrency": 0,
}))
