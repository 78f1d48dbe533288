/**
 * Child process of the crash suite (crash.test.ts): runs (or resumes) the orchestrator on a
 * fixed backlog against a fake Codegen server that lives in the parent, with the journal's fault
 * hook wired to SIGKILL this process at the N-th occurrence of a commit point.
 *
 * Environment: PCO_CRASH_FAKE_URL, PCO_CRASH_TOKEN, PCO_CRASH_ORG, PCO_CRASH_JOURNAL,
 * PCO_CRASH_TASKS (JSON file of tasks), PCO_CRASH_TIME_SCALE, PCO_CRASH_LIMITS (the rate limits of
 * the fake, JSON), PCO_CRASH_KILL_AT (`point:n`, or
 * empty to run to the end). Prints one JSON summary line on stdout when the run ends.
 */
import { readFileSync } from 'node:fs';
import { CodegenClient, RunWatcher, type CodegenOperation, type RateLimit, CodegenExecutor } from '@pco/codegen-client';
import { Orchestrator } from '@pco/core';
// The journal's fault hook is test-only: not in @pco/core's public types, imported by path.
import { FileJournalWithFaultHook as FileJournal, type JournalFaultPoint } from '../../../../core/src/journal/fault-injection.js';
import type { Task } from '@pco/contract';
import { journalFingerprint } from '../config-fingerprint.js';
import { runBudgetStore } from '../run-budget.js';

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

const fakeUrl = env('PCO_CRASH_FAKE_URL');
const token = env('PCO_CRASH_TOKEN');
const orgId = Number(env('PCO_CRASH_ORG'));
const timeScale = Number(env('PCO_CRASH_TIME_SCALE'));
const tasks = JSON.parse(readFileSync(env('PCO_CRASH_TASKS'), 'utf8')) as Task[];
const [killPoint, killAtText] = (process.env.PCO_CRASH_KILL_AT ?? '').split(':');
const killAt = Number(killAtText ?? 0);
let seen = 0;
const journalPath = env('PCO_CRASH_JOURNAL');

const journal = await FileJournal.open({
  path: journalPath,
  fingerprint: journalFingerprint({ github: { repos: ['acme/app'] }, codegen: { orgId, baseUrl: fakeUrl } }),
  secrets: [token],
  faultHook(point: JournalFaultPoint) {
    if (point === killPoint && ++seen === killAt) process.kill(process.pid, 'SIGKILL');
  },
});

// The fake's limits, windows and backoff at the fake's time scale (the client is on the real clock).
const limits = Object.fromEntries(
  Object.entries(JSON.parse(env('PCO_CRASH_LIMITS')) as Record<CodegenOperation, RateLimit>).map(([operation, limit]) => [operation, { limit: limit.limit, windowMs: limit.windowMs * timeScale }]),
) as Record<CodegenOperation, RateLimit>;
const client = new CodegenClient({
  token,
  orgId,
  baseUrl: fakeUrl,
  retry: { retries: 8, minDelayMs: 1_000 * timeScale, maxDelayMs: 30_000 * timeScale },
  // The budget beside the journal, as `pco run` keeps it.
  limits: { limits, store: runBudgetStore(journalPath, { timeScale }) },
});
const watcher = new RunWatcher(client, { minIntervalMs: 2000 * timeScale, maxIntervalMs: 5000 * timeScale });
const orchestrator = new Orchestrator({
  source: { load: async () => tasks },
  executor: new CodegenExecutor({ client, watcher }),
  journal,
  concurrency: 10,
  secrets: [token],
  retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
});
const summary = await orchestrator.run({ resume: true });
watcher.close();
await journal.close();
process.stdout.write(
  `${JSON.stringify({ counts: summary.counts, results: summary.results.map((r) => ({ id: r.id, state: r.state, runId: r.runId, attempts: r.attempts })) })}\n`,
);
