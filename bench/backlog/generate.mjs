/**
 * Backlog generator for the end-to-end benchmark: N issues in one repository of the fake GitHub,
 * a layered or random DAG, dependencies written four ways (prose in the body, a
 * `depends:issue-N` label, a native blocked-by link, a sub-issue whose parent waits for it), a
 * Projects v2 board with an Estimate field (for all, some or none of the items), and a run script
 * per task for the fake Codegen: a lognormal duration (median 12 min, σ 0.8, clamped to
 * 2–120 min) and a few permanent failures (about `failureRate` of the tasks, all in the last
 * quarter of the topological order). Everything is derived from one seed.
 *
 *   node bench/backlog/generate.mjs 200 layered 3      # prints the backlog's figures (LB, CP, …)
 */
import { pathToFileURL } from 'node:url';

export const REPO_OWNER = 'acme';
export const REPO_NAME = 'app';
export const REPO = `${REPO_OWNER}/${REPO_NAME}`;
export const PROJECT_NUMBER = 1;
const MINUTE = 60_000;

/** mulberry32: small, fast, good enough for a benchmark's draws. */
export function rng(seed) {
  let a = (seed >>> 0) ^ 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random) {
  // Box–Muller.
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A run duration in API ms: lognormal, median 12 min, σ 0.8, clamped to 2–120 min. */
export function runDurationMs(random, { medianMin = 12, sigma = 0.8, minMin = 2, maxMin = 120 } = {}) {
  const minutes = Math.exp(Math.log(medianMin) + sigma * normal(random));
  return Math.round(Math.min(maxMin, Math.max(minMin, minutes)) * MINUTE);
}

/**
 * The DAG over task indices 0..n-1 (index order is a topological order; issue numbers are a
 * seeded permutation of it, so issue order says nothing about the graph).
 *  - layered: ~sqrt(n)/1.5 layers; every task past the first layer depends on 1–3 tasks of the
 *    layer before (and now and then one two layers up).
 *  - random: each task depends on 0–3 uniformly drawn earlier tasks (P(0) = 0.25).
 */
function dag(n, shape, random) {
  const deps = Array.from({ length: n }, () => new Set());
  if (shape === 'layered') {
    const layers = Math.max(3, Math.round(Math.sqrt(n) / 1.5));
    const layerOf = Array.from({ length: n }, (_, i) => Math.min(layers - 1, Math.floor((i * layers) / n)));
    const members = Array.from({ length: layers }, () => []);
    layerOf.forEach((l, i) => members[l].push(i));
    for (let i = 0; i < n; i++) {
      const l = layerOf[i];
      if (l === 0) continue;
      const k = 1 + Math.floor(random() * 3);
      for (let j = 0; j < k; j++) {
        const from = l >= 2 && random() < 0.15 ? members[l - 2] : members[l - 1];
        deps[i].add(from[Math.floor(random() * from.length)]);
      }
    }
  } else if (shape === 'random') {
    for (let i = 1; i < n; i++) {
      const r = random();
      const k = r < 0.25 ? 0 : r < 0.6 ? 1 : r < 0.85 ? 2 : 3;
      for (let j = 0; j < k; j++) deps[i].add(Math.floor(random() * i));
    }
  } else {
    throw new Error(`unknown shape ${shape} (layered, random)`);
  }
  return deps.map((s) => [...s]);
}

const PROSE = ['Depends on #%', 'Blocked by #%', 'Requires #%', 'Needs #% first.'];

/**
 * Generates a backlog.
 * @param {{ n: number, shape: 'layered'|'random', seed: number, estimates?: 'all'|'some'|'none', failureRate?: number }} options
 */
export function generateBacklog({ n, shape, seed, estimates = 'some', failureRate = 0.02 }) {
  const random = rng(seed * 7919 + n * 31 + (shape === 'layered' ? 1 : 2));
  const edges = dag(n, shape, random);
  // Issue numbers: a seeded permutation, starting at 1.
  const numbers = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [numbers[i], numbers[j]] = [numbers[j], numbers[i]];
  }
  const tasks = numbers.map((number, i) => ({
    index: i,
    number,
    deps: edges[i].map((d) => numbers[d]),
    durationMs: runDurationMs(random),
    // Permanent failures land in the last quarter of the order, so a failure skips a few
    // dependents instead of most of a layered backlog.
    fails: random() < (i >= 0.75 * n ? failureRate * 4 : 0),
  }));
  const byNumber = new Map(tasks.map((t) => [t.number, t]));

  // How each edge is written: prose 40 %, label 20 %, native blocked-by 25 %, sub-issue 15 %
  // (a task has one parent at most: a second parent falls back to prose).
  const body = new Map(tasks.map((t) => [t.number, [`Task ${t.number}: generated work item.`, '']]));
  const labels = new Map(tasks.map((t) => [t.number, ['bench']]));
  const blockedBy = new Map(tasks.map((t) => [t.number, []]));
  const parent = new Map();
  const kinds = { prose: 0, label: 0, blockedBy: 0, subIssue: 0 };
  for (const t of tasks) {
    for (const d of t.deps) {
      const r = random();
      if (r < 0.15 && !parent.has(d)) {
        parent.set(d, t.number); // d is a sub-issue of t: t waits for it
        kinds.subIssue++;
      } else if (r < 0.4) {
        blockedBy.get(t.number).push(`#${d}`);
        kinds.blockedBy++;
      } else if (r < 0.6) {
        labels.get(t.number).push(`depends:issue-${d}`);
        kinds.label++;
      } else {
        body.get(t.number).push(PROSE[Math.floor(random() * PROSE.length)].replace('%', String(d)));
        kinds.prose++;
      }
    }
  }
  const estimateOf = (t) => (estimates === 'all' || (estimates === 'some' && t.number % 3 === 0) ? Math.round(t.durationMs / 6_000) / 10 : undefined);
  for (const t of tasks) t.estimateMin = estimateOf(t);

  const issues = [...tasks]
    .sort((a, b) => a.number - b.number)
    .map((t) => ({
      number: t.number,
      title: `Task ${t.number}`,
      body: body.get(t.number).join('\n'),
      labels: labels.get(t.number),
      ...(blockedBy.get(t.number).length > 0 ? { blockedBy: blockedBy.get(t.number) } : {}),
      ...(parent.has(t.number) ? { parent: `#${parent.get(t.number)}` } : {}),
      createdAt: new Date(Date.UTC(2025, 0, 1) + t.number * MINUTE).toISOString(),
    }));
  const fixture = {
    viewer: 'pco-bot',
    repos: [{ owner: REPO_OWNER, name: REPO_NAME, labels: ['bench'], issues }],
    projects: [
      {
        owner: REPO_OWNER,
        number: PROJECT_NUMBER,
        title: 'Bench board',
        fields: [{ name: 'Estimate', type: 'NUMBER' }],
        items: issues.map((i) => {
          const est = byNumber.get(i.number).estimateMin;
          return { content: `${REPO}#${i.number}`, ...(est !== undefined ? { fields: { Estimate: est } } : {}) };
        }),
      },
    ],
  };
  return { n, shape, seed, estimates, tasks, byNumber, fixture, kinds, bounds: lowerBound(tasks, 10) };
}

/**
 * The lower bound of the makespan (API ms) for `workers` agents, over the tasks that can run:
 * a task behind a permanent failure is skipped, the failing task itself runs for its duration.
 * LB = max(critical path, total work / workers, the create-rate bound: the k-th create cannot
 * come before floor(k / 10) minutes, so the last of `m` creates is at ≥ (ceil(m/10) − 1) min,
 * plus the shortest run).
 */
export function lowerBound(tasks, workers = 10) {
  const byNumber = new Map(tasks.map((t) => [t.number, t]));
  const blocked = new Map();
  const isBlocked = (t) => {
    if (blocked.has(t.number)) return blocked.get(t.number);
    const b = t.deps.some((d) => byNumber.get(d).fails || isBlocked(byNumber.get(d)));
    blocked.set(t.number, b);
    return b;
  };
  const runnable = [...tasks].sort((a, b) => a.index - b.index).filter((t) => !isBlocked(t));
  const finish = new Map();
  let cp = 0;
  for (const t of runnable) {
    const start = Math.max(0, ...t.deps.map((d) => finish.get(d) ?? 0));
    finish.set(t.number, start + t.durationMs);
    cp = Math.max(cp, start + t.durationMs);
  }
  const work = runnable.reduce((s, t) => s + t.durationMs, 0);
  const m = runnable.length;
  const shortest = Math.min(...runnable.map((t) => t.durationMs));
  const createBound = (Math.ceil(m / 10) - 1) * MINUTE + shortest;
  return {
    runnable: m,
    skippedByFailure: tasks.length - m,
    failing: runnable.filter((t) => t.fails).length,
    criticalPathMs: cp,
    workPerWorkerMs: work / workers,
    createBoundMs: createBound,
    lbMs: Math.max(cp, work / workers, createBound),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [n = '50', shape = 'layered', seed = '1'] = process.argv.slice(2);
  const b = generateBacklog({ n: Number(n), shape, seed: Number(seed) });
  const min = (ms) => `${(ms / MINUTE).toFixed(1)} min`;
  console.log(JSON.stringify({ n: b.n, shape, seed: b.seed, kinds: b.kinds, ...b.bounds }));
  console.log(`LB ${min(b.bounds.lbMs)} (CP ${min(b.bounds.criticalPathMs)}, work/10 ${min(b.bounds.workPerWorkerMs)}, creates ${min(b.bounds.createBoundMs)})`);
}
