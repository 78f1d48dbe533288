/**
 * Crash suite: a 50-task run with dependencies against the fake Codegen server, in a child
 * process that is SIGKILLed at 20 seeded points (commit-point hooks, including between intent and
 * create and between create and its journal record, plus a few at random times) and resumed each
 * time. The fake lives in this process, so it outlives every child and its creation log sees
 * every run any child created, and its request log every 429 any child met: the children keep
 * the rate-limit budget beside the journal as `pco run` does, so none may meet one.
 *
 * Seeded (PCO_CRASH_SEED overrides) and bounded: about 20-40 s on two cores.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom, startFakeCodegen, type FakeCodegen } from '@pco/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayJournal, readJournal } from '@pco/core';
import type { JournalEntry, Task, TaskResult } from '@pco/contract';
import type { JournalFaultPoint } from '../../../../core/src/journal/fault-injection.js';
import { childCommand, runChild, type Kill, type Life } from './crash-process.js';

const SEED = Number(process.env.PCO_CRASH_SEED ?? 20250301);
const TASKS = 50;
const KILLS = 20;
const TIME_SCALE = 0.002; // a 1-4 minute agent run takes 120-480 ms
/**
 * The documented limits with windows 10 times longer, on both sides (fake and client). Scaled,
 * the documented create window is 120 ms, about what a child takes to start: every restart would
 * let the windows of the process before pass. Real windows (30-60 s) are 30-60 restarts long;
 * stretched (creates: 10 per 1.2 s), a restart lands inside them as it does in real use.
 */
const LIMITS = {
  createRun: { limit: 10, windowMs: 600_000 },
  getRun: { limit: 60, windowMs: 300_000 },
  listRuns: { limit: 60, windowMs: 300_000 },
  getCurrentUser: { limit: 60, windowMs: 300_000 },
};
const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

function backlog(random: () => number): Task[] {
  const tasks: Task[] = [];
  for (let i = 0; i < TASKS; i += 1) {
    const deps = new Set<string>();
    const count = i === 0 ? 0 : Math.floor(random() * 3.2);
    for (let k = 0; k < count; k += 1) deps.add(`acme/app#${1 + Math.max(0, i - 1 - Math.floor(random() * 12))}`);
    tasks.push({ id: `acme/app#${i + 1}`, title: `Task ${i + 1}`, body: `Do thing ${i + 1}.`, dependencies: [...deps] });
  }
  return tasks;
}

function killSchedule(random: () => number): Kill[] {
  const points: JournalFaultPoint[] = [
    'after-intent', 'after-intent', 'after-intent', 'after-intent',
    'before-created', 'before-created', 'before-created', 'before-created',
    'after-created', 'after-created',
    'after-status',
    'mid-write', 'mid-write',
    'before-result', 'before-result',
    'after-result', 'after-result',
    'after-run',
  ];
  const kills: Kill[] = points.map((point) => ({
    kind: 'hook',
    point,
    // mid-write fires on every batch (header and run entries included): a few more.
    n: point === 'after-run' ? 1 : point === 'mid-write' ? 3 + Math.floor(random() * 6) : 1 + Math.floor(random() * 3),
  }));
  for (let i = kills.length; i < KILLS; i += 1) kills.push({ kind: 'timer', afterMs: 150 + Math.floor(random() * 600) });
  for (let i = kills.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [kills[i], kills[j]] = [kills[j]!, kills[i]!];
  }
  return kills;
}

describe('crash suite: SIGKILL at 20 points, resume each time', () => {
  let fake: FakeCodegen;
  let dir: string;
  let command: string[];

  beforeAll(async () => {
    const random = seededRandom(SEED ^ 0x5eed);
    fake = await startFakeCodegen({
      timeScale: TIME_SCALE,
      seed: SEED,
      rateLimits: { limits: LIMITS },
      script: () => ({ status: 'COMPLETE', durationMs: 60_000 + Math.floor(random() * 180_000) }),
    });
    dir = await mkdtemp(join(tmpdir(), 'pco-crash-'));
    command = await childCommand(CHILD, dir);
  });
  afterAll(async () => {
    await fake?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('completes every task exactly once, with zero duplicate runs, no lost result and no 429', async () => {
    const started = Date.now();
    const random = seededRandom(SEED);
    const tasks = backlog(random);
    const schedule = killSchedule(random);
    const journalPath = join(dir, 'journal.jsonl');
    const tasksPath = join(dir, 'tasks.json');
    await writeFile(tasksPath, JSON.stringify(tasks));
    const env = {
      PCO_CRASH_FAKE_URL: fake.url,
      PCO_CRASH_TOKEN: fake.token,
      PCO_CRASH_ORG: String(fake.orgId),
      PCO_CRASH_JOURNAL: journalPath,
      PCO_CRASH_TASKS: tasksPath,
      PCO_CRASH_TIME_SCALE: String(TIME_SCALE),
      PCO_CRASH_LIMITS: JSON.stringify(LIMITS),
    };

    const lives: Life[] = [];
    const starts: number[] = [];
    for (const kill of schedule) {
      starts.push(Date.now());
      const life = await runChild(command, env, kill, 'PCO_CRASH_KILL_AT');
      lives.push(life);
      if (life.signal !== 'SIGKILL') {
        // The run finished (or failed) before the kill point came: the schedule is too loose.
        throw new Error(`life ${lives.length} (${JSON.stringify(kill)}) exited ${life.code}:\n${life.stderr}\n${life.stdout}`);
      }
    }
    starts.push(Date.now());
    const last = await runChild(command, env, undefined, 'PCO_CRASH_KILL_AT');
    lives.push(last);
    expect(last.stderr).toBe('');
    expect(last.code).toBe(0);
    const summary = JSON.parse(last.stdout.trim().split('\n').at(-1)!) as { counts: Record<string, number>; results: TaskResult[] };

    // --- figures ----------------------------------------------------------------------------
    const kills = lives.filter((life) => life.signal === 'SIGKILL').length;
    const { entries, warnings } = await readJournal(journalPath);
    const creations = new Map<string, number[]>();
    for (const record of fake.created) {
      const task = String(record.metadata?.pco_task_id);
      creations.set(task, [...(creations.get(task) ?? []), record.id]);
    }
    const duplicates = [...creations.values()].reduce((sum, ids) => sum + ids.length - 1, 0);
    const doneRuns = new Map<string, Set<number | string>>();
    for (const entry of entries) {
      if (entry.type === 'result' && entry.result.state === 'done') {
        doneRuns.set(entry.result.id, (doneRuns.get(entry.result.id) ?? new Set()).add(entry.result.runId!));
      }
    }
    const replay = replayJournal(entries);
    const lost = tasks.filter((task) => {
      const result = replay.tasks.get(task.id)?.result;
      const runs = creations.get(task.id) ?? [];
      return result?.state !== 'done' || runs.length !== 1 || result.runId !== runs[0] || fake.run(runs[0]!)?.status !== 'COMPLETE';
    });
    // Runs found by their idempotency key: recorded by a later process than the one that
    // created them (the create happened before that process started).
    const createdAt = new Map(fake.created.map((record) => [record.id, record.at]));
    let processStart = 0;
    let recoveredByKey = 0;
    for (const entry of entries) {
      if (entry.type === 'run') processStart = entry.at;
      if (entry.type === 'created' && (createdAt.get(Number(entry.agentRunId)) ?? Infinity) < processStart) recoveredByKey += 1;
    }
    const stats = fake.stats();
    // Restarts that began while the server still counted creates of the process before: each one
    // would have been refused without the budget file.
    const createWindow = LIMITS.createRun.windowMs * TIME_SCALE;
    const creates = fake.requests.filter((request) => request.operation === 'createRun').map((request) => request.at);
    const restartsInWindow = starts.slice(1).filter((start) => creates.some((at) => at < start && at > start - createWindow)).length;
    const tornTails = (await readdir(dir)).filter((name) => name.startsWith('journal.jsonl.corrupt-')).length;
    const byPoint: Record<string, number> = {};
    for (const life of lives) if (life.kill) byPoint[life.kill.kind === 'hook' ? life.kill.point : 'timer'] = (byPoint[life.kill.kind === 'hook' ? life.kill.point : 'timer'] ?? 0) + 1;
    console.log(
      `crash suite (seed ${SEED}): ${kills} SIGKILLs ${JSON.stringify(byPoint)}, ${lives.length} processes, ` +
        `${fake.created.length} runs created for ${TASKS} tasks (${stats.byOperation.createRun ?? 0} create calls), ` +
        `${recoveredByKey} runs recovered by idempotency key (list calls, watcher polls included: ${stats.byOperation.listRuns ?? 0}), ` +
        `duplicate runs ${duplicates}, lost results ${lost.length}, ` +
        `tasks completed more than once ${[...doneRuns.values()].filter((runs) => runs.size > 1).length}, ` +
        `${restartsInWindow} restarts inside the create window of the process before, ` +
        `429s ${stats.rateLimited} ${JSON.stringify(stats.rateLimitedByOperation)}, journal lines skipped ${warnings.length}, torn tails repaired ${tornTails}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    expect(kills).toBe(KILLS);
    // The budget survived every restart: no request the server refused, and the test did restart
    // into windows the server still counted.
    expect(stats.rateLimited).toBe(0);
    expect(restartsInWindow).toBeGreaterThanOrEqual(5);
    // Every kill in the middle of a write left a torn line, which the next process saved aside
    // and cut off. (With the fault hook on, each batch is written in two halves, so a kill at
    // another point often tears a concurrent batch too.)
    expect(tornTails).toBeGreaterThanOrEqual(byPoint['mid-write'] ?? 0);
    expect(summary.counts.done).toBe(TASKS);
    expect(summary.results.every((result) => result.state === 'done')).toBe(true);
    expect(duplicates).toBe(0);
    // The kills between create and its record did happen, and were repaired by a lookup.
    expect(recoveredByKey).toBeGreaterThanOrEqual(1);
    expect(fake.created).toHaveLength(TASKS);
    expect(lost.map((task) => task.id)).toEqual([]);
    // Exactly once: one run per task ever did the work, and it is the one the journal kept.
    expect([...doneRuns.entries()].filter(([, runs]) => runs.size !== 1)).toEqual([]);
    expect(doneRuns.size).toBe(TASKS);
    // Dependencies held across the crashes: a task's successful attempt began after its
    // dependencies' results were durable.
    expect(dependencyViolations(tasks, entries)).toEqual([]);
  }, 120_000);
});

function dependencyViolations(tasks: readonly Task[], entries: readonly JournalEntry[]): string[] {
  const doneAt = new Map<string, number>();
  const lastIntent = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (entry.type === 'result' && entry.result.state === 'done' && !doneAt.has(entry.result.id)) doneAt.set(entry.result.id, index);
    if (entry.type === 'intent') lastIntent.set(entry.taskId, index);
  });
  const problems: string[] = [];
  for (const task of tasks) {
    const intent = lastIntent.get(task.id) ?? -1;
    for (const dep of task.dependencies ?? []) {
      if ((doneAt.get(dep) ?? Infinity) > intent) problems.push(`${task.id} started before ${dep} was done`);
    }
  }
  return problems;
}
