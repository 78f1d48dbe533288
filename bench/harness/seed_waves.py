#!/usr/bin/env python3
# Adapted from the project's shared bench harness (shared/bench/seed_waves.py, 2026-11-25): unchanged.
"""Runner: the reference design from the Python spec -- wave barriers with graphlib.

    python3 seed_waves.py --dag FILE [--n N]

graphlib.TopologicalSorter; loop: ready = sorter.get_ready(); run every ready task with
asyncio.gather under an asyncio.Semaphore(N); sorter.done(*ready); repeat while
sorter.is_active(). A task sleeps for its duration (asyncio.sleep; 0 ms = yield once).
Pure standard library. Prints the same JSON line as the Node runners.
"""
import argparse
import asyncio
import graphlib
import json
import os
import resource
import time


def lower_bound(tasks, n):
    """LB = max(critical path, total work / n), in ms (harness bookkeeping, not timed)."""
    idx = {t["id"]: i for i, t in enumerate(tasks)}
    ms = [t["ms"] for t in tasks]
    succ = [[] for _ in tasks]
    indeg = [len(t["deps"]) for t in tasks]
    for i, t in enumerate(tasks):
        for d in t["deps"]:
            succ[idx[d]].append(i)
    order = [i for i in range(len(tasks)) if indeg[i] == 0]  # Kahn: topological order
    for i in order:
        for s in succ[i]:
            indeg[s] -= 1
            if indeg[s] == 0:
                order.append(s)
    bottom = [0.0] * len(tasks)
    for i in reversed(order):
        bottom[i] = ms[i] + max((bottom[s] for s in succ[i]), default=0)
    return max(max(bottom, default=0), sum(ms) / n)


async def run_dag(tasks, n):
    ms = {t["id"]: t["ms"] for t in tasks}
    deps = {t["id"]: t["deps"] for t in tasks}
    finished = set()
    runs = {}
    violations = active = max_active = 0

    sem = asyncio.Semaphore(n)

    async def run_task(tid):
        nonlocal violations, active, max_active
        async with sem:
            violations += sum(1 for d in deps[tid] if d not in finished)
            runs[tid] = runs.get(tid, 0) + 1
            active += 1
            max_active = max(max_active, active)
            await asyncio.sleep(ms[tid] / 1000)
            active -= 1
            finished.add(tid)

    t0 = time.perf_counter()
    sorter = graphlib.TopologicalSorter(deps)
    sorter.prepare()
    while sorter.is_active():
        ready = sorter.get_ready()
        await asyncio.gather(*(run_task(t) for t in ready))
        sorter.done(*ready)
    makespan_ms = (time.perf_counter() - t0) * 1000
    ran_once = sum(1 for v in runs.values() if v == 1)
    return makespan_ms, ran_once, violations, max_active


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dag", required=True)
    ap.add_argument("--n", type=int, default=10)
    args = ap.parse_args()
    with open(args.dag) as f:
        raw = json.load(f)
    tasks = raw["tasks"]
    shape = raw.get("shape") or os.path.basename(args.dag).removesuffix(".json")

    makespan_ms, ran_once, violations, max_active = asyncio.run(run_dag(tasks, args.n))

    lb = lower_bound(tasks, args.n)
    out = {
        "runner": "seed_waves",
        "shape": shape,
        "n": args.n,
        "makespan_ms": round(makespan_ms, 2),
        "lb_ms": round(lb, 2),
        "ratio": round(makespan_ms / lb, 4) if lb > 0 else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "tasks": len(tasks),
        "ran_once": ran_once,
        "order_violations": violations,
        "max_concurrency": max_active,
    }
    print(json.dumps(out))
    if ran_once != len(tasks) or violations or max_active > args.n:
        raise SystemExit(3)


if __name__ == "__main__":
    main()
