/**
 * A generated backlog in the web API's shapes (src/ui/api-types.ts), for the browser tests of the
 * page without a run: any size (1,000 tasks for the render measurement), deterministic (a seeded
 * generator), every edge origin and every state present.
 */
import { seededRandom } from '@pco/testkit';
import type { ApiTaskRow, EmbeddedData, LogEvent, StatusResponse } from '../ui/api-types.js';

const ORIGINS = ['prose', 'section', 'label', 'blocked-by', 'sub-issue'] as const;

export interface BacklogOptions {
  /** @default 1000 */
  readonly tasks?: number;
  /** @default 7 */
  readonly seed?: number;
  /** Epoch ms of the status's `now`. @default 1_800_000_000_000 */
  readonly now?: number;
}

/** A run partway through: the first tasks done, a few running, some failed and skipped, the rest waiting. */
export function generateBacklog(options: BacklogOptions = {}): EmbeddedData {
  const size = options.tasks ?? 1000;
  const rand = seededRandom(options.seed ?? 7);
  const now = options.now ?? 1_800_000_000_000;
  const id = (i: number) => `acme/app#${i + 1}`;
  const deps: { id: number; origin: (typeof ORIGINS)[number] }[][] = [];
  for (let i = 0; i < size; i += 1) {
    const list: { id: number; origin: (typeof ORIGINS)[number] }[] = [];
    // Up to three dependencies among the 40 tasks before: a deep graph, not a tangle.
    const wanted = i === 0 ? 0 : Math.floor(rand() * 4);
    for (let k = 0; k < wanted; k += 1) {
      const dep = Math.max(0, i - 1 - Math.floor(rand() * Math.min(i, 40)));
      if (!list.some((d) => d.id === dep)) list.push({ id: dep, origin: ORIGINS[(i + k) % ORIGINS.length] ?? 'prose' });
    }
    deps.push(list);
  }
  const estimate = Array.from({ length: size }, () => 1 + Math.floor(rand() * 3));
  // Bottom level: own estimate plus the longest chain of dependents (tasks after it in the order).
  const dependents: number[][] = Array.from({ length: size }, () => []);
  deps.forEach((list, i) => list.forEach((d) => dependents[d.id]?.push(i)));
  const priority = new Array<number>(size).fill(0);
  for (let i = size - 1; i >= 0; i -= 1) {
    priority[i] = (estimate[i] ?? 1) + Math.max(0, ...(dependents[i] ?? []).map((j) => priority[j] ?? 0));
  }
  const criticalIdx: number[] = [];
  let at = priority.indexOf(Math.max(...priority));
  while (at >= 0) {
    criticalIdx.push(at);
    const next = dependents[at] ?? [];
    at = next.length === 0 ? -1 : next.reduce((best, j) => ((priority[j] ?? 0) > (priority[best] ?? 0) ? j : best), next[0] ?? -1);
  }
  const critical = new Set(criticalIdx);

  const states = new Array<string>(size);
  const doneUpTo = Math.floor(size * 0.3);
  for (let i = 0; i < size; i += 1) {
    const blocked = deps[i]?.some((d) => states[d.id] !== 'done');
    const failedDep = deps[i]?.some((d) => states[d.id] === 'failed' || states[d.id] === 'skipped');
    if (failedDep) states[i] = 'skipped';
    else if (i < doneUpTo && !blocked) states[i] = i % 97 === 13 ? 'failed' : 'done';
    else if (!blocked) states[i] = rand() < 0.02 ? 'needs-input' : 'ready';
    else states[i] = 'pending';
  }
  const ready = states.flatMap((state, i) => (state === 'ready' ? [i] : []));
  const running = ready.slice(0, 4);
  running.forEach((i, k) => (states[i] = k === 3 ? 'retrying' : 'running'));

  const tasks: ApiTaskRow[] = states.map((state, i) => ({
    id: id(i),
    title: `Task ${i + 1}: ${['add the parser', 'wire the API', 'write the docs', 'fix the flaky test', 'migrate the schema'][i % 5]}`,
    url: `http://127.0.0.1:9/acme/app/issues/${i + 1}`,
    labels: i % 7 === 0 ? ['area:core'] : [],
    state: state as ApiTaskRow['state'],
    attempts: state === 'pending' || state === 'ready' ? 0 : state === 'retrying' ? 2 : 1,
    estimate: estimate[i] ?? 1,
    priority: priority[i] ?? 1,
    critical: critical.has(i),
    dependencies: (deps[i] ?? []).map((d) => ({ id: id(d.id), origin: d.origin })),
    pullRequests: state === 'done' ? [{ url: `http://127.0.0.1:9/acme/app/pull/${2000 + i}`, number: 2000 + i, title: `Task ${i + 1}`, state: 'open' }] : [],
    ...(state === 'done' ? { summary: `Did task ${i + 1}.`, durationMs: 60_000 + i * 10 } : {}),
    ...(state === 'failed' ? { error: 'The agent run ended ERROR: tests failed' } : {}),
    ...(state === 'skipped' ? { skipReason: 'dependency-failed' } : {}),
    warnings: [],
  }));

  const slots = Array.from({ length: 6 }, (_, k): StatusResponse['slots'][number] => {
    const task = running[k];
    if (task === undefined) return { agent: `agent-${k + 1}`, state: 'idle' };
    return {
      agent: `agent-${k + 1}`,
      state: states[task] === 'retrying' ? 'retrying' : 'running',
      taskId: id(task),
      title: tasks[task]?.title ?? '',
      attempt: tasks[task]?.attempts ?? 1,
      remoteStatus: 'ACTIVE',
      startedAt: now - (k + 1) * 45_000,
      elapsedMs: (k + 1) * 45_000,
      webUrl: `http://127.0.0.1:9/agent/trace/${100 + k}`,
      ...(k === 0 ? { pullRequestUrl: 'http://127.0.0.1:9/acme/app/pull/1' } : {}),
      ...(k === 2 ? { waitingFor: 'codegen.create budget' } : {}),
    };
  });
  const counts = { pending: 0, ready: 0, running: 0, retrying: 0, 'in-review': 0, done: 0, failed: 0, skipped: 0, 'needs-input': 0, interrupted: 0, total: size };
  for (const state of states) counts[state as keyof typeof counts] += 1;

  const status: StatusResponse = {
    version: 1,
    run: { runId: 'fixture-run', phase: 'running', startedAt: now - 3_600_000, now, etaMs: 5_400_000, concurrency: slots.length, counts, throughputPerMinute: 5, utilisation: 0.8, pendingUpdates: 3 },
    slots,
    budgets: [
      { name: 'codegen.create', limit: 10, remaining: 1, windowMs: 60_000, nextFreeAt: now + 12_000, waiting: 2 },
      { name: 'codegen.read', limit: 60, remaining: 41, windowMs: 30_000 },
      { name: 'github.rest', limit: 5000, remaining: 4870, windowMs: 3_600_000, resetAt: now + 1_200_000 },
    ],
  };
  const events: LogEvent[] = [];
  let seq = 0;
  for (let i = 0; i < doneUpTo; i += 1) {
    if (states[i] !== 'done' && states[i] !== 'failed') continue;
    seq += 1;
    events.push({ seq, at: now - 3_600_000 + i * 1000, type: 'task:start', taskId: id(i), message: `${id(i)} started on agent-1` });
    seq += 1;
    events.push({ seq, at: now - 3_600_000 + i * 1000 + 500, type: `task:${states[i]}`, taskId: id(i), message: `${id(i)} ${states[i]}` });
  }
  return { status, tasks: { tasks, criticalPath: criticalIdx.map(id) }, events };
}
