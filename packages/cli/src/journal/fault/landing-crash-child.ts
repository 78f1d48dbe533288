/**
 * Child process of the landing crash suite (landing-crash.test.ts): `pco run`'s landing pipeline
 * (landing-harness.ts) on the config the parent wrote, against the fakes that live in the parent,
 * with the journal's fault hook wired to SIGKILL this process at the n-th occurrence of a commit
 * point. Prints one JSON line with the outcome when the run ends.
 *
 * Environment: PCO_LANDING_CONFIG (the pco.yaml), PCO_LANDING_DIR, PCO_LANDING_SPEED,
 * PCO_LANDING_KILL_AT (`point:n`, or `point:n:follow-up` counting only the entries of follow-up
 * attempts, `point:n:first-run` only those of other attempts, or `point:n:<prefix>` counting only steps whose key starts with it, e.g. `merge:`;
 * empty to run to the end).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '@pco/core';
// The journal's fault hook is test-only: not in @pco/core's public types, imported by path.
import { FileJournalWithFaultHook, type JournalFaultPoint } from '../../../../core/src/journal/fault-injection.js';
import type { JournalEntry } from '@pco/contract';
import { runLandingPipeline } from '../../landing/landing-harness.js';

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

const [killPoint, killAtText, ...rest] = (process.env.PCO_LANDING_KILL_AT ?? '').split(':');
const killAt = Number(killAtText ?? 0);
const only = rest.join(':');
let seen = 0;
// Attempts that are follow-ups (their intents say so; `created` and `follow-up` entries do not),
// including those an earlier life dispatched and this one re-attaches to.
const followUps = new Set<string>();
const journalPath = join(env('PCO_LANDING_DIR'), 'journal.jsonl');
for (const entry of existsSync(journalPath) ? (await readJournal(journalPath)).entries : []) {
  if (entry.type === 'intent' && entry.followUp !== undefined) followUps.add(`${entry.taskId}#${entry.attempt}`);
}
function counts(entry: JournalEntry | undefined): boolean {
  if (entry?.type === 'intent' && entry.followUp !== undefined) followUps.add(`${entry.taskId}#${entry.attempt}`);
  if (only === '') return true;
  const attempt = entry !== undefined && 'attempt' in entry && 'taskId' in entry ? `${entry.taskId}#${entry.attempt}` : undefined;
  if (only === 'follow-up') return attempt !== undefined && followUps.has(attempt);
  if (only === 'first-run') return attempt !== undefined && !followUps.has(attempt);
  return entry?.type === 'step' && entry.key.startsWith(only);
}

const result = await runLandingPipeline(readFileSync(env('PCO_LANDING_CONFIG'), 'utf8'), env('PCO_LANDING_DIR'), Number(env('PCO_LANDING_SPEED')), (options) =>
  FileJournalWithFaultHook.open({
    ...options,
    faultHook(point: JournalFaultPoint, entry: JournalEntry | undefined) {
      if (counts(entry) && point === killPoint && ++seen === killAt) process.kill(process.pid, 'SIGKILL');
    },
  }),
);
process.stdout.write(
  `${JSON.stringify({ code: result.code, results: (result.summary?.results ?? []).map((r) => ({ id: r.id, state: r.state, landing: r.landing?.state, error: r.error })) })}\n`,
);
