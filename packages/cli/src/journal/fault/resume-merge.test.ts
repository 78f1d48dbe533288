/**
 * Resume with a changed backlog, through the real pipeline (fake GitHub issues source and
 * reporter, Codegen executor, journal): the first process is stopped with runs in flight (the
 * `detach` stop of Ctrl-C: remote runs keep going); meanwhile a new issue appears, one that had
 * not started is closed, and one gets a new dependency. The second process resumes: done tasks
 * are not run again, detached runs are re-attached (no second run), the closed issue is dropped,
 * the new one runs, the changed dependency holds, and GitHub ends with one result comment and one
 * status label per issue.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeCodegen, startFakeGitHub, type FakeCodegen, type FakeGitHub } from '@pco/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodegenExecutor, createGitHubClientFor, createReporter, createTaskSource } from '../../cli/pipeline.js';
import { parseConfig, type PcoConfig } from '../../config/index.js';
import { Orchestrator, FileJournal, readJournal } from '@pco/core';
import type { RunSummary } from '@pco/core';
import type { JournalEntry, Task } from '@pco/contract';
import { journalFingerprint } from '../index.js';

const SPEED = 1000;
const TOKEN = 'ghp_ResumeMergeToken0123456789abcdefgh';
const ids = (numbers: number[]) => numbers.map((n) => `acme/res#${n}`);

describe('resume merges a changed backlog', () => {
  let dir: string;
  let github: FakeGitHub;
  let codegen: FakeCodegen;
  let config: PcoConfig;
  let first: RunSummary;
  let second: RunSummary;
  let runsAfterFirst = new Map<string, number>();
  let entries: readonly JournalEntry[] = [];

  async function life(transform: (tasks: readonly Task[]) => Task[], stopAfterDone: number | undefined): Promise<RunSummary> {
    const client = createGitHubClientFor(config, { github: { timeScale: 1, writeSpacingMs: 0, notificationSpacingMs: 0, throttleId: `pco-res-${process.pid}-${Math.random()}` } });
    const source = createTaskSource(config, client);
    const { executor } = createCodegenExecutor(config, { timeScale: 1 / SPEED });
    const journal = await FileJournal.open({ path: config.journal.path, fingerprint: journalFingerprint(config), secrets: [TOKEN] });
    const orchestrator = new Orchestrator({
      source: { load: async (signal) => transform(await source.load(signal)) },
      executor,
      reporters: [createReporter(config, client)],
      journal,
      secrets: [TOKEN],
      concurrency: 4,
      timeoutMs: 3_600_000 / SPEED,
    });
    if (stopAfterDone !== undefined) {
      // Stop once enough tasks are done and a created run is in flight (so the detach case is
      // always exercised); creates may be under way too (see also detach-window.test.ts).
      let done = 0;
      const inFlight = new Set<string>();
      const maybeStop = () => {
        if (done >= stopAfterDone && inFlight.size > 0) void orchestrator.stop({ mode: 'detach' });
      };
      orchestrator.on('task:checkpoint', (e) => {
        inFlight.add(e.taskId);
        maybeStop();
      });
      orchestrator.on('task:done', (e) => {
        inFlight.delete(e.taskId);
        done += 1;
        maybeStop();
      });
    }
    try {
      return await orchestrator.run({ resume: true });
    } finally {
      executor.close();
      await journal.close();
    }
  }

  const runsPerTask = () => {
    const map = new Map<string, number>();
    for (const record of codegen.created) map.set(String(record.metadata?.pco_task_id), (map.get(String(record.metadata?.pco_task_id)) ?? 0) + 1);
    return map;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pco-resume-merge-'));
    const issue = (number: number, deps: number[]) => ({
      number,
      title: `Task ${number}`,
      body: deps.length ? `Depends on ${deps.map((d) => `#${d}`).join(', ')}` : 'Independent.',
      labels: ['agent'],
      author: 'alice',
      authorAssociation: 'OWNER' as const,
    });
    github = await startFakeGitHub(
      {
        viewer: 'pco-bot',
        repos: [
          {
            owner: 'acme',
            name: 'res',
            labels: ['agent'],
            issues: [
              issue(1, []), issue(2, []), issue(3, [1]), issue(4, [1]), issue(5, [2]), issue(6, [3]), issue(7, [3, 4]),
              issue(8, [5]), issue(9, [6]), issue(10, [7]), issue(11, [8]), issue(12, [9, 10]), issue(13, [11]),
              issue(14, [12]), issue(15, [13]), issue(16, [2]),
            ],
          },
        ],
      },
      { token: TOKEN },
    );
    codegen = await startFakeCodegen({ tokens: [TOKEN], repos: [{ id: 1, fullName: 'acme/res' }], timeScale: 1 / SPEED, seed: 11, defaultScript: { durationMs: 120_000 } });
    const parsed = parseConfig(
      {
        github: { token: TOKEN, baseUrl: github.url, repos: ['acme/res'] },
        codegen: { orgId: 1, token: TOKEN, baseUrl: codegen.url, repoId: 1 },
        journal: { path: join(dir, 'journal.jsonl'), resultsDir: dir },
      },
      { env: {}, baseDir: dir },
    );
    if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    config = parsed.config;

    // First process: #16 does not exist yet. Stopped (detach) after 5 tasks are done.
    first = await life((tasks) => tasks.filter((task) => task.id !== 'acme/res#16'), 5);
    runsAfterFirst = runsPerTask();
    // Second process: #16 appeared, #15 was closed, #14 now also waits for #16.
    second = await life(
      (tasks) =>
        tasks
          .filter((task) => task.id !== 'acme/res#15')
          .map((task) => (task.id === 'acme/res#14' ? { ...task, dependencies: [...(task.dependencies ?? []), 'acme/res#16'] } : task)),
      undefined,
    );
    entries = (await readJournal(config.journal.path)).entries;
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([github?.close(), codegen?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stopped the first process with runs in flight', () => {
    const states = first.results.map((r) => r.state);
    expect(states.filter((s) => s === 'done').length).toBeGreaterThanOrEqual(5);
    expect(first.results.filter((r) => r.state === 'interrupted' && r.runId !== undefined).length).toBeGreaterThan(0);
    expect(first.results.find((r) => r.id === 'acme/res#15')?.attempts).toBe(0);
  });

  it('resumed: nothing run twice, detached runs re-attached, the closed issue dropped, the new one run', () => {
    const doneFirst = first.results.filter((r) => r.state === 'done').map((r) => r.id);
    const detached = first.results.filter((r) => r.state === 'interrupted' && r.runId !== undefined).map((r) => r.id);
    const runs = runsPerTask();
    console.log(
      `resume merge: first process ${doneFirst.length} done, ${detached.length} detached with a live run; ` +
        `second process ${second.results.filter((r) => r.state === 'done').length} done of ${second.results.length}; ` +
        `${codegen.created.length} runs created in all`,
    );
    expect(second.results.map((r) => r.id).sort()).toEqual(ids([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16]).sort());
    expect(second.results.every((r) => r.state === 'done')).toBe(true);
    // One run per task, ever: done ones not rerun, detached ones re-attached.
    for (const id of [...doneFirst, ...detached]) expect({ id, runs: runs.get(id) }).toEqual({ id, runs: runsAfterFirst.get(id) });
    expect([...runs.entries()].filter(([, count]) => count !== 1)).toEqual([]);
    expect(runs.has('acme/res#15')).toBe(false);
    expect(runs.get('acme/res#16')).toBe(1);
    for (const id of detached) {
      expect(second.results.find((r) => r.id === id)?.runId).toBe(first.results.find((r) => r.id === id)?.runId);
    }
  });

  it('the changed dependency held: #14 started after the new #16 was done', () => {
    const index = (match: (entry: JournalEntry) => boolean) => entries.findIndex(match);
    const done16 = index((e) => e.type === 'result' && e.result.id === 'acme/res#16' && e.result.state === 'done');
    const start14 = index((e) => e.type === 'intent' && e.taskId === 'acme/res#14');
    expect(done16).toBeGreaterThan(-1);
    expect(start14).toBeGreaterThan(done16);
  });

  it('GitHub holds one result comment and one status label per issue', () => {
    for (let n = 1; n <= 16; n += 1) {
      const snapshot = github.issue(`acme/res#${n}`);
      const comments = snapshot.comments.filter((comment) => comment.body.includes('<!-- pco:result'));
      const statusLabels = snapshot.labels.filter((label) => label.startsWith('status:'));
      if (n === 15) {
        // Dropped before it ever ran: whatever the first process queued stays, nothing more.
        expect(comments.length).toBeLessThanOrEqual(1);
        continue;
      }
      expect({ n, comments: comments.length, statusLabels }).toEqual({ n, comments: 1, statusLabels: ['status:done'] });
    }
  });
});
